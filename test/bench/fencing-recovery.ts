import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { callApi, type LocalCloud } from '../../infra/local/local-cloud';
import type { SnsHttpSubscriber } from '../../infra/local/sns-http-subscriber';
import type { FaultInjector } from '../../lib/adapters/eventbridge/fault-injector';
import { alarmNotification } from '../../lib/contracts/etsi-alarm';
import { type RecoveryNotification } from '../../lib/contracts/recovery-notification';
import { config } from '../../lib/platform/config';
import { localBmcs, startIpmiSim, type IpmiSim } from '../support/ipmi-sim';

export const FENCING_INSTANCES = 20;
export const FENCING_RUNS = Number(process.env.NFVI_BENCH_FENCING_RUNS ?? 3);
const HOSTS = ['fake-host-2', 'fake-host-3'] as const;
const ZONE = 'nfvi-bench-recovery';
const OBSERVERS = ['bench-observer-1', 'bench-observer-2'];
/** This section's own subscriptions (the subscriber's other sections use other names). */
const TENANT = 'fencing-tenant-a';
const ADMIN = 'fencing-admin';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FencingSample {
  /** The host-down alarm raised (death confirmed by the peers' quorum) -> HostFenced (powered off, read back). */
  deathToFencedMs: number;
  /** The same start -> every one of the host's instances ACTIVE on the other host, as Nova shows them. */
  deathToEvacuatedMs: number;
  /** The same start -> the tenant's RecoveryNotification DONE. */
  deathToDoneNotifiedMs: number;
}

/**
 * Confirmed host death -> fenced -> evacuated, for a host with 20 instances of an evacuate-policy
 * tenant (grace period 0 s), through the local stack, a real IPMI BMC per host (ipmi_sim) and the
 * local Nova. The two hosts take turns dying, so each run evacuates the previous run's instances back.
 */
export async function fencingRecovery(
  cloud: LocalCloud,
  subscriber: SnsHttpSubscriber,
  injector: FaultInjector,
): Promise<{ instances: number; runs: FencingSample[] }> {
  const nova = cloud.nova();
  const bmcs: IpmiSim[] = [await startIpmiSim(), await startIpmiSim()];
  localBmcs.use(Object.fromEntries(HOSTS.map((host, i) => [host, bmcs[i] as IpmiSim])));
  const aggregateId = await nova.createAggregate(`${ZONE}-${Date.now().toString(36)}`, [...HOSTS], ZONE);
  const tenantA = cloud.projectId('tenant-a');
  const tenantToken = await cloud.memberToken('tenant-a');
  const topic = await callApi('GET', `/v1/tenants/${tenantA}/topic`, tenantToken);
  await subscriber.subscribe(String(topic.body.topicArn), TENANT);
  await subscriber.subscribe(config().adminTopicArn, ADMIN);
  const servers = await cloud.boot(
    'tenant-a',
    HOSTS[0],
    Array.from({ length: FENCING_INSTANCES }, (_, i) => `fence-${i}`),
    {
      availabilityZone: ZONE,
    },
  );
  const votes = (host: string, reachable: boolean) => injector.peerVotes(host, OBSERVERS, reachable);
  const runs: FencingSample[] = [];
  try {
    await callApi('PUT', '/v1/recovery-policy', tenantToken, { policy: 'evacuate', graceS: 0 });
    await callApi('POST', '/v1/inventory/sync', await cloud.adminToken());
    for (let i = 0; i < FENCING_RUNS; i++) {
      const dead = HOSTS[i % 2] as string;
      const spare = HOSTS[(i + 1) % 2] as string;
      const bmc = bmcs[i % 2] as IpmiSim;
      await promisify(execFile)('ipmitool', [...bmc.ipmitoolArgs, 'chassis', 'power', 'on']);
      const seen = subscriber.from(ADMIN).length;
      const done = subscriber.from(TENANT).length;
      await injector.put(votes(dead, false));
      let evacuatedAt: number | undefined;
      for (const deadline = Date.now() + 120_000; evacuatedAt === undefined; await sleep(100)) {
        if (Date.now() > deadline) throw new Error(`the instances of ${dead} were not evacuated within 120 s`);
        const onSpare = (await nova.listServers({ host: spare })).filter(
          (s) => s.status === 'ACTIVE' && servers.some((o) => o.id === s.id),
        );
        if (onSpare.length === FENCING_INSTANCES) evacuatedAt = Date.now();
      }
      let doneAt: number | undefined;
      for (const deadline = Date.now() + 60_000; doneAt === undefined; await sleep(50)) {
        if (Date.now() > deadline) throw new Error('no DONE recovery notification within 60 s');
        const notified = subscriber
          .from(TENANT)
          .slice(done)
          .find((m) => (m.message as unknown as RecoveryNotification).recovery?.state === 'DONE');
        doneAt = notified?.receivedAt;
      }
      const alarms = subscriber
        .from(ADMIN)
        .slice(seen)
        .filter((m) => m.message.notificationType === 'AlarmNotification')
        .map((m) => alarmNotification.parse(m.message).alarm)
        .filter((a) => a.managedObjectId === dead && a.faultType === 'compute.host.down');
      const raisedAt = Date.parse(alarms[0]?.alarmRaisedTime ?? '');
      const fencedLine = alarms.flatMap((a) => a.faultDetails).find((l) => l.startsWith('fencing: FENCED'));
      const fencedAt = Date.parse(/ at (\S+);/.exec(fencedLine ?? '')?.[1] ?? '');
      runs.push({
        deathToFencedMs: fencedAt - raisedAt,
        deathToEvacuatedMs: evacuatedAt - raisedAt,
        deathToDoneNotifiedMs: doneAt - raisedAt,
      });
      process.stdout.write(
        `  run ${i + 1}: fenced +${fencedAt - raisedAt} ms, ${FENCING_INSTANCES} ACTIVE on ${spare} +${evacuatedAt - raisedAt} ms\n`,
      );
      await injector.put(votes(dead, true));
      await cloud.returnHost(dead);
      // The next run evacuates to this host: it must be in service again (its force-down undone,
      // which Nova allows once its nova-compute is back: the VIM adapter's next retry, within a minute).
      for (const deadline = Date.now() + 120_000; (await cloud.computeService(dead)).forcedDown; await sleep(500))
        if (Date.now() > deadline) throw new Error(`${dead} stayed forced down after it came back`);
    }
  } finally {
    await callApi('PUT', '/v1/recovery-policy', tenantToken, { policy: 'notify-only' });
    await cloud.deleteAll(servers);
    await Promise.all(HOSTS.map((host) => cloud.returnHost(host)));
    await nova.deleteAggregate(aggregateId);
    localBmcs.forget();
    await Promise.all(bmcs.map((bmc) => bmc.stop()));
  }
  return { instances: FENCING_INSTANCES, runs };
}
