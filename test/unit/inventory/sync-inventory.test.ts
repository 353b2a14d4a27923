import { type InventoryInstance } from '../../../lib/contracts/inventory';
import { type InventoryWriter } from '../../../lib/inventory/load-inventory';
import { syncInventory, type ComputeInventorySource } from '../../../lib/inventory/sync-inventory';
import { type TenantTopicRegistry } from '../../../lib/notifier/ports';

type NovaServer = Awaited<ReturnType<ComputeInventorySource['servers']>>[number];

const NOW = new Date('2026-11-25T10:00:00.000Z');

const server = (id: string, host: string | null, tenantId = 'tenant-a'): NovaServer => ({
  id,
  name: `vnf-${id}`,
  tenantId,
  host,
});

const instance = ({ id, name, tenantId }: NovaServer): InventoryInstance => ({ id, name, tenantId });

/** The hosts' stored instances, as the writer was told to replace them. */
class RecordingWriter implements InventoryWriter {
  readonly hosts = new Map<string, { instances: InventoryInstance[]; syncedAt: string }>();
  async replaceHost(host: string, instances: InventoryInstance[], syncedAt: string): Promise<void> {
    this.hosts.set(host, { instances, syncedAt });
  }
  instancesOf(host: string): InventoryInstance[] | undefined {
    return this.hosts.get(host)?.instances;
  }
}

/** Gives each tenant the topic arn:...:nfvi-<tenant>; remembers what it was asked. */
class RecordingRegistry implements TenantTopicRegistry {
  readonly asked: string[][] = [];
  async topicArnsFor(tenantIds: string[]): Promise<Map<string, string>> {
    this.asked.push(tenantIds);
    return new Map(tenantIds.map((t) => [t, `arn:aws:sns:eu-west-1:123456789012:nfvi-${t}`]));
  }
}

async function sync(computeHosts: string[], servers: NovaServer[]) {
  const writer = new RecordingWriter();
  const registry = new RecordingRegistry();
  const source: ComputeInventorySource = { computeHosts: async () => computeHosts, servers: async () => servers };
  const result = await syncInventory(source, writer, registry, NOW);
  return { result, writer, registry };
}

describe('syncInventory: the inventory from the VIM', () => {
  const a1 = server('a1', 'compute-1', 'tenant-a');
  const b1 = server('b1', 'compute-1', 'tenant-b');
  const a2 = server('a2', 'compute-2', 'tenant-a');

  it('stores each host with the servers on it', async () => {
    // Act
    const { result, writer } = await sync(['compute-1', 'compute-2'], [a1, a2, b1]);

    // Assess
    expect(writer.instancesOf('compute-1')).toEqual([instance(a1), instance(b1)]);
    expect(writer.instancesOf('compute-2')).toEqual([instance(a2)]);
    expect(result).toMatchObject({ hosts: 2, instances: 3, unplaced: 0 });
  });

  it('stores a host without servers with an empty list, so that its stale instances go away', async () => {
    // Act
    const { result, writer } = await sync(['compute-1', 'compute-3'], [a1]);

    // Assess
    expect(writer.instancesOf('compute-3')).toEqual([]);
    expect(result.hosts).toBe(2);
  });

  it('counts the servers without a host as unplaced and stores them nowhere', async () => {
    // Prepare
    const building = server('building', null, 'tenant-c');
    const failed = server('failed', null, 'tenant-c');

    // Act
    const { result, writer } = await sync(['compute-1'], [a1, building, failed]);

    // Assess
    expect(result).toMatchObject({ hosts: 1, instances: 1, unplaced: 2 });
    expect([...writer.hosts.keys()]).toEqual(['compute-1']);
  });

  it('stores the servers of a host that Nova does not list as a compute host under that host', async () => {
    // Prepare
    const orphan = server('orphan', 'compute-9');

    // Act
    const { writer } = await sync(['compute-1'], [a1, orphan]);

    // Assess
    expect(writer.instancesOf('compute-9')).toEqual([instance(orphan)]);
  });

  it('stamps every host with the time of the sync', async () => {
    // Act
    const { writer } = await sync(['compute-1', 'compute-2', 'compute-3'], [a1, a2]);

    // Assess
    expect([...writer.hosts.values()].map((h) => h.syncedAt)).toEqual([
      NOW.toISOString(),
      NOW.toISOString(),
      NOW.toISOString(),
    ]);
  });

  it('asks the topic registry once for every tenant, and returns their topics', async () => {
    // Act
    const { result, registry } = await sync(['compute-1', 'compute-2'], [a1, a2, b1]);

    // Assess
    expect(registry.asked).toHaveLength(1);
    expect([...(registry.asked[0] ?? [])].sort()).toEqual(['tenant-a', 'tenant-b']);
    expect(result.tenants).toEqual(
      new Map([
        ['tenant-a', 'arn:aws:sns:eu-west-1:123456789012:nfvi-tenant-a'],
        ['tenant-b', 'arn:aws:sns:eu-west-1:123456789012:nfvi-tenant-b'],
      ]),
    );
  });

  it('stores every host empty when the VIM has no servers', async () => {
    // Act
    const { result, writer, registry } = await sync(['compute-1', 'compute-2'], []);

    // Assess
    expect(writer.instancesOf('compute-1')).toEqual([]);
    expect(writer.instancesOf('compute-2')).toEqual([]);
    expect(result).toMatchObject({ hosts: 2, instances: 0, unplaced: 0 });
    expect(registry.asked).toEqual([[]]);
  });
});
