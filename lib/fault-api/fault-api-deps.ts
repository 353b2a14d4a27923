import { awsClients } from '../aws/clients';
import { config } from '../config';
import { SnsTopicSubscriptions } from '../notify/sns-topic-subscriptions';
import { DynamoDbAlarmViews } from '../store/dynamodb-alarm-views';
import { DynamoDbSubscriptions } from '../store/dynamodb-subscriptions';
import { TenantTopics } from '../tenants/tenant-topics';
import { ManageSubscriptions } from './manage-subscriptions';
import { TenantAlarms } from './tenant-alarms';

let deps: { alarms: TenantAlarms; subscriptions: ManageSubscriptions } | undefined;

/** The fault API's use cases on their adapters, wired once per container. */
export function faultApi() {
  if (deps) return deps;
  const cfg = config();
  const { dynamo, sns } = awsClients();
  const tenantTopics = new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix);
  deps = {
    alarms: new TenantAlarms(
      new DynamoDbAlarmViews(dynamo, cfg.alarmViewsTable, cfg.alarmRetentionDays),
      cfg.adminProjectId,
    ),
    subscriptions: new ManageSubscriptions(
      new DynamoDbSubscriptions(dynamo, cfg.subscriptionsTable),
      new SnsTopicSubscriptions(sns, cfg.adminTopicArn, cfg.adminProjectId, tenantTopics),
      { adminProjectId: cfg.adminProjectId, apiUrl: cfg.maintenance.apiUrl },
    ),
  };
  return deps;
}
