import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { config } from '../lib/config';
import { logger } from '../lib/observability';
import { recoveryWorkflow } from '../lib/recovery/recovery-deps';
import { vimCredentialsMiddleware, type VimContext } from '../lib/vim/credentials-middleware';

/** Every minute: recoveries whose grace period ended, whose evacuation is to follow, or whose event was missed. */
export const handler = middy<unknown, unknown, Error, VimContext>()
  .use(injectLambdaContext(logger))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (_event, context) => {
    if (config().vim.kind === 'none') return { recoveries: [] };
    const recoveries = await recoveryWorkflow(context.vimCredentials).sweep();
    logger.info('recovery sweep', { recoveries: recoveries.length });
    return { recoveries };
  });
