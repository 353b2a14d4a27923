import httpErrorHandler from '@middy/http-error-handler';
import { logger } from '../observability';

/** middy's http-error-handler for the API routes: a refusal (4xx) answers with its message and is logged as such. */
export const refusalsLogged = () => httpErrorHandler({ logger: (e) => logger.info('request refused', { error: e }) });
