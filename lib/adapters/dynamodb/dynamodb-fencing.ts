import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fenceRecord, type FenceRecord } from '../../fencing/fencing';
import { ConcurrentFencingError, type FenceStore } from '../../fencing/ports';

/** The fencing of each host's latest death, one item per host. */
export class DynamoDbFencing implements FenceStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(host: string): Promise<FenceRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { host }, ConsistentRead: true }),
    );
    return Item ? fenceRecord.parse(Item) : undefined;
  }

  async save(record: FenceRecord, expectedVersion: number | undefined): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(host)' }
            : {
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConcurrentFencingError(record.host);
      throw error;
    }
  }
}
