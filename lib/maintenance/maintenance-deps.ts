import { randomUUID } from 'node:crypto';
import { awsClients } from '../aws/clients';
import { EventBridgePublisher } from '../bus/eventbridge-publisher';
import { config } from '../config';
import { SnsNotifier } from '../notify/sns-notifier';
import { DynamoDbConstraints } from '../store/dynamodb-constraints';
import { DynamoDbInventory } from '../store/dynamodb-inventory';
import { DynamoDbSessions } from '../store/dynamodb-sessions';
import { syncInventory } from '../inventory/sync-inventory';
import { NovaInventorySource } from '../vim/nova-inventory-source';
import { TenantTopics } from '../tenants/tenant-topics';
import { NovaClusterSnapshot } from '../vim/nova-cluster-snapshot';
import { NovaHostDrain } from '../vim/nova-host-drain';
import { vimConnection } from '../vim/vim-connection';
import { VimError } from '../vim/vim-error';
import { MaintenanceApi } from './api/maintenance-api';
import { MaintenanceWorkflow } from './workflow/maintenance-workflow';
import { MAINTENANCE_SOURCE, MAINTENANCE_WORK } from './workflow/workflow-events';

/** The workflow on the real adapters, for the VIM credentials the invocation received. */
export function maintenanceWorkflow(credentials: unknown): MaintenanceWorkflow {
  const cfg = config();
  const { dynamo, sns, eventBridge } = awsClients();
  const { nova } = vimConnection(credentials, cfg.vim);
  const inventory = new DynamoDbInventory(dynamo, cfg.inventoryTable);
  const topics = new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix);
  return new MaintenanceWorkflow({
    store: new DynamoDbSessions(dynamo, cfg.sessionsTable),
    vim: new NovaHostDrain(nova),
    cluster: new NovaClusterSnapshot(
      nova,
      new DynamoDbConstraints(dynamo, cfg.constraintsTable),
      cfg.maintenance.hostSlots,
    ),
    notifier: new SnsNotifier(sns, cfg.adminTopicArn, new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix)),
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
  });
}
