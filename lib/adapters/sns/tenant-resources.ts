import {
  DeleteTopicCommand,
  NotFoundException,
  paginateListSubscriptionsByTopic,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { DeleteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../dynamodb/query-all';

/** What nfvi-doctor keeps for a tenant outside CloudFormation: its topic, the topic's subscriptions, the API's records of them. */
export interface TenantResources {
  tenantId: string;
  topicArn: string | null;
  createdAt: string | null;
  /** SNS's subscriptions of the topic (also those an operator made by hand). */
  topicSubscriptions: { subscriptionArn: string; protocol: string; endpoint: string }[];
  /** The subscriptions the tenant made through the fault API. */
  apiSubscriptions: { id: string; callbackUri: string }[];
}

/**
 * A tenant's notification resources, listed and removed when the tenant leaves. Removal is
 * safe to repeat: the API's records first, then the topic (SNS removes its subscriptions with
 * it), then the tenants table's entry, so that a removal cut short is finished by running it again.
 */
export class TenantNotificationResources {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly sns: SNSClient,
    private readonly tables: { tenants: string; subscriptions: string },
  ) {}

  async show(tenantId: string): Promise<TenantResources> {
    const [{ Item }, records] = await Promise.all([
      this.dynamo.send(new GetCommand({ TableName: this.tables.tenants, Key: { tenantId }, ConsistentRead: true })),
      this.apiSubscriptions(tenantId),
    ]);
    const topicArn = typeof Item?.topicArn === 'string' ? Item.topicArn : null;
    return {
      tenantId,
      topicArn,
      createdAt: typeof Item?.createdAt === 'string' ? Item.createdAt : null,
      topicSubscriptions: topicArn ? await this.topicSubscriptions(topicArn) : [],
      apiSubscriptions: records.map((r) => ({ id: String(r.id), callbackUri: String(r.callbackUri) })),
    };
  }

  async remove(tenantId: string): Promise<TenantResources> {
    const found = await this.show(tenantId);
    for (const record of found.apiSubscriptions) {
      await this.dynamo.send(
        new DeleteCommand({ TableName: this.tables.subscriptions, Key: { ownerProjectId: tenantId, id: record.id } }),
      );
    }
    if (found.topicArn) await this.sns.send(new DeleteTopicCommand({ TopicArn: found.topicArn }));
    await this.dynamo.send(new DeleteCommand({ TableName: this.tables.tenants, Key: { tenantId } }));
    return found;
  }

  private apiSubscriptions(tenantId: string) {
    return queryAll(this.dynamo, {
      TableName: this.tables.subscriptions,
      KeyConditionExpression: 'ownerProjectId = :owner',
      ExpressionAttributeValues: { ':owner': tenantId },
      ConsistentRead: true,
    });
  }

  private async topicSubscriptions(topicArn: string): Promise<TenantResources['topicSubscriptions']> {
    const found: TenantResources['topicSubscriptions'] = [];
    try {
      for await (const page of paginateListSubscriptionsByTopic({ client: this.sns }, { TopicArn: topicArn })) {
        for (const s of page.Subscriptions ?? []) {
          found.push({
            subscriptionArn: s.SubscriptionArn ?? '',
            protocol: s.Protocol ?? '',
            endpoint: s.Endpoint ?? '',
          });
        }
      }
    } catch (error) {
      // A topic removed by hand: nothing is subscribed to it.
      if (!(error instanceof NotFoundException)) throw error;
    }
    return found;
  }
}
