import { ingestRequest } from '../lib/inspector/ingest/ingest-fault-reports';
import { callerOf, requireAdmin } from '../lib/platform/auth/caller';
import { responseOf } from '../lib/platform/http/responses';
import { apiRoute } from '../lib/platform/middleware/api-route';
import { logger } from '../lib/platform/observability';
import { ingestDeps } from '../lib/wiring/compat-ingest';

const originOf = (resource: string) =>
  resource === '/v1/event' ? 'vitrage' : resource === '/v1/alertmanager' ? 'alertmanager' : 'doctor';

/**
 * Compatibility ingest for existing monitors (administrators' tokens): Doctor's inspector API
 * (PUT/POST /events), Vitrage's Doctor datasource (POST /v1/event) and Prometheus Alertmanager's
 * webhook (POST /v1/alertmanager, an application credential as Basic auth), normalised into
 * southbound fault reports for the same correlator.
 */
export const handler = apiRoute().handler(async (event) => {
  requireAdmin(callerOf(event.requestContext.authorizer));
  const origin = originOf(event.resource);
  const outcome = await ingestRequest(event.body, origin, ingestDeps());
  if (outcome.kind !== 'ok') logger.warn('compatibility events rejected', { origin, ...outcome });
  return responseOf(outcome);
});
