import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SubscriptionStore } from '../../notifier/ports';
import { subscription as subscriptionSchema, type Subscription } from '../../notifier/subscription';
import { queryAll } from './query-all';

export const BY_ARN_INDEX = 'by-arn';

/** Subscriptions made through the fault API, partitioned by the project that made them. */
export class DynamoDbSubscriptions implements SubscriptionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(ownerProjectId: string, id: string): Promise<Subscription | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { ownerProjectId, id }, ConsistentRead: true }),
    );
    return Item ? subscriptionSchema.parse(Item) : undefined;
  }

  async list(ownerProjectId: string): Promise<Subscription[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'ownerProjectId = :owner',
      ExpressionAttributeValues: { ':owner': ownerProjectId },
      ConsistentRead: true,
    });
    return items.map((item) => subscriptionSchema.parse(item));
  }

  async put(subscription: Subscription): Promise<'created' | 'exists'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: subscription,
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  async sharing(subscriptionArn: string): Promise<Array<{ ownerProjectId: string; id: string }>> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: BY_ARN_INDEX,
      KeyConditionExpression: 'subscriptionArn = :arn',
      ExpressionAttributeValues: { ':arn': subscriptionArn },
    });
    return items.map((item) => ({ ownerProjectId: String(item.ownerProjectId), id: String(item.id) }));
  }

  async delete(ownerProjectId: string, id: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { ownerProjectId, id } }));
  }
}
