import type { SNSClient } from '@aws-sdk/client-sns';
import { SnsDispatcherRouting } from '../adapters/sns/sns-dispatcher-routing';
import type { DispatcherRouting } from '../notifier/callbacks/ports';
import type { TenantTopicRegistry } from '../notifier/ports';
import type { Config } from '../platform/config';

/** How a project's notifications reach the callback dispatcher; refused where the dispatcher is not configured. */
export function dispatcherRouting(cfg: Config, sns: SNSClient, tenantTopics: TenantTopicRegistry): DispatcherRouting {
  const { dispatcherArn } = cfg.callbacks;
  if (!dispatcherArn) {
    return {
      route: () => Promise.reject(new Error('NFVI_CALLBACK_DISPATCHER_ARN is not set: callbacks cannot be routed')),
    };
  }
  return new SnsDispatcherRouting(
    sns,
    dispatcherArn,
    { projectId: cfg.adminProjectId, topicArn: cfg.adminTopicArn },
    tenantTopics,
  );
}
