import {
  InvalidParameterException,
  NotFoundException,
  SubscribeCommand,
  UnsubscribeCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { SubscriptionConflictError, type TenantTopicRegistry, type TopicSubscriptions } from '../../notifier/ports';
import type { FilterPolicy, SubscriptionProtocol } from '../../notifier/subscription';

/**
 * SNS subscriptions on the notification topics: the admin project's is the admin topic, every
 * other project's is its own topic (created on first use). The filter applies to the message
 * attributes. SNS itself asks an HTTP(S) endpoint to confirm before delivering to it.
 */
export class SnsTopicSubscriptions implements TopicSubscriptions {
  constructor(
    private readonly sns: SNSClient,
    private readonly adminTopicArn: string,
    private readonly adminProjectId: string,
    private readonly tenantTopics: TenantTopicRegistry,
  ) {}

  async subscribe(request: {
    tenantId: string;
    protocol: SubscriptionProtocol;
    endpoint: string;
    filterPolicy: FilterPolicy | undefined;
  }): Promise<string> {
    const topicArn =
      request.tenantId === this.adminProjectId
        ? this.adminTopicArn
        : ((await this.tenantTopics.topicArnsFor([request.tenantId])).get(request.tenantId) as string);
    const { SubscriptionArn } = await this.sns
      .send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: request.protocol,
          Endpoint: request.endpoint,
          ReturnSubscriptionArn: true,
          ...(request.filterPolicy ? { Attributes: { FilterPolicy: JSON.stringify(request.filterPolicy) } } : {}),
        }),
      )
      .catch((error: unknown) => {
        // "Subscription already exists with different attributes"
        if (error instanceof InvalidParameterException && /already exists/i.test(error.message)) {
          throw new SubscriptionConflictError(request.endpoint);
        }
        throw error;
      });
    if (!SubscriptionArn) throw new Error(`SNS returned no subscription ARN for ${request.endpoint}`);
    return SubscriptionArn;
  }

  /** A subscription SNS no longer has (never confirmed, or removed by hand) is gone already. */
  async unsubscribe(subscriptionArn: string): Promise<void> {
    try {
      await this.sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
    } catch (error) {
      if (!(error instanceof NotFoundException)) throw error;
    }
  }
}
