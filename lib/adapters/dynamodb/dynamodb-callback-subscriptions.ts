import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { callbackSubscription, type CallbackSubscription } from '../../notifier/callbacks/callback-subscription';
import type { CallbackSubscriptionStore } from '../../notifier/callbacks/ports';
import { queryAll } from './query-all';

/**
 * Callback subscriptions, one partition per project whose notifications they receive: the
 * dispatcher reads a project's with one Query, and a project cannot address another's.
 */
export class DynamoDbCallbackSubscriptions implements CallbackSubscriptionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(tenantId: string): Promise<CallbackSubscription[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'tenantId = :tenant',
      ExpressionAttributeValues: { ':tenant': tenantId },
    });
    return items.map((item) => callbackSubscription.parse(item));
  }

  async get(tenantId: string, id: string): Promise<CallbackSubscription | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { tenantId, id }, ConsistentRead: true }),
    );
    return Item ? callbackSubscription.parse(Item) : undefined;
  }

  async put(subscription: CallbackSubscription): Promise<'created' | 'exists'> {
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

  async delete(tenantId: string, id: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { tenantId, id } }));
  }
}
