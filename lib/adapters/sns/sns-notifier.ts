import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { type Notifier, type Publication, type TenantTopicRegistry } from '../../notifier/ports';

const messageAttributes = (attributes: Publication['attributes']): Record<string, MessageAttributeValue> =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: String(value) }]),
  );

/**
 * Publishes each notification to its audience's topic: the admin topic, or the owning
 * tenant's own topic (never a shared one), all in parallel. Every message is attempted;
 * if any failed, the call fails after the others went out, and the caller retries.
 */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly adminTopicArn: string,
    private readonly tenantTopics: TenantTopicRegistry,
  ) {}

  async publish(deliveries: readonly Publication[]): Promise<void> {
    const tenantIds = deliveries.flatMap((d) => (d.audience.kind === 'tenant' ? [d.audience.tenantId] : []));
    const topics = await this.tenantTopics.topicArnsFor(tenantIds);
    const results = await Promise.allSettled(
      deliveries.map((delivery) => {
        const topicArn =
          delivery.audience.kind === 'admin' ? this.adminTopicArn : (topics.get(delivery.audience.tenantId) as string);
        return this.sns.send(
          new PublishCommand({
            TopicArn: topicArn,
            Message: JSON.stringify(delivery.notification),
            MessageAttributes: messageAttributes(delivery.attributes),
          }),
        );
      }),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0) {
      throw new AggregateError(
        failures.map((f) => f.reason),
        `${failures.length} of ${deliveries.length} notifications failed to publish`,
      );
    }
  }
}
