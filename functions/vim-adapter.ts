import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { applyFaultEvent } from '../lib/controller/apply-fault-actions';
import { config } from '../lib/platform/config';
import { observed } from '../lib/platform/middleware/observed';
import { vimCredentialsMiddleware, type VimContext } from '../lib/platform/middleware/vim-credentials';
import { NO_VIM, vimRequired } from '../lib/platform/middleware/vim-required';
import { logger, metrics } from '../lib/platform/observability';
import { vimAdapterDeps } from '../lib/wiring/vim-adapter';

/** Controller: FaultConfirmed / FaultCleared from the correlator -> Nova and Neutron. */
export const handler = middy<{ 'detail-type': string; detail: unknown; time?: string }, unknown, Error, VimContext>()
  .use(observed())
  .use(vimRequired(config().vim, NO_VIM))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (event, context) => {
    const result = await applyFaultEvent(event, vimAdapterDeps(context.vimCredentials));
    metrics.addMetric(`vim.${result.outcome}`, MetricUnit.Count, 1);
    // Doctor's T04 (host forced down) and T03 (instances in error), from the fault event's time.
    const since = Date.parse(event.time ?? '');
    if ('forcedDownAt' in result && result.forcedDownAt && Number.isFinite(since))
      metrics.addMetric('vim.hostDown', MetricUnit.Milliseconds, Date.parse(result.forcedDownAt) - since);
    if ('instancesErroredAt' in result && result.instancesErroredAt && Number.isFinite(since))
      metrics.addMetric('vim.instancesError', MetricUnit.Milliseconds, Date.parse(result.instancesErroredAt) - since);
    if (result.outcome === 'pending' || result.outcome === 'failed' || result.outcome === 'rejected')
      logger.warn('VIM actions not applied', { ...result });
    else logger.info('VIM actions', { ...result });
    return result;
  });
