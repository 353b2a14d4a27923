import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { config } from '../lib/config';
import { logger, metrics } from '../lib/observability';
import { applyFaultEvent } from '../lib/vim-actions/apply-fault-actions';
import { vimAdapterDeps } from '../lib/vim-actions/vim-adapter';
import { vimCredentialsMiddleware, type VimContext } from '../lib/vim/credentials-middleware';

/** Controller: FaultConfirmed / FaultCleared from the correlator -> Nova and Neutron. */
export const handler = middy<{ 'detail-type': string; detail: unknown }, unknown, Error, VimContext>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (event, context) => {
    if (config().vim.kind === 'none') return { outcome: 'no-vim' };
    const result = await applyFaultEvent(event, vimAdapterDeps(context.vimCredentials));
    metrics.addMetric(`vim.${result.outcome}`, MetricUnit.Count, 1);
    if (result.outcome === 'pending' || result.outcome === 'failed' || result.outcome === 'rejected')
      logger.warn('VIM actions not applied', { ...result });
    else logger.info('VIM actions', { ...result });
    return result;
  });
