import { DynamoDbInventory } from '../adapters/dynamodb/dynamodb-inventory';
import { NovaInventorySource } from '../adapters/openstack/nova-inventory-source';
import { vimConnection } from '../adapters/openstack/vim-connection';
import { TenantTopics } from '../adapters/sns/tenant-topics';
import { syncInventory, type SyncedInventory } from '../inventory/sync-inventory';
import { awsClients } from '../platform/aws-clients';
import { config } from '../platform/config';

/** The inventory sync from Nova, for the VIM credentials the invocation received. */
export function inventorySync(credentials: unknown): () => Promise<SyncedInventory> {
  const cfg = config();
  const { dynamo, sns } = awsClients();
  return () =>
    syncInventory(
      new NovaInventorySource(vimConnection(credentials, cfg.vim).nova),
      new DynamoDbInventory(dynamo, cfg.inventoryTable),
      new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix, cfg.topicKmsKey),
      new Date(),
    );
}
