import { randomUUID } from 'node:crypto';
import { DynamoDbAlarmViews } from '../adapters/dynamodb/dynamodb-alarm-views';
import { DynamoDbFaultStore } from '../adapters/dynamodb/dynamodb-fault-store';
import { DynamoDbInventory } from '../adapters/dynamodb/dynamodb-inventory';
import { DynamoDbPeerVotes } from '../adapters/dynamodb/dynamodb-peer-votes';
import { DynamoDbQuarantine } from '../adapters/dynamodb/dynamodb-quarantine';
import { EventBridgePublisher } from '../adapters/eventbridge/eventbridge-publisher';
import { SnsNotifier } from '../adapters/sns/sns-notifier';
import { TenantTopics } from '../adapters/sns/tenant-topics';
import { CORRELATOR_SOURCE } from '../contracts/bus-events';
import type { CorrelatorDeps } from '../inspector/correlate-event';
import { FLAP_DAMPING } from '../inspector/flap-damping';
import { awsClients } from '../platform/aws-clients';
import { config } from '../platform/config';

let deps: CorrelatorDeps | undefined;

/** The correlator's adapters, wired once per container from the configuration. */
export function correlatorDeps(): CorrelatorDeps {
  if (deps) return deps;
  const cfg = config();
  const { dynamo, sns, eventBridge } = awsClients();
  const tenantTopics = new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix, cfg.topicKmsKey);
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
      maxClockSkewS: cfg.maxClockSkewS,
      damping: FLAP_DAMPING,
    },
    clock: () => new Date(),
    newId: randomUUID,
  };
  return deps;
}
