import httpErrorHandler from '@middy/http-error-handler';
import { logger } from '../observability';

/**
 * The API routes' error handling: a refusal (an HttpError, from a use case's outcome or from a
 * check in the handler) answers with its status and message and is logged as a refusal; any
 * other error is a 500 with no detail.
 */
export const apiErrors = () => httpErrorHandler({ logger: (e) => logger.info('request refused', { error: e }) });
