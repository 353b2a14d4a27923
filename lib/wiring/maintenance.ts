import { randomUUID } from 'node:crypto';
import { DynamoDbConstraints } from '../adapters/dynamodb/dynamodb-constraints';
import { DynamoDbInventory } from '../adapters/dynamodb/dynamodb-inventory';
import { DynamoDbSessions } from '../adapters/dynamodb/dynamodb-sessions';
import { EventBridgePublisher } from '../adapters/eventbridge/eventbridge-publisher';
import { NovaClusterSnapshot } from '../adapters/openstack/nova-cluster-snapshot';
import { NovaHostDrain } from '../adapters/openstack/nova-host-drain';
import { NovaInstanceDirectory } from '../adapters/openstack/nova-instance-directory';
import { NovaInventorySource } from '../adapters/openstack/nova-inventory-source';
import { vimConnection } from '../adapters/openstack/vim-connection';
import { VimError } from '../adapters/openstack/vim-error';
import { SnsNotifier } from '../adapters/sns/sns-notifier';
import { TenantTopics } from '../adapters/sns/tenant-topics';
import { MAINTENANCE_SOURCE, MAINTENANCE_WORK } from '../contracts/bus-events';
import { syncInventory } from '../inventory/sync-inventory';
import { MaintenanceApi } from '../maintenance/api/maintenance-api';
import { ManageConstraints } from '../maintenance/constraints/manage-constraints';
import { MaintenanceWorkflow } from '../maintenance/workflow/maintenance-workflow';
import { awsClients } from '../platform/aws-clients';
import { config } from '../platform/config';

/** The workflow on the real adapters, for the VIM credentials the invocation received. */
export function maintenanceWorkflow(credentials: unknown): MaintenanceWorkflow {
  const cfg = config();
  const { dynamo, sns, eventBridge } = awsClients();
  const { nova } = vimConnection(credentials, cfg.vim);
  const inventory = new DynamoDbInventory(dynamo, cfg.inventoryTable);
  const topics = new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix, cfg.topicKmsKey);
  return new MaintenanceWorkflow({
    store: new DynamoDbSessions(dynamo, cfg.sessionsTable),
    vim: new NovaHostDrain(nova),
    cluster: new NovaClusterSnapshot(
      nova,
      new DynamoDbConstraints(dynamo, cfg.constraintsTable),
      cfg.maintenance.hostSlots,
    ),
    notifier: new SnsNotifier(
      sns,
      cfg.adminTopicArn,
      new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix, cfg.topicKmsKey),
    ),
    marks: inventory,
    inventory: {
      refresh: async () => {
        await syncInventory(new NovaInventorySource(nova), inventory, topics, new Date());
      },
    },
    bus: new EventBridgePublisher(eventBridge, cfg.eventBusName, MAINTENANCE_SOURCE),
    clock: () => new Date(),
    permanent: (error) => error instanceof VimError && !error.transient,
  });
}

/** The maintenance API on the real adapters. */
export function maintenanceApi(credentials: unknown): MaintenanceApi {
  const cfg = config();
  const { dynamo, eventBridge } = awsClients();
  const { nova } = vimConnection(credentials, cfg.vim);
  const workflow = maintenanceWorkflow(credentials);
  const bus = new EventBridgePublisher(eventBridge, cfg.eventBusName, MAINTENANCE_SOURCE);
  const drain = new NovaHostDrain(nova);
  return new MaintenanceApi({
    sessions: new DynamoDbSessions(dynamo, cfg.sessionsTable),
    apply: (sessionId, event) => workflow.apply(sessionId, event),
    wake: (sessionId) => bus.emit({ detailType: MAINTENANCE_WORK, detail: { session_id: sessionId } }),
    vim: {
      instancesOn: (host) => drain.instancesOn(host),
      computeHosts: async () => (await nova.listServices({ binary: 'nova-compute' })).map((s) => s.host),
    },
    newId: randomUUID,
    clock: () => new Date(),
    adminProjectId: cfg.adminProjectId,
    apiUrl: cfg.maintenance.apiUrl,
    operatorAnswerRequired: cfg.maintenance.operatorAnswerRequired,
  });
}

/** The constraint routes' use case on its adapters (the VIM says who owns an instance). */
export function maintenanceConstraints(credentials: unknown): ManageConstraints {
  const cfg = config();
  return new ManageConstraints(
    new DynamoDbConstraints(awsClients().dynamo, cfg.constraintsTable),
    new NovaInstanceDirectory(vimConnection(credentials, cfg.vim).nova),
  );
}
