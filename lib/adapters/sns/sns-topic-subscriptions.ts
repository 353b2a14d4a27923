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
 * How SNS retries an HTTP/S subscriber that does not answer 2xx: twice after 1 s, then backing
 * off to every 2 minutes, 41 retries over 3,580 s (SNS allows at most 3,600), so that a VNF
 * manager away for an hour still gets every alarm; what is still undelivered then goes to the
 * notification dead-letter queue (the subscription's RedrivePolicy).
 */
export const HTTP_DELIVERY_POLICY = {
  healthyRetryPolicy: {
    minDelayTarget: 1,
    maxDelayTarget: 120,
    numRetries: 41,
    numNoDelayRetries: 0,
    numMinDelayRetries: 2,
    numMaxDelayRetries: 27,
    backoffFunction: 'exponential',
  },
} as const;

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
    private readonly deadLetterQueueArn: string | undefined,
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
          Attributes: {
            ...(request.filterPolicy ? { FilterPolicy: JSON.stringify(request.filterPolicy) } : {}),
            ...(request.protocol === 'http' || request.protocol === 'https'
              ? { DeliveryPolicy: JSON.stringify(HTTP_DELIVERY_POLICY) }
              : {}),
            ...(this.deadLetterQueueArn
              ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueueArn }) }
              : {}),
          },
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
