import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { callerOf, requireAdmin } from '../lib/auth/caller';
import { awsClients } from '../lib/aws/clients';
import { config } from '../lib/config';
import { syncInventory } from '../lib/inventory/sync-inventory';
import { logger, metrics } from '../lib/observability';
import { DynamoDbInventory } from '../lib/store/dynamodb-inventory';
import { TenantTopics } from '../lib/tenants/tenant-topics';
import { vimCredentialsMiddleware, type VimContext } from '../lib/vim/credentials-middleware';
import { NovaInventorySource } from '../lib/vim/nova-inventory-source';
import { vimConnection } from '../lib/vim/vim-connection';

type Trigger = Partial<APIGatewayProxyEvent>;

/** Inventory sync from Nova: on a schedule, and on demand (POST /v1/inventory/sync, administrators only). */
export const handler = middy<Trigger, unknown, Error, VimContext>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(httpErrorHandler({ logger: (e) => logger.warn('request refused', { error: e }) }))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (event, context) => {
    const onDemand = event.httpMethod !== undefined;
    if (onDemand) requireAdmin(callerOf(event.requestContext?.authorizer));
    const cfg = config();
    const { dynamo, sns } = awsClients();
    const synced = await syncInventory(
      new NovaInventorySource(vimConnection(context.vimCredentials, cfg.vim).nova),
      new DynamoDbInventory(dynamo, cfg.inventoryTable),
      new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix),
      new Date(),
    );
    const summary = {
      hosts: synced.hosts,
      instances: synced.instances,
      tenants: synced.tenants.size,
      unplaced: synced.unplaced,
    };
    logger.info('inventory synced', summary);
    return onDemand ? { statusCode: 200, body: JSON.stringify(summary) } : summary;
  });
