import { type InventoryFile, type InventoryInstance } from '../contracts/inventory';
import { type TenantTopicRegistry } from '../notifier/ports';
import { mapSettled, valuesOrFirstFailure } from '../platform/map-settled';

/** Hosts written at once: enough to keep the table busy, few enough not to queue on the client's sockets. */
const HOSTS_AT_ONCE = 32;

export interface InventoryWriter {
  /** Makes the host's stored instances exactly these. */
  replaceHost(host: string, instances: InventoryInstance[], syncedAt: string): Promise<void>;
}

export interface LoadedInventory {
  hosts: number;
  instances: number;
  tenants: Map<string, string>;
}

/**
 * Loads an inventory: each listed host's instances replace what was stored for it, and every
 * tenant gets its topic now, so that consumers can subscribe before the first fault.
 */
export async function loadInventory(
  inventory: InventoryFile,
  writer: InventoryWriter,
  topics: TenantTopicRegistry,
  now: Date,
): Promise<LoadedInventory> {
  const syncedAt = now.toISOString();
  valuesOrFirstFailure(
    await mapSettled(inventory.hosts, HOSTS_AT_ONCE, (host) => writer.replaceHost(host.name, host.instances, syncedAt)),
  );
  const tenantIds = [...new Set(inventory.hosts.flatMap((h) => h.instances.map((i) => i.tenantId)))];
  return {
    hosts: inventory.hosts.length,
    instances: inventory.hosts.reduce((n, h) => n + h.instances.length, 0),
    tenants: await topics.topicArnsFor(tenantIds),
  };
}
