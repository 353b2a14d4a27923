import { awsClients } from '../aws/clients';
import { EventBridgePublisher } from '../bus/eventbridge-publisher';
import { config } from '../config';
import { DynamoDbQuarantine } from '../quarantine/dynamodb-quarantine';
import { DynamoDbFencing } from '../store/dynamodb-fencing';
import { DynamoDbInventory } from '../store/dynamodb-inventory';
import { DynamoDbPeerVotes } from '../store/dynamodb-peer-votes';
import { bmcFor } from './bmc';
import { parseBmcCredentials } from './bmc-credentials';
import type { FencerDeps } from './fence-host';
import { FENCING_SOURCE } from './fencing';

/** The fencer's adapters, for the BMC credentials the invocation received (from the secret store). */
export function fencerDeps(credentials: unknown): FencerDeps {
  const cfg = config();
  const { dynamo, eventBridge } = awsClients();
  // No credentials at all: every fencing fails, loudly (an administrator alarm per dead host).
  const hosts = credentials === undefined ? {} : parseBmcCredentials(credentials).hosts;
  return {
    records: new DynamoDbFencing(dynamo, cfg.fencing.table),
    votes: new DynamoDbPeerVotes(dynamo, cfg.peerVotesTable),
    maintenance: new DynamoDbInventory(dynamo, cfg.inventoryTable),
    bmcs: (host) => {
      const entry = hosts[host];
      return entry ? bmcFor(entry) : undefined;
    },
    events: new EventBridgePublisher(eventBridge, cfg.eventBusName, FENCING_SOURCE),
    quarantine: new DynamoDbQuarantine(dynamo, cfg.quarantineTable),
    settings: { quorum: cfg.quorum, attempts: cfg.fencing.attempts, readBackS: cfg.fencing.readBackS, pollMs: 250 },
    clock: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
