import {
  BatchWriteCommand,
  GetCommand,
  UpdateCommand,
  paginateScan,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { type InventoryInstance } from '../../contracts/inventory';
import type { MaintenanceReader } from '../../controller/ports';
import type { InventoryReader } from '../../inspector/ports';
import { type HostInventory, type HostSummary } from '../../inventory/inventory';
import type { InventoryWriter } from '../../inventory/load-inventory';
import { queryAll } from './query-all';

const HOST_ITEM = 'HOST';
const INSTANCE_PREFIX = 'INSTANCE#';
const BATCH_WRITE_LIMIT = 25;

type Item = Record<string, unknown>;

/**
 * The inventory table: per host (partition key) one HOST item and one INSTANCE#<id> item
 * per instance, so a fault reads exactly its host's partition.
 */
export class DynamoDbInventory implements InventoryReader, InventoryWriter, MaintenanceReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async hostInventory(host: string): Promise<HostInventory> {
    const items = await this.partition(host);
    return {
      known: items.some((item) => item.sk === HOST_ITEM),
      instances: items
        .filter((item) => String(item.sk).startsWith(INSTANCE_PREFIX))
        .map((item) => ({
          id: String(item.instanceId),
          name: String(item.name ?? ''),
          tenantId: String(item.tenantId),
        })),
    };
  }

  async replaceHost(host: string, instances: InventoryInstance[], syncedAt: string): Promise<void> {
    const wanted = new Set(instances.map((i) => `${INSTANCE_PREFIX}${i.id}`));
    const gone = (await this.partition(host)).filter(
      (item) => String(item.sk).startsWith(INSTANCE_PREFIX) && !wanted.has(String(item.sk)),
    );
    // The host item is updated, not replaced: it also carries the host's maintenance state.
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { host, sk: HOST_ITEM },
        UpdateExpression: 'SET syncedAt = :at',
        ExpressionAttributeValues: { ':at': syncedAt },
      }),
    );
    const requests = [
      ...instances.map((i) => ({
        PutRequest: {
          Item: {
            host,
            sk: `${INSTANCE_PREFIX}${i.id}`,
            instanceId: i.id,
            name: i.name,
            tenantId: i.tenantId,
            syncedAt,
          },
        },
      })),
      ...gone.map((item) => ({ DeleteRequest: { Key: { host, sk: item.sk } } })),
    ];
    for (let i = 0; i < requests.length; i += BATCH_WRITE_LIMIT) {
      await this.batchWrite(requests.slice(i, i + BATCH_WRITE_LIMIT));
    }
  }

  async inMaintenance(host: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { host, sk: HOST_ITEM }, ConsistentRead: true }),
    );
    return Item?.maintenance === true;
  }

  /** Planned maintenance marks a host so that its faults cause no VIM fault actions. */
  async setMaintenance(host: string, inMaintenance: boolean): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { host, sk: HOST_ITEM },
        UpdateExpression: 'SET maintenance = :m',
        ExpressionAttributeValues: { ':m': inMaintenance },
      }),
    );
  }

  /**
   * Every host with its instance count, tenants and maintenance mark, by host name. A Scan of
   * the whole table: for an operator's listing, never on a fault's path.
   */
  async listHosts(): Promise<HostSummary[]> {
    const hosts = new Map<string, { instances: number; tenants: Set<string>; inMaintenance: boolean }>();
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        ProjectionExpression: '#host, sk, tenantId, maintenance',
        ExpressionAttributeNames: { '#host': 'host' },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const host = String(item.host);
        const summary = hosts.get(host) ?? { instances: 0, tenants: new Set<string>(), inMaintenance: false };
        hosts.set(host, summary);
        if (item.sk === HOST_ITEM) summary.inMaintenance = item.maintenance === true;
        else if (String(item.sk).startsWith(INSTANCE_PREFIX)) {
          summary.instances += 1;
          summary.tenants.add(String(item.tenantId));
        }
      }
    }
    return [...hosts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([host, s]) => ({
        host,
        instances: s.instances,
        tenants: [...s.tenants].sort(),
        inMaintenance: s.inMaintenance,
      }));
  }

  private async batchWrite(
    requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string],
  ) {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      const { UnprocessedItems } = await this.client.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
      );
      pending = UnprocessedItems?.[this.tableName] ?? [];
    }
  }

  private async partition(host: string): Promise<Item[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#host = :host',
      ExpressionAttributeNames: { '#host': 'host' },
      ExpressionAttributeValues: { ':host': host },
    });
    return items as Item[];
  }
}
