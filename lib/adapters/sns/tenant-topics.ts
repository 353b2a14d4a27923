import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type TenantTopicRegistry } from '../../notifier/ports';
import { batchGetAll } from '../dynamodb/batch-get-all';

/** `nfvi-doctor-<stage>-tenant-<tenantId>`: one topic per tenant keeps tenants apart. */
export const tenantTopicName = (topicPrefix: string, tenantId: string) => `${topicPrefix}-tenant-${tenantId}`;

/** The tenant whose topic this is, or undefined for any other topic. */
export function tenantOfTopicArn(topicPrefix: string, topicArn: string): string | undefined {
  const name = topicArn.split(':').pop() ?? '';
  const prefix = tenantTopicName(topicPrefix, '');
  return name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : undefined;
}

/**
 * Each tenant's SNS topic, created on first use and recorded in the tenants table.
 * Known topics are cached for the life of the container: a topic's ARN never changes.
 */
export class TenantTopics implements TenantTopicRegistry {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly sns: SNSClient,
    private readonly tableName: string,
    private readonly topicPrefix: string,
    /** The KMS key new topics are encrypted with (a key id, ARN or alias); none: unencrypted. */
    private readonly kmsKeyId?: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async topicArnsFor(tenantIds: string[]): Promise<Map<string, string>> {
    const missing = [...new Set(tenantIds)].filter((id) => !this.cache.has(id));
    if (missing.length > 0) {
      const recorded = await this.recorded(missing);
      recorded.forEach((arn, id) => this.cache.set(id, arn));
      const unrecorded = missing.filter((id) => !recorded.has(id));
      const created = await Promise.all(unrecorded.map(async (id) => [id, await this.create(id)] as const));
      created.forEach(([id, arn]) => this.cache.set(id, arn));
    }
    return new Map(tenantIds.map((id) => [id, this.cache.get(id) as string]));
  }

  private async recorded(tenantIds: string[]): Promise<Map<string, string>> {
    const items = await batchGetAll(
      this.dynamo,
      this.tableName,
      tenantIds.map((tenantId) => ({ tenantId })),
    );
    return new Map(items.map((item) => [String(item.tenantId), String(item.topicArn)]));
  }

  /** CreateTopic is idempotent, so two invocations creating the same tenant's topic agree. */
  private async create(tenantId: string): Promise<string> {
    const { TopicArn } = await this.sns.send(
      new CreateTopicCommand({
        Name: tenantTopicName(this.topicPrefix, tenantId),
        Tags: [{ Key: 'nfvi-doctor:tenant', Value: tenantId }],
        ...(this.kmsKeyId ? { Attributes: { KmsMasterKeyId: this.kmsKeyId } } : {}),
      }),
    );
    if (!TopicArn) throw new Error(`SNS returned no topic ARN for tenant ${tenantId}`);
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { tenantId, topicArn: TopicArn, createdAt: this.clock().toISOString() },
          ConditionExpression: 'attribute_not_exists(tenantId)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return TopicArn;
  }
}
