import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { sweepFaults } from '../lib/inspector/correlate-event';
import { observed } from '../lib/platform/middleware/observed';
import { logger, metrics } from '../lib/platform/observability';
import { correlatorDeps } from '../lib/wiring/correlator';

/** Every minute: faults due for another look (a transition its invocation did not publish, a clear held while it flapped). */
export const handler = middy()
  .use(observed())
  .handler(async (_event: unknown, context: Context) => {
    const deadline = new Date(Date.now() + context.getRemainingTimeInMillis());
    const result = await sweepFaults(correlatorDeps(), { deadline });
    metrics.addMetric('correlator.swept', MetricUnit.Count, result.faults);
    if (result.faults > 0) logger.info('faults swept', { ...result });
    return result;
  });
