import { awsClients } from '../aws/clients';
import { config } from '../config';
import { EventBridgePublisher } from '../bus/eventbridge-publisher';
import { CORRELATOR_SOURCE } from '../faults/fault-events';
import { SnsNotifier } from '../notify/sns-notifier';
import { DynamoDbQuarantine } from '../quarantine/dynamodb-quarantine';
import { DynamoDbAlarmViews } from '../store/dynamodb-alarm-views';
import { DynamoDbFaultStore } from '../store/dynamodb-fault-store';
import { DynamoDbInventory } from '../store/dynamodb-inventory';
import { DynamoDbPeerVotes } from '../store/dynamodb-peer-votes';
import { TenantTopics } from '../tenants/tenant-topics';
import type { CorrelatorDeps } from './correlate-event';

let deps: CorrelatorDeps | undefined;

/** The correlator's adapters, wired once per container from the configuration. */
export function correlatorDeps(): CorrelatorDeps {
  if (deps) return deps;
  const cfg = config();
  const { dynamo, sns, eventBridge } = awsClients();
  const tenantTopics = new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix);
  deps = {
    faults: new DynamoDbFaultStore(dynamo, cfg.alarmsTable),
    inventory: new DynamoDbInventory(dynamo, cfg.inventoryTable),
    notifier: new SnsNotifier(sns, cfg.adminTopicArn, tenantTopics),
    alarmViews: new DynamoDbAlarmViews(dynamo, cfg.alarmViewsTable, cfg.alarmRetentionDays),
    faultEvents: new EventBridgePublisher(eventBridge, cfg.eventBusName, CORRELATOR_SOURCE),
    quarantine: new DynamoDbQuarantine(dynamo, cfg.quarantineTable),
    peerVotes: new DynamoDbPeerVotes(dynamo, cfg.peerVotesTable),
    settings: {
      vimConnectionId: cfg.vimConnectionId,
      adminProjectId: cfg.adminProjectId,
      quorum: cfg.quorum,
      fencing: cfg.fencing.enabled,
    },
    clock: () => new Date(),
  };
  return deps;
}
