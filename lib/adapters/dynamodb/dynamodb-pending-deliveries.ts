import { DeleteCommand, PutCommand, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pendingDelivery, type PendingDelivery } from '../../notifier/callbacks/pending-delivery';
import type { PendingDeliveries } from '../../notifier/callbacks/ports';

/**
 * The callback deliveries that failed. Only failures are kept, so the table stays small and the
 * retry reads it whole (a filtered Scan) rather than keeping an index of due times.
 */
export class DynamoDbPendingDeliveries implements PendingDeliveries {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(delivery: PendingDelivery): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: delivery }));
  }

  async due(now: Date): Promise<PendingDelivery[]> {
    const due: PendingDelivery[] = [];
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        FilterExpression: 'nextAttemptAt <= :now',
        ExpressionAttributeValues: { ':now': now.toISOString() },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) due.push(...(page.Items ?? []).map((item) => pendingDelivery.parse(item)));
    return due;
  }

  async delete(id: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { id } }));
  }
}
