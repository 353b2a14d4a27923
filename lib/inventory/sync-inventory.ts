import { z } from 'zod';
import { type InventoryInstance } from '../contracts/inventory';
import { type TenantTopicRegistry } from '../notifier/ports';
import { loadInventory, type InventoryWriter, type LoadedInventory } from './load-inventory';

/** Where the inventory comes from: the VIM's compute hosts and every project's servers. */
export interface ComputeInventorySource {
  computeHosts(): Promise<string[]>;
  servers(): Promise<{ id: string; name: string; tenantId: string; host: string | null }[]>;
}

export interface SyncedInventory extends LoadedInventory {
  /** Servers with no host yet (building, or failed before placement). */
  unplaced: number;
}

/** What `POST /v1/inventory/sync` answers: how many hosts, instances and tenants were synced, and servers not placed yet. */
export const inventorySyncSummary = z.object({
  hosts: z.number().int().nonnegative(),
  instances: z.number().int().nonnegative(),
  tenants: z.number().int().nonnegative(),
  unplaced: z.number().int().nonnegative(),
});
export type InventorySyncSummary = z.infer<typeof inventorySyncSummary>;

/**
 * Syncs the inventory from the VIM: every compute host with the servers on it and their
 * projects (the tenants). Each host's stored instances are replaced, so servers created or
 * deleted since the last sync show up; the correlator reads the result unchanged.
 */
export async function syncInventory(
  source: ComputeInventorySource,
  writer: InventoryWriter,
  topics: TenantTopicRegistry,
  now: Date,
): Promise<SyncedInventory> {
  const [hosts, servers] = await Promise.all([source.computeHosts(), source.servers()]);
  const byHost = new Map<string, InventoryInstance[]>(hosts.map((h) => [h, []]));
  let unplaced = 0;
  for (const server of servers) {
    if (!server.host) {
      unplaced += 1;
      continue;
    }
    const instances = byHost.get(server.host) ?? [];
    instances.push({ id: server.id, name: server.name, tenantId: server.tenantId });
    byHost.set(server.host, instances);
  }
  const loaded = await loadInventory(
    { hosts: [...byHost].map(([name, instances]) => ({ name, instances })) },
    writer,
    topics,
    now,
  );
  return { ...loaded, unplaced };
}
