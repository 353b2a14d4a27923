import { awsClients } from '../aws/clients';
import { config } from '../config';
import { SnsTopicSubscriptions } from '../notify/sns-topic-subscriptions';
import { DynamoDbAlarmViews } from '../store/dynamodb-alarm-views';
import { DynamoDbSubscriptions } from '../store/dynamodb-subscriptions';
import { TenantTopics } from '../tenants/tenant-topics';
import { ManageSubscriptions } from './manage-subscriptions';
import { TenantAlarms } from './tenant-alarms';
import { TenantRecoveries } from './tenant-recoveries';
import { ConfirmFencing } from '../fencing/confirm-fencing';
import { FENCING_SOURCE } from '../fencing/fencing';
import { DynamoDbFaultStore } from '../store/dynamodb-fault-store';
import { DynamoDbFencing } from '../store/dynamodb-fencing';
import { EventBridgePublisher } from '../bus/eventbridge-publisher';
import { RECOVERY_ANSWERED, RECOVERY_SOURCE } from '../recovery/recovery-triggers';
import { DynamoDbRecoveries } from '../store/dynamodb-recoveries';
import { DynamoDbRecoveryPolicies } from '../store/dynamodb-recovery-policies';

let deps:
  | { alarms: TenantAlarms; subscriptions: ManageSubscriptions; recoveries: TenantRecoveries; fencing: ConfirmFencing }
  | undefined;

/** The fault API's use cases on their adapters, wired once per container. */
export function faultApi() {
  if (deps) return deps;
  const cfg = config();
  const { dynamo, sns, eventBridge } = awsClients();
  const bus = new EventBridgePublisher(eventBridge, cfg.eventBusName, RECOVERY_SOURCE);
  const { defaultPolicy, graceS, maxGraceS } = cfg.recovery;
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
    recoveries: new TenantRecoveries({
      recoveries: new DynamoDbRecoveries(dynamo, cfg.recovery.table),
      policies: new DynamoDbRecoveryPolicies(dynamo, cfg.recovery.policiesTable),
      answered: (key) => bus.emit({ detailType: RECOVERY_ANSWERED, detail: key }),
      defaults: { policy: defaultPolicy, graceS, maxGraceS },
      clock: () => new Date(),
    }),
    fencing: new ConfirmFencing({
      records: new DynamoDbFencing(dynamo, cfg.fencing.table),
      faults: new DynamoDbFaultStore(dynamo, cfg.alarmsTable),
      events: new EventBridgePublisher(eventBridge, cfg.eventBusName, FENCING_SOURCE),
      clock: () => new Date(),
    }),
  };
  return deps;
}
