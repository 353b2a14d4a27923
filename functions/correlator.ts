import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { correlateEvent } from '../lib/inspector/correlate-event';
import { logger, metrics } from '../lib/platform/observability';
import { correlatorDeps } from '../lib/wiring/correlator';

/** Inspector: EventBridge rule on source nfvi.collector (and the fencer's events) -> alarms, notifications, fault events. */
export const handler = middy()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event: unknown, context: Context) => {
    const deadline = new Date(Date.now() + context.getRemainingTimeInMillis());
    const result = await correlateEvent(event, correlatorDeps(), { deadline });
    metrics.addMetric(`correlator.${result.outcome}`, MetricUnit.Count, 1);
    if (result.outcome === 'quarantined') logger.warn('event quarantined', { ...result });
    else logger.info('event correlated', { ...result });
    return result;
  });
