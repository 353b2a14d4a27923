import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { inventorySyncSummary } from '../../../inventory/sync-inventory';
import { tenantTopicAnswer } from '../../../notifier/tenant-topic';
import { tenantId } from '../../inventory';
import { houseErrors } from '../errors';
import { json } from './media';

/** A tenant's topic (functions/tenant-topic.ts) and the inventory sync on demand (functions/inventory-sync.ts). */
export const tenantsAndInventoryRoutes: RouteConfig[] = [
  {
    method: 'get',
    path: '/v1/tenants/{tenantId}/topic',
    operationId: 'getTenantTopic',
    tags: ['Tenants'],
    summary: "The tenant's SNS topic, for its VNF manager to subscribe (that project's members, administrators)",
    description: 'A path parameter that cannot be a tenant id answers 400 with the reason.',
    request: { params: z.object({ tenantId }) },
    responses: {
      200: { description: "The tenant's topic.", content: json(tenantTopicAnswer) },
      ...houseErrors('BadRequest', 'Forbidden'),
    },
  },
  {
    method: 'post',
    path: '/v1/inventory/sync',
    operationId: 'syncInventory',
    tags: ['Inventory'],
    summary: 'Syncs the inventory from Nova now (administrators)',
    responses: {
      200: { description: 'Synced.', content: json(inventorySyncSummary) },
      ...houseErrors('Forbidden'),
      409: {
        $ref: '#/components/responses/Conflict',
        description: 'No VIM is configured: the inventory is loaded from a file.',
      },
    },
  },
];
