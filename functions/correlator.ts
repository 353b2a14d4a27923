import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { correlateEvent, type CorrelationOutcome } from '../lib/inspector/correlate-event';
import { observed } from '../lib/platform/middleware/observed';
import { logger, metrics } from '../lib/platform/observability';
import { correlatorDeps } from '../lib/wiring/correlator';

const sinceMs = (from: number | string, to: string) =>
  Math.max(0, Date.parse(to) - (typeof from === 'number' ? from : Date.parse(from)));

/**
 * The metrics an operator watches the 1-second promise with: detection (the collector's
 * observedAt) to the notifications accepted by SNS, the correlator's own start to its notifications
 * accepted and to its bus event put (sent together), notifications sent, quarantined inputs by source.
 */
function measure(event: unknown, startedAt: number, result: CorrelationOutcome): void {
  metrics.addMetric(`correlator.${result.outcome}`, MetricUnit.Count, 1);
  if ('notifiedAt' in result) {
    metrics.addMetric('notifications.sent', MetricUnit.Count, result.notifications);
    metrics.addMetric(
      'fault.detectionToPublish',
      MetricUnit.Milliseconds,
      sinceMs(result.observedAt, result.notifiedAt),
    );
    metrics.addMetric('correlator.toNotified', MetricUnit.Milliseconds, sinceMs(startedAt, result.notifiedAt));
    metrics.addMetric('correlator.toFaultEvent', MetricUnit.Milliseconds, sinceMs(startedAt, result.emittedAt));
  }
  if (result.outcome === 'quarantined') {
    const bySource = metrics.singleMetric();
    bySource.addDimension('source', String((event as { source?: unknown } | null)?.source ?? 'none').slice(0, 64));
    bySource.addMetric('quarantined', MetricUnit.Count, 1);
  }
}

/** Inspector: EventBridge rule on source nfvi.collector (and the fencer's events) -> alarms, notifications, fault events. */
export const handler = middy()
  .use(observed())
  .handler(async (event: unknown, context: Context) => {
    const startedAt = Date.now();
    const deadline = new Date(startedAt + context.getRemainingTimeInMillis());
    let result: CorrelationOutcome;
    try {
      result = await correlateEvent(event, correlatorDeps(), { deadline });
    } catch (error) {
      // Lambda retries it; what it had to publish is published by the retry or the sweeper.
      metrics.addMetric('notifications.failed', MetricUnit.Count, 1);
      throw error;
    }
    measure(event, startedAt, result);
    if (result.outcome === 'quarantined') logger.warn('event quarantined', { ...result });
    else logger.info('event correlated', { ...result });
    return result;
  });
