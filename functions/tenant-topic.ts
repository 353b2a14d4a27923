import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { callerOf, HttpError, requireProject } from '../lib/auth/caller';
import { awsClients } from '../lib/aws/clients';
import { config } from '../lib/config';
import { tenantId } from '../lib/inventory/inventory';
import { logger } from '../lib/observability';
import { TenantTopics } from '../lib/tenants/tenant-topics';
import { refusalsLogged } from '../lib/http/refusals-logged';

/** GET /v1/tenants/{tenantId}/topic: the SNS topic a tenant's VNF manager subscribes to (its own only). */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger))
  .use(refusalsLogged())
  .handler(async (event) => {
    const parsed = tenantId.safeParse(event.pathParameters?.tenantId);
    if (!parsed.success) throw new HttpError(400, `tenantId: ${parsed.error.issues[0]?.message}`);
    requireProject(callerOf(event.requestContext.authorizer), parsed.data);
    const cfg = config();
    const { dynamo, sns } = awsClients();
    const topics = await new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix).topicArnsFor([parsed.data]);
    return {
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ tenantId: parsed.data, topicArn: topics.get(parsed.data) }),
    };
  });
