import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { fenceHost } from '../lib/fencing/fence-host';
import { config } from '../lib/platform/config';
import { observed } from '../lib/platform/middleware/observed';
import { secretMiddleware } from '../lib/platform/middleware/secret';
import { logger, metrics } from '../lib/platform/observability';
import { fencerDeps } from '../lib/wiring/fencer';

type FencerContext = Context & { bmcCredentials?: unknown };

/** Fencing: a host-down confirmed by the peers' quorum (FaultConfirmed) -> power off through its BMC. */
export const handler = middy<{ detail: unknown }, unknown, Error, FencerContext>()
  .use(observed())
  .use({ before: () => (config().fencing.enabled ? undefined : { outcome: 'fencing-disabled' }) })
  .use(
    secretMiddleware<FencerContext>('bmcCredentials', {
      parameter: config().fencing.credentialsParameter,
      file: config().fencing.credentialsFile,
      missingFileOk: true,
    }),
  )
  .handler(async (event, context) => {
    const result = await fenceHost(event, fencerDeps(context.bmcCredentials));
    const outcome = result.outcome === 'skipped' ? `skipped.${result.reason}` : result.outcome;
    metrics.addMetric(`fencing.${outcome}`, MetricUnit.Count, 1);
    if (outcome === 'failed' || outcome === 'rejected') logger.error('fencing', { ...result });
    else logger.info('fencing', { ...result });
    return result;
  });
