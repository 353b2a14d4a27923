import { resolveHost } from '../adapters/dns/dns-resolver';
import { DynamoDbAlarmViews } from '../adapters/dynamodb/dynamodb-alarm-views';
import { DynamoDbCallbackSubscriptions } from '../adapters/dynamodb/dynamodb-callback-subscriptions';
import { DynamoDbFaultStore } from '../adapters/dynamodb/dynamodb-fault-store';
import { DynamoDbFencing } from '../adapters/dynamodb/dynamodb-fencing';
import { DynamoDbRecoveries } from '../adapters/dynamodb/dynamodb-recoveries';
import { DynamoDbRecoveryPolicies } from '../adapters/dynamodb/dynamodb-recovery-policies';
import { DynamoDbSubscriptions } from '../adapters/dynamodb/dynamodb-subscriptions';
import { EventBridgePublisher } from '../adapters/eventbridge/eventbridge-publisher';
import { SnsTopicSubscriptions } from '../adapters/sns/sns-topic-subscriptions';
import { TenantTopics } from '../adapters/sns/tenant-topics';
import { FENCING_SOURCE, RECOVERY_ANSWERED, RECOVERY_SOURCE } from '../contracts/bus-events';
import { ConfirmFencing } from '../fencing/confirm-fencing';
import { AodhSubscriptions } from '../notifier/callbacks/aodh-subscriptions';
import { ManageSubscriptions } from '../notifier/manage-subscriptions';
import { TenantAlarms } from '../notifier/tenant-alarms';
import { awsClients } from '../platform/aws-clients';
import { allowListOf } from '../platform/cidr';
import { config } from '../platform/config';
import { TenantRecoveries } from '../recovery/tenant-recoveries';
import { dispatcherRouting } from './dispatcher-routing';

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
  const tenantTopics = new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix, cfg.topicKmsKey);
  const callbackPolicy = { allowed: allowListOf(cfg.callbackAllowList), resolve: resolveHost };
  deps = {
    alarms: new TenantAlarms(
      new DynamoDbAlarmViews(dynamo, cfg.alarmViewsTable, cfg.alarmRetentionDays),
      cfg.adminProjectId,
    ),
    subscriptions: new ManageSubscriptions(
      new DynamoDbSubscriptions(dynamo, cfg.subscriptionsTable),
      new SnsTopicSubscriptions(
        sns,
        cfg.adminTopicArn,
        cfg.adminProjectId,
        tenantTopics,
        cfg.notificationDeadLetterQueueArn,
      ),
      { adminProjectId: cfg.adminProjectId, apiUrl: cfg.maintenance.apiUrl, callbacks: callbackPolicy },
      () => new Date(),
      new AodhSubscriptions(
        new DynamoDbCallbackSubscriptions(dynamo, cfg.callbacks.subscriptionsTable),
        dispatcherRouting(cfg, sns, tenantTopics),
        { adminProjectId: cfg.adminProjectId, apiUrl: cfg.maintenance.apiUrl, callbacks: callbackPolicy },
      ),
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
