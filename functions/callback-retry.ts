import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { z } from 'zod';
import { pendingDelivery } from '../lib/notifier/callbacks/pending-delivery';
import { observed } from '../lib/platform/middleware/observed';
import { metrics } from '../lib/platform/observability';
import { callbackRetries } from '../lib/wiring/callbacks';

/** A re-drive of dead-lettered deliveries (`nfvi-doctor dead-letters redrive callbacks`). */
const requeue = z.object({ requeue: z.array(pendingDelivery).min(1) });

/** Scheduled: the failed callback deliveries that are due, tried again; or re-driven ones, at once. */
export const handler = middy<unknown, unknown>()
  .use(observed())
  .handler(async (event) => {
    const redriven = requeue.safeParse(event);
    const retries = callbackRetries();
    const counts = redriven.success ? await retries.requeue(redriven.data.requeue) : await retries.retryDue();
    metrics.addMetric(
      'callbacks.retried',
      MetricUnit.Count,
      counts.delivered + counts.failed + counts['dead-lettered'],
    );
    metrics.addMetric('callbacks.deadLettered', MetricUnit.Count, counts['dead-lettered']);
    return counts;
  });
