import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, type LabHost, type NetnsLab } from '../../infra/local/netns-lab';
import type { SnsHttpSubscriber } from '../../infra/local/sns-http-subscriber';
import { alarmNotification } from '../../lib/contracts/etsi-alarm';
import { type InventoryFile } from '../../lib/contracts/inventory';
import { sleep, waitUntil } from '../support/world';

export const NETNS_LINK_FAULTS = Number(process.env.NFVI_BENCH_LINK_FAULTS ?? 30);
export const NETNS_HOST_FAULTS = Number(process.env.NFVI_BENCH_HOST_FAULTS ?? 10);
/** Longer than the collectors' damping hold-downs (1 s, doubled once by the recovery report). */
const SETTLE_MS = 2500;

export interface DetectionSample {
  /** T00 -> T01: `ip link set down` until the collector observed it (the alarm's eventTime). */
  detectionMs: number;
  /** T01 -> T09: from that observation to the tenant's HTTP subscriber. */
  notificationMs: number;
  /** T00 -> T09. */
  totalMs: number;
}

/** Notifications are timed by their receipt, not by this wait: a slow poll changes no figure. */
const TIMEOUT_MS = 20_000;
const until = (condition: () => boolean, what: string) => waitUntil(condition, what, TIMEOUT_MS);

/**
 * Doctor's measure on network namespaces: `ip link set <dev> down` inside a host (T00) to
 * the tenant's notification (T09), with the detection part (T00 -> T01, T01 being when the
 * collector, or for host-down the last observer of the quorum, saw it) shown apart.
 * - link: the data link of host 1 (the host reports it itself);
 * - host down: the management link of host 1 (its peers report it; quorum of 2).
 */
export async function netnsDetection(
  subscriber: SnsHttpSubscriber,
  load: (inventory: InventoryFile) => Promise<Map<string, string>>,
  run: string,
) {
  const tenant = `bench-netns-${run}`;
  const names = [1, 2, 3].map((i) => `bench-lab-${run}-${i}`);
  const topics = await load({
    hosts: names.map((name) => ({ name, instances: [{ id: `${name}-vm`, name: 'vnf-active', tenantId: tenant }] })),
  });
  await subscriber.subscribe(topics.get(tenant) as string, tenant);
  const workDir = mkdtempSync(join(tmpdir(), 'nfvi-bench-lab-'));
  let lab: NetnsLab | undefined;
  try {
    lab = await createLab(names, 'bench');
    for (const host of lab.hosts) await lab.startCollector(host, workDir);
    await lab.watched();
    const h1 = lab.hosts[0] as LabHost;
    const link = await inject(lab, h1, 'data0', NETNS_LINK_FAULTS, subscriber, tenant);
    const hostDown = await inject(lab, h1, 'mgmt0', NETNS_HOST_FAULTS, subscriber, tenant);
    return { link, hostDown };
  } finally {
    await lab?.destroy();
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function inject(
  lab: NetnsLab,
  host: LabHost,
  dev: string,
  times: number,
  subscriber: SnsHttpSubscriber,
  tenant: string,
): Promise<DetectionSample[]> {
  const samples: DetectionSample[] = [];
  const alarms = () => subscriber.from(tenant).filter((m) => m.message.notificationType === 'AlarmNotification');
  const cleared = () =>
    subscriber.from(tenant).filter((m) => m.message.notificationType === 'AlarmClearedNotification');
  const faultType = dev === 'mgmt0' ? 'compute.host.down' : 'compute.host.nic.error';
  for (let i = 0; i < times; i++) {
    const [alarmsBefore, clearedBefore] = [alarms().length, cleared().length];
    const t00 = Date.now();
    await lab.ip(host, 'link', 'set', dev, 'down');
    await until(() => alarms().length > alarmsBefore, `the ${dev} alarm`);
    const delivery = alarms()[alarmsBefore]!;
    const alarm = alarmNotification.parse(delivery.message).alarm;
    if (alarm.faultType !== faultType) throw new Error(`expected ${faultType}, got ${alarm.faultType}`);
    const t01 = Date.parse(alarm.eventTime);
    samples.push({
      detectionMs: t01 - t00,
      notificationMs: delivery.receivedAt - t01,
      totalMs: delivery.receivedAt - t00,
    });
    await lab.ip(host, 'link', 'set', dev, 'up');
    // A cut-off host's own spooled reports arrive after it is back: wait for every clear.
    const expectedClears = dev === 'mgmt0' ? 2 : 1;
    await until(
      () => cleared().length >= clearedBefore + expectedClears,
      `the ${dev} alarm to clear (injection ${i + 1})`,
    );
    await until(() => alarms().length === cleared().length, 'every alarm to clear');
    await sleep(SETTLE_MS);
  }
  return samples;
}
