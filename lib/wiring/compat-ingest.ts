import { DynamoDbFaultStore } from '../adapters/dynamodb/dynamodb-fault-store';
import { DynamoDbQuarantine } from '../adapters/dynamodb/dynamodb-quarantine';
import { EventBridgePublisher } from '../adapters/eventbridge/eventbridge-publisher';
import { COLLECTOR_SOURCE } from '../contracts/bus-events';
import type { IngestDeps } from '../inspector/ingest/ingest-fault-reports';
import { awsClients } from '../platform/aws-clients';
import { config } from '../platform/config';

let deps: IngestDeps | undefined;

/** The compatibility ingest's adapters: it puts southbound fault reports on the bus as a collector would. */
export function ingestDeps(): IngestDeps {
  if (deps) return deps;
  const cfg = config();
  const { dynamo, eventBridge } = awsClients();
  const bus = new EventBridgePublisher(eventBridge, cfg.eventBusName, COLLECTOR_SOURCE);
  const zones = cfg.ingest.monitorTimeZones;
  deps = {
    publish: (detail) => bus.emit({ detailType: 'fault.report', detail }),
    faults: new DynamoDbFaultStore(dynamo, cfg.alarmsTable),
    quarantine: new DynamoDbQuarantine(dynamo, cfg.quarantineTable),
    timeZoneOf: (monitor) => zones[monitor] ?? zones['*'] ?? 'UTC',
    maxClockSkewS: cfg.maxClockSkewS,
    maxBodyBytes: cfg.ingest.maxBodyBytes,
    clock: () => new Date(),
  };
  return deps;
}
