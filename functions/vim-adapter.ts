import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { applyFaultEvent } from '../lib/controller/apply-fault-actions';
import { config } from '../lib/platform/config';
import { vimCredentialsMiddleware, type VimContext } from '../lib/platform/middleware/vim-credentials';
import { NO_VIM, vimRequired } from '../lib/platform/middleware/vim-required';
import { logger, metrics } from '../lib/platform/observability';
import { vimAdapterDeps } from '../lib/wiring/vim-adapter';

/** Controller: FaultConfirmed / FaultCleared from the correlator -> Nova and Neutron. */
export const handler = middy<{ 'detail-type': string; detail: unknown }, unknown, Error, VimContext>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(vimRequired(config().vim, NO_VIM))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (event, context) => {
    const result = await applyFaultEvent(event, vimAdapterDeps(context.vimCredentials));
    metrics.addMetric(`vim.${result.outcome}`, MetricUnit.Count, 1);
    if (result.outcome === 'pending' || result.outcome === 'failed' || result.outcome === 'rejected')
      logger.warn('VIM actions not applied', { ...result });
    else logger.info('VIM actions', { ...result });
    return result;
  });
