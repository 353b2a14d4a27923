import { parseBmcCredentials } from '../adapters/bmc/bmc-credentials';
import { bmcFor } from '../adapters/bmc/bmc-for';
import { DynamoDbFencing } from '../adapters/dynamodb/dynamodb-fencing';
import { DynamoDbInventory } from '../adapters/dynamodb/dynamodb-inventory';
import { DynamoDbPeerVotes } from '../adapters/dynamodb/dynamodb-peer-votes';
import { DynamoDbQuarantine } from '../adapters/dynamodb/dynamodb-quarantine';
import { EventBridgePublisher } from '../adapters/eventbridge/eventbridge-publisher';
import { FENCING_SOURCE } from '../contracts/bus-events';
import type { FencerDeps } from '../fencing/fence-host';
import { awsClients } from '../platform/aws-clients';
import { config } from '../platform/config';

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
