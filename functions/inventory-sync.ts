import middy from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { InventorySyncSummary } from '../lib/inventory/sync-inventory';
import { callerOf, requireAdmin } from '../lib/platform/auth/caller';
import { config } from '../lib/platform/config';
import { responseOf } from '../lib/platform/http/responses';
import { apiErrors } from '../lib/platform/middleware/api-errors';
import { observed } from '../lib/platform/middleware/observed';
import { vimCredentialsMiddleware, type VimContext } from '../lib/platform/middleware/vim-credentials';
import { NO_VIM, vimRequired } from '../lib/platform/middleware/vim-required';
import { logger } from '../lib/platform/observability';
import { inventorySync } from '../lib/wiring/inventory-sync';

type Trigger = Partial<APIGatewayProxyEvent>;

const onDemand = (event: Trigger) => event.httpMethod !== undefined;

// Without a VIM the inventory comes from a file (npm run inventory:load).
const NO_VIM_INVENTORY = {
  kind: 'conflict',
  message: 'no VIM is configured (NFVI_VIM=none): the inventory is loaded from a file',
} as const;

/** Inventory sync from Nova: on a schedule, and on demand (POST /v1/inventory/sync, administrators only). */
export const handler = middy<Trigger, unknown, Error, VimContext>()
  .use(observed())
  .use(apiErrors())
  .use({
    before: ({ event }) => (onDemand(event) ? requireAdmin(callerOf(event.requestContext?.authorizer)) : undefined),
  })
  .use(vimRequired<Trigger>(config().vim, (event) => (onDemand(event) ? responseOf(NO_VIM_INVENTORY) : NO_VIM())))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (event, context) => {
    const synced = await inventorySync(context.vimCredentials)();
    const summary: InventorySyncSummary = {
      hosts: synced.hosts,
      instances: synced.instances,
      tenants: synced.tenants.size,
      unplaced: synced.unplaced,
    };
    logger.info('inventory synced', summary);
    return onDemand(event) ? { statusCode: 200, body: JSON.stringify(summary) } : summary;
  });
