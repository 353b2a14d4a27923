import middy from '@middy/core';
import { config } from '../lib/platform/config';
import { observed } from '../lib/platform/middleware/observed';
import { vimCredentialsMiddleware, type VimContext } from '../lib/platform/middleware/vim-credentials';
import { NO_VIM, vimRequired } from '../lib/platform/middleware/vim-required';
import { logger } from '../lib/platform/observability';
import { recoveryWorkflow } from '../lib/wiring/recovery';

/** Every minute: recoveries whose grace period ended, whose evacuation is to follow, or whose event was missed. */
export const handler = middy<unknown, unknown, Error, VimContext>()
  .use(observed())
  .use(vimRequired(config().vim, NO_VIM))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (_event, context) => {
    const recoveries = await recoveryWorkflow(context.vimCredentials).sweep();
    logger.info('recovery sweep', { recoveries: recoveries.length });
    return { recoveries };
  });
