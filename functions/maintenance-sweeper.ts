import middy from '@middy/core';
import { config } from '../lib/platform/config';
import { observed } from '../lib/platform/middleware/observed';
import { vimCredentialsMiddleware, type VimContext } from '../lib/platform/middleware/vim-credentials';
import { NO_VIM, vimRequired } from '../lib/platform/middleware/vim-required';
import { logger } from '../lib/platform/observability';
import { maintenanceWorkflow } from '../lib/wiring/maintenance';

/** Every minute: sessions whose deadline passed, whose effects are left to carry out, or whose moves are awaited. */
export const handler = middy<unknown, unknown, Error, VimContext>()
  .use(observed())
  .use(vimRequired(config().vim, NO_VIM))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (_event, context) => {
    const result = await maintenanceWorkflow(context.vimCredentials).sweep();
    if (result.failures.length > 0) logger.warn('maintenance sweep', { ...result });
    else logger.info('maintenance sweep', { sessions: result.passes.length });
    return result;
  });
