import { callApi } from '../../infra/local/local-cloud';
import { SnsHttpSubscriber, type ReceivedMessage } from '../../infra/local/sns-http-subscriber';
import { FaultInjector } from '../../lib/adapters/eventbridge/fault-injector';
import type { Server } from '../../lib/adapters/openstack/nova';
import { alarmNotification } from '../../lib/contracts/etsi-alarm';
import { type RecoveryNotification } from '../../lib/contracts/recovery-notification';
import { FENCING_DETAIL_PREFIX } from '../../lib/inspector/fencing-signals';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { RECOVERY_METADATA_KEY } from '../../lib/recovery/recovery-policy';
import { localBmcs, startIpmiSim, type IpmiSim } from '../support/ipmi-sim';
import { HOSTS, localCloud } from '../support/openstack';
import { eventually } from '../support/world';

const { dead, spare } = HOSTS.recovery;
const ZONE = 'nfvi-recovery';
const OBSERVERS = ['recovery-observer-1', 'recovery-observer-2'];
/** A host no BMC is configured for: its death cannot be fenced. */
const UNFENCEABLE = 'recovery-rack-host';

const recoveryNotifications = (messages: ReceivedMessage[]) =>
  messages
    .map((m) => m.message as unknown as RecoveryNotification)
    .filter((n) => n.notificationType === 'RecoveryNotification');

/**
 * Fencing and tenant recovery end to end, through the local stack: a host confirmed dead by its
 * peers is powered off through a real IPMI BMC (OpenIPMI's ipmi_sim), its alarm says so, and a
 * tenant whose policy is evacuate gets its instances back ACTIVE on another real (fake-driver)
 * Nova host after its grace period, while a notify-only tenant's instances stay where they are.
 */
describe('Fencing and tenant recovery with a real BMC and a real Keystone + Nova', () => {
  const cloud = localCloud();
  const nova = cloud.nova();
  const tenantA = cloud.projectId('tenant-a');
  const tenantB = cloud.projectId('tenant-b');
  let bmc: IpmiSim;
  let aggregateId: string;
  let subscriber: SnsHttpSubscriber;
  let injector: FaultInjector;
  let evacuating: Server[];
  let staying: Server[];
  let restarting: Server[];

  const votes = (host: string, reachable: boolean) => injector.peerVotes(host, OBSERVERS, reachable);
  const adminAlarms = (host: string, faultType: string) =>
    subscriber
      .from('admin')
      .filter((m) => m.message.notificationType === 'AlarmNotification')
      .map((m) => alarmNotification.parse(m.message).alarm)
      .filter((a) => a.managedObjectId === host && a.faultType === faultType);

  beforeAll(async () => {
    // A run that failed half way may have left the host dead.
    if ((await cloud.computeService(dead)).forcedDown) await cloud.returnHost(dead);
    bmc = await startIpmiSim();
    localBmcs.use({ [dead]: bmc });
    // One availability zone for the dead host and its spare, so the scheduler evacuates onto the spare.
    aggregateId = await nova.createAggregate(`${ZONE}-${Date.now().toString(36)}`, [dead, spare], ZONE);
    evacuating = await cloud.boot('tenant-a', dead, ['recover-a1', 'recover-a2'], { availabilityZone: ZONE });
    staying = await cloud.boot('tenant-b', dead, ['recover-b1'], { availabilityZone: ZONE });
    // tenant-b is notify-only; this one instance of it asks, through its metadata, to be restarted.
    restarting = await cloud.boot('tenant-b', dead, ['recover-b2'], {
      availabilityZone: ZONE,
      metadata: { [RECOVERY_METADATA_KEY]: 'restart' },
    });
    const answer = await callApi('POST', '/v1/inventory/sync', await cloud.adminToken());
    expect(answer.status).toBe(200);
    const policy = await callApi('PUT', '/v1/recovery-policy', await cloud.memberToken('tenant-a'), {
      policy: 'evacuate',
      graceS: 3,
    });
    expect(policy).toMatchObject({ status: 200, body: { policy: 'evacuate', graceS: 3, source: 'tenant' } });
    const readBack = await callApi('GET', '/v1/recovery-policy', await cloud.memberToken('tenant-a'));
    expect(readBack).toMatchObject({ status: 200, body: { policy: 'evacuate', graceS: 3, source: 'tenant' } });
    await callApi('PUT', '/v1/recovery-policy', await cloud.memberToken('tenant-b'), {
      policy: 'notify-only',
      graceS: 3,
    });

    subscriber = await SnsHttpSubscriber.start(awsClients().sns);
    for (const [name, id] of [
      ['tenant-a', tenantA],
      ['tenant-b', tenantB],
    ] as const) {
      const topic = await callApi('GET', `/v1/tenants/${id}/topic`, await cloud.memberToken(name));
      await subscriber.subscribe(String(topic.body.topicArn), id);
    }
    await subscriber.subscribe(config().adminTopicArn, 'admin');
    injector = new FaultInjector(awsClients().eventBridge, config().eventBusName);
    await injector.put(votes(dead, false));
    await eventually(
      async () => recoveryNotifications(subscriber.from(tenantA)).some((n) => n.recovery.state === 'DONE'),
      "tenant-a's recovery DONE",
      90_000,
    );
  }, 240_000);

  afterAll(async () => {
    try {
      await injector?.put([...votes(dead, true), ...votes(UNFENCEABLE, true)]);
      for (const name of ['tenant-a', 'tenant-b'])
        await callApi('PUT', '/v1/recovery-policy', await cloud.memberToken(name), { policy: 'notify-only' });
      await cloud.deleteAll([...(evacuating ?? []), ...(staying ?? []), ...(restarting ?? [])]);
      if ((await cloud.computeService(dead)).forcedDown) await cloud.returnHost(dead);
      if (aggregateId) await nova.deleteAggregate(aggregateId);
    } finally {
      localBmcs.forget();
      await subscriber?.close();
      await bmc?.stop();
    }
  }, 180_000);

  it('powers the dead host off through its BMC once its peers confirmed it down', () => {
    expect(bmc.chassisPower()).toBe('off');
  });

  it('tells the administrator the host is not fenced, then updates the alarm once it is', async () => {
    await eventually(async () => adminAlarms(dead, 'compute.host.down').length >= 2, 'the raised and updated alarm');
    const [raised, updated] = adminAlarms(dead, 'compute.host.down');
    const fencingLine = (details: string[]) => details.find((line) => line.startsWith(FENCING_DETAIL_PREFIX));
    expect(fencingLine(raised!.faultDetails)).toMatch(/NOT_FENCED/);
    expect(fencingLine(updated!.faultDetails)).toMatch(/^fencing: FENCED .*ipmi/);
    expect(updated!.id).toBe(raised!.id);
  });

  it("tells each tenant of the host that its instances' host is fenced, about its own instances only", () => {
    for (const [tenant, servers] of [
      [tenantA, evacuating],
      [tenantB, [...staying, ...restarting]],
    ] as const) {
      const alarms = subscriber
        .from(tenant)
        .filter((m) => m.message.notificationType === 'AlarmNotification')
        .map((m) => alarmNotification.parse(m.message).alarm);
      const fenced = alarms.filter((a) => a.faultDetails.some((line) => line.startsWith('fencing: FENCED')));
      expect(new Set(fenced.map((a) => a.managedObjectId))).toEqual(new Set(servers.map((s) => s.id)));
      expect(alarms.every((a) => a.tenantId === tenant)).toBe(true);
    }
  });

  it("brings the evacuate-policy tenant's instances back ACTIVE on another host", async () => {
    for (const server of evacuating) {
      const now = await nova.getServer(server.id);
      expect(now).toMatchObject({ status: 'ACTIVE', host: spare });
    }
  });

  it('tells that tenant each step: the grace period with where to answer, the wait for fencing or the recovery, and DONE', () => {
    const states = recoveryNotifications(subscriber.from(tenantA)).map((n) => n.recovery.state);
    expect(states[0]).toBe('GRACE');
    expect(states).toContain('RECOVERING');
    expect(states.at(-1)).toBe('DONE');
    const [grace] = recoveryNotifications(subscriber.from(tenantA));
    expect(grace!.replyUrl).toMatch(/\/v1\/recoveries\//);
    expect(grace!.recovery.instances.map((i) => i.instanceId).sort()).toEqual(evacuating.map((s) => s.id).sort());
  });

  it("leaves the notify-only tenant's instance where it is, in no recovery", async () => {
    const now = await nova.getServer(staying[0]!.id);
    expect(now.host).toBe(dead);
    const recovered = recoveryNotifications(subscriber.from(tenantB)).flatMap((n) => n.recovery.instances);
    expect(recovered.map((i) => i.instanceId)).not.toContain(staying[0]!.id);
  });

  it('shows the recovery in the fault API to its tenant only', async () => {
    const own = await callApi('GET', '/v1/recoveries', await cloud.memberToken('tenant-a'));
    const recovery = (own.body as unknown as { recoveryId: string; state: string; host: string }[]).find(
      (r) => r.host === dead,
    );
    expect(recovery).toMatchObject({ state: 'DONE' });
    const other = await callApi('GET', `/v1/recoveries/${recovery!.recoveryId}`, await cloud.memberToken('tenant-b'));
    expect(other.status).toBe(404);
    const named = await callApi('GET', `/v1/recoveries?tenantId=${tenantA}`, await cloud.memberToken('tenant-b'));
    expect(named.status).toBe(403);
    const late = await callApi('PUT', `/v1/recoveries/${recovery!.recoveryId}`, await cloud.memberToken('tenant-a'), {
      answer: 'DECLINE',
    });
    expect(late.status).toBe(409);
  });

  it('raises an administrator alarm, and no tenant alarm, when a dead host cannot be fenced', async () => {
    await injector.put(votes(UNFENCEABLE, false));
    await eventually(
      async () => adminAlarms(UNFENCEABLE, 'compute.host.fencing.failed').length === 1,
      'the fencing-failed alarm',
    );
    const [alarm] = adminAlarms(UNFENCEABLE, 'compute.host.fencing.failed');
    expect(alarm!.faultDetails.join(' ')).toMatch(/no BMC credentials/);
    for (const tenant of [tenantA, tenantB]) {
      const about = subscriber.from(tenant).filter((m) => JSON.stringify(m.message).includes(UNFENCEABLE));
      expect(about).toEqual([]);
    }
  });

  it("takes an administrator's word that the host is off: the alarm says FENCED and the fencing-failed alarm clears", async () => {
    const path = `/v1/hosts/${UNFENCEABLE}/fencing`;
    expect((await callApi('PUT', path, await cloud.memberToken('tenant-a'), { state: 'FENCED' })).status).toBe(403);

    const confirmed = await callApi('PUT', path, await cloud.adminToken(), { state: 'FENCED' });

    expect(confirmed).toMatchObject({ status: 200, body: { state: 'FENCED', method: 'manual' } });
    await eventually(
      async () =>
        adminAlarms(UNFENCEABLE, 'compute.host.down').some((a) =>
          a.faultDetails.some((line) => line.startsWith('fencing: FENCED (powered off, as an administrator confirmed')),
        ),
      'the host-down alarm updated to FENCED',
    );
    const [failed] = adminAlarms(UNFENCEABLE, 'compute.host.fencing.failed');
    await eventually(
      async () =>
        subscriber
          .from('admin')
          .some((m) => m.message.notificationType === 'AlarmClearedNotification' && m.message.alarmId === failed!.id),
      'the fencing-failed alarm cleared',
    );
  });

  it('restarts the instance whose metadata asks for it on its own host, once the host is back', async () => {
    const tenantBStates = () => recoveryNotifications(subscriber.from(tenantB)).map((n) => n.recovery);
    await eventually(
      async () => tenantBStates().some((r) => r.state === 'WAITING_FOR_HOST'),
      "tenant-b's recovery waiting for the host",
    );
    expect(tenantBStates()[0]?.instances).toEqual([
      expect.objectContaining({ instanceId: restarting[0]!.id, policy: 'restart', policySource: 'instance' }),
    ]);

    // The host is repaired: it boots (its nova-compute starts) and its peers reach it again.
    await cloud.returnHost(dead);
    await injector.put(votes(dead, true));

    await eventually(async () => tenantBStates().some((r) => r.state === 'DONE'), "tenant-b's recovery DONE", 60_000);
    expect(await nova.getServer(restarting[0]!.id)).toMatchObject({ status: 'ACTIVE', host: dead });
  }, 90_000);
});
