import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { config } from '../lib/config';
import { logger, metrics } from '../lib/observability';
import { retryPending } from '../lib/vim-actions/apply-fault-actions';
import { vimAdapterDeps } from '../lib/vim-actions/vim-adapter';
import { vimCredentialsMiddleware, type VimContext } from '../lib/vim/credentials-middleware';

/** Scheduled: completes the VIM actions that failed while the VIM was unreachable. */
export const handler = middy<unknown, unknown, Error, VimContext>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (_event, context) => {
    if (config().vim.kind === 'none') return { hosts: [] };
    const hosts = await retryPending(vimAdapterDeps(context.vimCredentials));
    metrics.addMetric('vim.retried', MetricUnit.Count, hosts.length);
    const stillPending = hosts.filter((h) => h.outcome === 'pending');
    if (stillPending.length > 0) logger.warn('VIM actions still pending', { hosts: stillPending });
    return { hosts };
  });
