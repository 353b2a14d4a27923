import { TenantTopics } from '../adapters/sns/tenant-topics';
import { TenantTopic } from '../notifier/tenant-topic';
import { awsClients } from '../platform/aws-clients';
import { config } from '../platform/config';

let tenantTopic: TenantTopic | undefined;

/** The tenant-topic route's use case on its adapters, wired once per container. */
export function tenantTopicRoute(): TenantTopic {
  const cfg = config();
  const { dynamo, sns } = awsClients();
  tenantTopic ??= new TenantTopic(new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix, cfg.topicKmsKey));
  return tenantTopic;
}
