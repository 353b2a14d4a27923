import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { RecoveryPolicyStore } from '../../recovery/ports';
import { recoveryPolicies, type TenantPolicy } from '../../recovery/recovery-policy';
import { batchGetAll } from './batch-get-all';

const tenantPolicy = z.object({
  tenantId: z.string(),
  policy: z.enum(recoveryPolicies),
  graceS: z.number().int().nonnegative(),
  updatedAt: z.string(),
});

/** Each tenant's recovery policy, one item per tenant. */
export class DynamoDbRecoveryPolicies implements RecoveryPolicyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string): Promise<TenantPolicy | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { tenantId }, ConsistentRead: true }),
    );
    return Item ? tenantPolicy.parse(Item) : undefined;
  }

  async many(tenantIds: string[]): Promise<Map<string, TenantPolicy>> {
    const items = await batchGetAll(
      this.client,
      this.tableName,
      [...new Set(tenantIds)].map((tenantId) => ({ tenantId })),
    );
    return new Map(items.map((item) => tenantPolicy.parse(item)).map((p) => [p.tenantId, p]));
  }

  async put(policy: TenantPolicy): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: policy }));
  }
}
