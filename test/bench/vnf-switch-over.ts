import type { LocalCloud } from '../../infra/local/local-cloud';
import type { SnsHttpSubscriber } from '../../infra/local/sns-http-subscriber';
import type { FaultInjector } from '../../lib/adapters/eventbridge/fault-injector';
import { type InventoryFile } from '../../lib/contracts/inventory';
import { localApiUrl } from '../../lib/platform/local-stack/local-endpoints';
import { localSnsCertificateAgent } from '../../lib/platform/local-stack/local-sns-certificate';
import { ExampleVnfManager, type VnfManagerEvent } from '../sample-vnfm/example-vnf-manager';

export const SWITCH_OVER_RUNS = Number(process.env.NFVI_BENCH_SWITCH_OVERS ?? 20);
const WARMUP_RUNS = 2;
const TIMEOUT_MS = 15_000;

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const handled = (events: readonly VnfManagerEvent[], outcome: string) =>
  events.filter((e) => e.kind === 'handled' && e.handled.outcome === outcome);

/**
 * The example VNF manager (consumer kit, signatures verified, subscribed through the fault API
 * with tenant-a's token) holds an active/standby pair on two hosts; each run fails the active's
 * host (PutEvents) and times the switch-over, then recovers the host and waits for the clear.
 * The bench's plain HTTP subscriber on the same topic times the notification of the same fault,
 * so that the VNF manager's own part (delivery with signature check, switching) shows apart.
 */
export async function vnfSwitchOver(
  cloud: LocalCloud,
  subscriber: SnsHttpSubscriber,
  injector: FaultInjector,
  load: (inventory: InventoryFile) => Promise<Map<string, string>>,
  run: string,
) {
  const tenant = cloud.projectId('tenant-a');
  const hostOf = (instance: string) => `${instance}-host`;
  const pair = { active: `bench-vnfm-${run}-mme-1`, standby: `bench-vnfm-${run}-mme-2` };
  const observer = `vnfm-observer-${run}`;
  const topics = await load({
    hosts: [pair.active, pair.standby].map((id) => ({
      name: hostOf(id),
      instances: [{ id, name: id, tenantId: tenant }],
    })),
  });
  await subscriber.subscribe(topics.get(tenant) as string, observer);
  const alarmsSeen = () => subscriber.from(observer).filter((m) => m.message.notificationType === 'AlarmNotification');
  const vnfm = await ExampleVnfManager.start({
    apiUrl: localApiUrl(),
    projectId: tenant,
    token: () => cloud.memberToken('tenant-a'),
    pair,
    requestAgent: localSnsCertificateAgent(),
  });
  const samples: Array<{ notificationMs: number; switchOverMs: number }> = [];
  try {
    for (let i = 0; i < WARMUP_RUNS + SWITCH_OVER_RUNS; i++) {
      const host = hostOf(vnfm.manager.active);
      const switched = handled(vnfm.events, 'switched-over').length;
      const notified = alarmsSeen().length;
      const sentAt = await injector.put([injector.link(host, 'down')]);
      await until(() => handled(vnfm.events, 'switched-over').length > switched, 'the switch-over');
      await until(() => alarmsSeen().length > notified, 'the notification');
      const at = handled(vnfm.events, 'switched-over').at(-1)?.at ?? NaN;
      const receivedAt = alarmsSeen().at(-1)?.receivedAt ?? NaN;
      if (i >= WARMUP_RUNS) samples.push({ notificationMs: receivedAt - sentAt, switchOverMs: at - sentAt });
      await injector.put([injector.link(host, 'up')]);
      await until(() => vnfm.manager.unavailable.length === 0, 'the clear');
    }
  } finally {
    await vnfm.close();
  }
  return { samples, rejected: vnfm.events.filter((e) => e.kind === 'rejected').length };
}
