import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { retryPending } from '../lib/controller/apply-fault-actions';
import { config } from '../lib/platform/config';
import { observed } from '../lib/platform/middleware/observed';
import { vimCredentialsMiddleware, type VimContext } from '../lib/platform/middleware/vim-credentials';
import { NO_VIM, vimRequired } from '../lib/platform/middleware/vim-required';
import { logger, metrics } from '../lib/platform/observability';
import { vimAdapterDeps } from '../lib/wiring/vim-adapter';

/** Scheduled: completes the VIM actions that failed while the VIM was unreachable. */
export const handler = middy<unknown, unknown, Error, VimContext>()
  .use(observed())
  .use(vimRequired(config().vim, NO_VIM))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (_event, context) => {
    const hosts = await retryPending(vimAdapterDeps(context.vimCredentials));
    metrics.addMetric('vim.retried', MetricUnit.Count, hosts.length);
    const stillPending = hosts.filter((h) => h.outcome === 'pending');
    if (stillPending.length > 0) logger.warn('VIM actions still pending', { hosts: stillPending });
    return { hosts };
  });
