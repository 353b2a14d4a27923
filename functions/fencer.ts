import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { config } from '../lib/config';
import { fenceHost } from '../lib/fencing/fence-host';
import { fencerDeps } from '../lib/fencing/fencer';
import { logger, metrics } from '../lib/observability';
import { secretMiddleware } from '../lib/secrets/secret-middleware';

type FencerContext = Context & { bmcCredentials?: unknown };

/** Fencing: a host-down confirmed by the peers' quorum (FaultConfirmed) -> power off through its BMC. */
export const handler = middy<{ detail: unknown }, unknown, Error, FencerContext>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(
    secretMiddleware<FencerContext>('bmcCredentials', {
      parameter: config().fencing.credentialsParameter,
      file: config().fencing.credentialsFile,
      missingFileOk: true,
    }),
  )
  .handler(async (event, context) => {
    if (!config().fencing.enabled) return { outcome: 'fencing-disabled' };
    const result = await fenceHost(event, fencerDeps(context.bmcCredentials));
    const outcome = result.outcome === 'skipped' ? `skipped.${result.reason}` : result.outcome;
    metrics.addMetric(`fencing.${outcome}`, MetricUnit.Count, 1);
    if (outcome === 'failed' || outcome === 'rejected') logger.error('fencing', { ...result });
    else logger.info('fencing', { ...result });
    return result;
  });
