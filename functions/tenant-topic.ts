import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { callerOf } from '../lib/platform/auth/caller';
import { responseOf } from '../lib/platform/http/responses';
import { apiErrors } from '../lib/platform/middleware/api-errors';
import { logger } from '../lib/platform/observability';
import { tenantTopicRoute } from '../lib/wiring/tenant-topic';

/** GET /v1/tenants/{tenantId}/topic: the SNS topic a tenant's VNF manager subscribes to (its own only). */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger))
  .use(apiErrors())
  .handler(async (event) =>
    responseOf(await tenantTopicRoute().get(callerOf(event.requestContext.authorizer), event.pathParameters?.tenantId)),
  );
