import { callerOf } from '../lib/platform/auth/caller';
import { responseOf } from '../lib/platform/http/responses';
import { apiRoute } from '../lib/platform/middleware/api-route';
import { tenantTopicRoute } from '../lib/wiring/tenant-topic';

/** GET /v1/tenants/{tenantId}/topic: the SNS topic a tenant's VNF manager subscribes to (its own only). */
export const handler = apiRoute().handler(async (event) =>
  responseOf(await tenantTopicRoute().get(callerOf(event.requestContext.authorizer), event.pathParameters?.tenantId)),
);
