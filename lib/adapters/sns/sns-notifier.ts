import { PublishBatchCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { type Notifier, type Publication, type TenantTopicRegistry } from '../../notifier/ports';
import { planBatches, type BatchLimits } from '../../platform/batch-plan';

/** PublishBatch's limits: 10 messages, 256 KiB in all (bodies and attributes). */
export const PUBLISH_BATCH_LIMITS: BatchLimits = { maxEntries: 10, maxBytes: 256 * 1024 };

interface Entry {
  topicArn: string;
  message: string;
  attributes: Record<string, MessageAttributeValue>;
  size: number;
}

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

function entryOf(topicArn: string, publication: Publication): Entry {
  const message = JSON.stringify(publication.notification);
  const attributes = Object.fromEntries(
    Object.entries(publication.attributes).map(([name, value]) => [
      name,
      { DataType: 'String', StringValue: String(value) },
    ]),
  );
  // SNS counts an attribute's name, data type and value against the message size.
  const size = Object.entries(publication.attributes).reduce(
    (n, [name, value]) => n + utf8(name) + utf8('String') + utf8(String(value)),
    utf8(message),
  );
  return { topicArn, message, attributes, size };
}

/**
 * Publishes each notification to its audience's topic: the admin topic, or the owning tenant's
 * own topic (never a shared one). A topic's messages go in PublishBatch calls of up to 10, every
 * call of every topic at once. Every message is attempted; if any failed, the call fails after
 * the others went out, and the caller retries (consumers drop the copies by notification id).
 */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly adminTopicArn: string,
    private readonly tenantTopics: TenantTopicRegistry,
  ) {}

  async publish(publications: readonly Publication[]): Promise<void> {
    const tenantIds = publications.flatMap((p) => (p.audience.kind === 'tenant' ? [p.audience.tenantId] : []));
    const topics = await this.tenantTopics.topicArnsFor(tenantIds);
    const byTopic = new Map<string, Entry[]>();
    for (const publication of publications) {
      const { audience } = publication;
      const topicArn = audience.kind === 'admin' ? this.adminTopicArn : (topics.get(audience.tenantId) as string);
      const entries = byTopic.get(topicArn) ?? [];
      entries.push(entryOf(topicArn, publication));
      byTopic.set(topicArn, entries);
    }
    const failures: unknown[] = [];
    const calls: Entry[][] = [];
    for (const entries of byTopic.values()) {
      const { batches, oversized } = planBatches(entries, (e) => e.size, PUBLISH_BATCH_LIMITS);
      calls.push(...batches);
      for (const e of oversized)
        failures.push(new Error(`a notification of ${e.size} bytes to ${e.topicArn} exceeds SNS's 256 KiB`));
    }
    const results = await Promise.allSettled(calls.map((batch) => this.publishBatch(batch)));
    for (const result of results) {
      if (result.status === 'rejected') failures.push(result.reason);
      else failures.push(...result.value);
    }
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `${failures.length} of ${publications.length} notifications failed to publish`,
      );
    }
  }

  /** One PublishBatch call; the entries SNS refused, as errors. */
  private async publishBatch(batch: Entry[]): Promise<Error[]> {
    const answer = await this.sns.send(
      new PublishBatchCommand({
        TopicArn: batch[0]?.topicArn,
        PublishBatchRequestEntries: batch.map((e, i) => ({
          Id: String(i),
          Message: e.message,
          MessageAttributes: e.attributes,
        })),
      }),
    );
    return (answer.Failed ?? []).map(
      (f) => new Error(`SNS refused a notification to ${batch[0]?.topicArn}: ${f.Code} ${f.Message ?? ''}`.trim()),
    );
  }
}
