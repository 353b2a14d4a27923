import { SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { DispatcherRouting } from '../../notifier/callbacks/ports';
import type { TenantTopicRegistry } from '../../notifier/ports';

/**
 * Subscribes the callback dispatcher (SNS's lambda protocol) to a project's topic, or to the
 * admin topic for the administrator. SNS answers the same subscription for the same endpoint,
 * so routing a project twice changes nothing. Once per project and container.
 */
export class SnsDispatcherRouting implements DispatcherRouting {
  private readonly routed = new Set<string>();

  constructor(
    private readonly sns: SNSClient,
    private readonly dispatcherArn: string,
    private readonly admin: { projectId: string; topicArn: string },
    private readonly tenantTopics: TenantTopicRegistry,
  ) {}

  async route(tenantId: string): Promise<void> {
    if (this.routed.has(tenantId)) return;
    const topicArn =
      tenantId === this.admin.projectId
        ? this.admin.topicArn
        : ((await this.tenantTopics.topicArnsFor([tenantId])).get(tenantId) as string);
    await this.sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'lambda',
        Endpoint: this.dispatcherArn,
        ReturnSubscriptionArn: true,
      }),
    );
    this.routed.add(tenantId);
  }
}
