import { setTimeout as sleep } from 'node:timers/promises';
import type { Server } from '../../lib/adapters/openstack/nova';
import { readInventoryFile } from '../../lib/inventory/inventory-file';
import { inventoryPath, loadInventoryFile } from './bootstrap';
import { callApi, type LocalCloud } from './local-cloud';

/** Who the demo watches: the faulty host, a tenant with instances there, and one without. */
export interface Scenario {
  host: string;
  /** Every host of the demo, `host` first. */
  hosts: string[];
  tenant: string;
  other: string | undefined;
  topics: Map<string, string>;
  /** Instances of `tenant` on `host`: the notifications it must receive. */
  expected: number;
  /** The tenant's active/standby pair (Nova servers), for the example VNF manager. */
  pair?: { active: Server; standby: Server };
  /** Prints what the VIM reports after the fault, and after the recovery. */
  showVim?: (phase: 'fault' | 'recovery', sentAt: number) => Promise<void>;
  /** Removes what the demo created in the VIM. */
  cleanup?: () => Promise<void>;
}

/** VIM=none: the inventory file (NFVI_DOCTOR_INVENTORY or the demo one), no VIM actions. */
export async function fileScenario(say: (line?: string) => void): Promise<Scenario> {
  const file = inventoryPath();
  const loaded = await loadInventoryFile(file);
  say(`  inventory ${file}: ${loaded.hosts} hosts, ${loaded.instances} instances, ${loaded.tenants.size} tenants`);
  const inventory = await readInventoryFile(file);
  const host = process.env.NFVI_DEMO_HOST ?? inventory.hosts[0]?.name;
  const onHost = inventory.hosts.find((h) => h.name === host)?.instances ?? [];
  const tenant = onHost[0]?.tenantId;
  if (!host || !tenant) throw new Error(`the inventory has no instance on host ${host}`);
  return {
    host,
    hosts: [host, ...inventory.hosts.map((h) => h.name).filter((name) => name !== host)].slice(0, 3),
    tenant,
    other: [...loaded.tenants.keys()].find((t) => !onHost.some((i) => i.tenantId === t)),
    topics: loaded.tenants,
    expected: onHost.filter((i) => i.tenantId === tenant).length,
  };
}

/** Until the state is reached, polls what Nova reports; returns ms since `since`. */
async function until(check: () => Promise<boolean>, since: number, timeoutMs = 30_000): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return Date.now() - since;
    await sleep(50);
  }
  return undefined;
}

/** The default: real Nova servers of two Keystone projects on fake hosts, the inventory synced from Nova. */
export async function openStackScenario(cloud: LocalCloud, say: (line?: string) => void): Promise<Scenario> {
  const [host, standbyHost, otherHost] = cloud.env.computeHosts;
  if (!host || !standbyHost || !otherHost) throw new Error('the demo needs 3 fake compute hosts');
  const admin = cloud.nova();
  // A previous demo may have left its servers: start from a clean slate.
  const previous = (await admin.listServers()).filter((s) => s.name.startsWith('demo-'));
  await cloud.deleteAll(previous);
  await Promise.all(cloud.env.computeHosts.map((h) => admin.forceDown(h, false)));
  const servers: Server[] = [
    ...(await cloud.boot('tenant-a', host, ['demo-mme-active', 'demo-spgw-active'])),
    ...(await cloud.boot('tenant-a', standbyHost, ['demo-mme-standby'])),
    ...(await cloud.boot('tenant-b', otherHost, ['demo-ims-cscf'])),
  ];
  say(`  booted ${servers.length} Nova servers: tenant-a on ${host} and ${standbyHost}, tenant-b on ${otherHost}`);

  const synced = await callApi('POST', '/v1/inventory/sync', await cloud.adminToken());
  if (synced.status !== 200)
    throw new Error(`inventory sync answered ${synced.status}: ${JSON.stringify(synced.body)}`);
  say(`  inventory synced from Nova (POST /v1/inventory/sync as admin): ${JSON.stringify(synced.body)}`);

  const tenant = cloud.projectId('tenant-a');
  const other = cloud.projectId('tenant-b');
  const topics = new Map<string, string>();
  for (const [name, id] of [
    ['tenant-a', tenant],
    ['tenant-b', other],
  ] as const) {
    const answer = await callApi('GET', `/v1/tenants/${id}/topic`, await cloud.memberToken(name));
    topics.set(id, String(answer.body.topicArn));
  }
  const onHost = servers.filter((s) => s.host === host);
  const showVim = async (phase: 'fault' | 'recovery', sentAt: number) => {
    if (phase === 'fault') {
      const t04 = await until(async () => (await cloud.computeService(host)).forcedDown, sentAt);
      const t03 = await until(
        async () => (await Promise.all(onHost.map((s) => admin.getServer(s.id)))).every((s) => s.status === 'ERROR'),
        sentAt,
      );
      const service = await cloud.computeService(host);
      say(
        `Nova: nova-compute on ${host} forced_down=${service.forcedDown} state=${service.state} (T04 ${t04 ?? '?'} ms after PutEvents)`,
      );
      for (const s of onHost) say(`Nova: server ${s.name} is ${(await admin.getServer(s.id)).status}`);
      say(`Nova: all ${onHost.length} servers on ${host} in ERROR ${t03 ?? '?'} ms after PutEvents (T03)`);
    } else {
      const up = await until(async () => !(await cloud.computeService(host)).forcedDown, sentAt);
      say(`Nova: nova-compute on ${host} forced_down=false again ${up ?? '?'} ms after the recovery event`);
    }
  };
  return {
    host,
    hosts: [host, standbyHost, otherHost],
    tenant,
    other,
    topics,
    expected: onHost.length,
    pair: {
      active: servers.find((s) => s.name === 'demo-mme-active') as Server,
      standby: servers.find((s) => s.name === 'demo-mme-standby') as Server,
    },
    showVim,
    cleanup: () => cloud.deleteAll(servers),
  };
}
