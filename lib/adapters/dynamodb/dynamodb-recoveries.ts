import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentRecoveryError, type RecoveryKey, type RecoveryStore } from '../../recovery/ports';
import { recovery as recoverySchema, type Recovery } from '../../recovery/recovery';
import { queryAll } from './query-all';

export const BY_HOST_INDEX = 'by-host';
export const OPEN_BY_WAKE_INDEX = 'open-by-wake';
/** The sparse index's one partition: only open recoveries carry it. */
const OPEN = 'open';

const itemOf = (r: Recovery) => (r.wakeAt ? { ...r, openShard: OPEN } : r);
const recoveryOf = (item: Record<string, unknown>): Recovery => {
  const { openShard: _openShard, ...rest } = item;
  return recoverySchema.parse(rest);
};

/**
 * Recoveries, partitioned by tenant (a tenant's reads stay in its own partition), with an index
 * by host for the events of a host and a sparse index of the open ones by wake time for the sweeper.
 */
export class DynamoDbRecoveries implements RecoveryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(r: Recovery): Promise<'created' | 'exists'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: itemOf(r),
          ConditionExpression: 'attribute_not_exists(recoveryId)',
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  async get({ tenantId, recoveryId }: RecoveryKey): Promise<Recovery | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { tenantId, recoveryId }, ConsistentRead: true }),
    );
    return Item ? recoveryOf(Item) : undefined;
  }

  async save(r: Recovery, expectedVersion: number): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: itemOf(r),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConcurrentRecoveryError(r);
      throw error;
    }
  }

  /** The index is eventually consistent: each recovery is read again before it is stepped. */
  async ofHost(host: string): Promise<Recovery[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: BY_HOST_INDEX,
      KeyConditionExpression: 'host = :host',
      ExpressionAttributeValues: { ':host': host },
    });
    return items.map(recoveryOf);
  }

  async due(now: Date): Promise<RecoveryKey[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: OPEN_BY_WAKE_INDEX,
      KeyConditionExpression: 'openShard = :open AND wakeAt <= :now',
      ExpressionAttributeValues: { ':open': OPEN, ':now': now.toISOString() },
    });
    return items.map((item) => ({ tenantId: String(item.tenantId), recoveryId: String(item.recoveryId) }));
  }

  async ofTenant(tenantId: string): Promise<Recovery[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'tenantId = :tenant',
      ExpressionAttributeValues: { ':tenant': tenantId },
      ConsistentRead: true,
    });
    return items.map(recoveryOf);
  }
}
