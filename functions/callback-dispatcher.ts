import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { observed } from '../lib/platform/middleware/observed';
import { logger, metrics } from '../lib/platform/observability';
import { callbackDispatcher } from '../lib/wiring/callbacks';

/**
 * SNS (lambda protocol), from each project topic that has a callback subscription: the
 * notification POSTed to that project's callbacks. A message from a topic that is no project's,
 * or that is not JSON, fails the invocation, to be kept by Lambda's onFailure destination.
 */
export const handler = middy<SNSEvent, unknown>()
  .use(observed())
  .handler(async (event) => {
    const { dispatch, projectOfTopic } = callbackDispatcher();
    let delivered = 0;
    let failed = 0;
    for (const record of event.Records) {
      const tenantId = projectOfTopic(record.Sns.TopicArn);
      if (!tenantId) throw new Error(`${record.Sns.TopicArn} is not a project topic of this stage`);
      const report = await dispatch.dispatch(tenantId, JSON.parse(record.Sns.Message) as unknown);
      delivered += report.delivered;
      failed += report.failed;
    }
    metrics.addMetric('callbacks.delivered', MetricUnit.Count, delivered);
    metrics.addMetric('callbacks.failed', MetricUnit.Count, failed);
    if (failed > 0) logger.warn('callback deliveries failed, to be tried again', { failed });
    return { delivered, failed };
  });
