import { FENCING_SOURCE, hostFenced } from '../../../lib/contracts/bus-events';
import { faultNotification } from '../../../lib/contracts/etsi-alarm';
import { correlateEvent, sweepFaults, type CorrelatorDeps } from '../../../lib/inspector/correlate-event';
import type { FaultRecord } from '../../../lib/inspector/fault-record';
import {
  FENCING_DETAIL_PREFIX,
  FENCING_FAULT_KEY,
  fencedDetail,
  notFencedDetail,
} from '../../../lib/inspector/fencing-signals';
import { FLAP_DAMPING } from '../../../lib/inspector/flap-damping';
import type { Delivery } from '../../../lib/inspector/notifications';
import { PEERS_FAULT_KEY } from '../../../lib/inspector/peer-quorum';
import { ConcurrentUpdateError } from '../../../lib/inspector/ports';
import {
  InMemoryFaultStore,
  InMemoryPeerVotes,
  RecordingAlarmViews,
  RecordingFaultEvents,
  RecordingNotifier,
  RecordingQuarantine,
} from '../../support/correlator-ports';
import {
  ADMIN_PROJECT,
  HOST,
  VIM,
  collectorEvent,
  fixture,
  heartbeat,
  linkDown,
  linkUp,
  peerReport,
  secondsAfterEpoch,
  twoTenants,
  unknownHost,
  withDetail,
} from './builders';

/** How long each invocation may run (the Lambda timeout). */
const INVOCATION_MS = 10_000;

function correlator({ fencing = true }: { fencing?: boolean } = {}) {
  let epochs = 0;
  const faults = new InMemoryFaultStore();
  const notifier = new RecordingNotifier();
  const faultEvents = new RecordingFaultEvents();
  const quarantine = new RecordingQuarantine();
  const alarmViews = new RecordingAlarmViews();
  const clock = { now: new Date('2026-11-25T10:00:30.000Z') };
  const deps: CorrelatorDeps = {
    faults,
    inventory: { hostInventory: async (host) => (host === HOST ? twoTenants : unknownHost) },
    notifier,
    alarmViews,
    faultEvents,
    quarantine,
    peerVotes: new InMemoryPeerVotes(),
    settings: {
      vimConnectionId: VIM,
      adminProjectId: ADMIN_PROJECT,
      quorum: { minObservers: 2, voteTtlS: 90 },
      fencing,
      maxClockSkewS: 300,
      damping: FLAP_DAMPING,
    },
    clock: () => clock.now,
    newId: () => `epoch-${++epochs}`,
  };
  const correlate = (raw: unknown) =>
    correlateEvent(raw, deps, { deadline: new Date(clock.now.getTime() + INVOCATION_MS) });
  const recordOf = (faultKey = 'link:eno1') => faults.records.get(`${HOST}#${faultKey}`);
  const sweep = () => sweepFaults(deps, { deadline: new Date(clock.now.getTime() + INVOCATION_MS) });
  return { faults, notifier, alarmViews, faultEvents, quarantine, clock, correlate, recordOf, sweep };
}

/** The event was quarantined, the only one, with a reason matching `reason`, when the clock read. */
function expectQuarantined(c: ReturnType<typeof correlator>, result: unknown, raw: unknown, reason: RegExp): void {
  expect(result).toEqual({
    outcome: 'quarantined',
    reason: expect.stringMatching(reason),
    quarantineId: 'quarantine-1',
  });
  expect(c.quarantine.entries).toEqual([
    {
      source: 'correlator',
      reason: expect.stringMatching(reason),
      payload: raw,
      receivedAt: c.clock.now.toISOString(),
    },
  ]);
}

const audiences = (deliveries: Delivery[]) =>
  deliveries.map((d) => (d.audience.kind === 'admin' ? 'admin' : d.audience.tenantId));
const notificationTypes = (deliveries: Delivery[]) => deliveries.map((d) => d.notification.notificationType);

// ---- the use case ------------------------------------------------------------------------------

describe('Use case: correlate a collector event', () => {
  it('quarantines a malformed event with the reason, and publishes nothing', async () => {
    // Prepare
    const c = correlator();
    const raw = withDetail(linkDown(1), { observedAt: 'yesterday' });

    // Act
    const result = await c.correlate(raw);

    // Assess
    expectQuarantined(c, result, raw, /observedAt/);
    expect(c.quarantine.entries[0]?.receivedAt).toBe('2026-11-25T10:00:30.000Z');
    expect(c.notifier.attempts).toEqual([]);
    expect(c.faultEvents.emitted).toEqual([]);
    expect(c.faults.records.size).toBe(0);
  });

  it('publishes a host fault to the admin and to each tenant, confirms it once on the bus, and marks it published', async () => {
    // Prepare
    const c = correlator();

    // Act
    const result = await c.correlate(fixture('link-down-management.json'));

    // Assess
    expect(result).toMatchObject({ outcome: 'RAISED', notifications: 4, republished: 0 });
    // When it was observed and published, for the detection-to-publish metric.
    expect(result).toMatchObject({ observedAt: '2026-11-25T10:00:00.123Z', notifiedAt: '2026-11-25T10:00:30.000Z' });
    expect(audiences(c.notifier.published)).toEqual(['admin', 'tenant-a', 'tenant-a', 'tenant-b']);
    for (const { notification } of c.notifier.published)
      expect(faultNotification.safeParse(notification).success).toBe(true);
    expect(c.faultEvents.emitted).toEqual([
      expect.objectContaining({
        detailType: 'FaultConfirmed',
        detail: expect.objectContaining({ host: HOST, impact: 'host' }),
      }),
    ]);
    expect(c.recordOf()).toMatchObject({ status: 'ACTIVE', transitionSeq: 1, publishedSeq: 1 });
  });

  it('tells only the administrator of a fault on a host the inventory does not know', async () => {
    // Prepare
    const c = correlator();

    // Act
    const result = await c.correlate(fixture('hardware-psu-critical.json'));

    // Assess
    expect(result).toMatchObject({ outcome: 'RAISED', notifications: 1, republished: 0 });
    expect(audiences(c.notifier.published)).toEqual(['admin']);
    expect(c.faultEvents.emitted).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ instances: [] }) }),
    ]);
  });

  it('publishes nothing for the same event delivered again', async () => {
    // Prepare
    const c = correlator();
    await c.correlate(linkDown(1));

    // Act
    const result = await c.correlate(linkDown(1));

    // Assess
    expect(result).toEqual({ outcome: 'ignored', reason: 'duplicate', republished: 0 });
    expect(c.notifier.attempts).toHaveLength(1);
    expect(c.faultEvents.emitted).toHaveLength(1);
  });

  it('puts FaultConfirmed on the bus without waiting for the notifications to be accepted', async () => {
    // Prepare
    const c = correlator();
    let accept = () => {};
    c.notifier.held = new Promise<void>((resolve) => (accept = resolve));

    // Act
    const correlating = c.correlate(linkDown(1));
    await new Promise((resolve) => setImmediate(resolve));
    const emittedBeforeAccepted = c.faultEvents.emitted.map((e) => e.detailType);
    accept();

    // Assess
    expect(emittedBeforeAccepted).toEqual(['FaultConfirmed']);
    expect(await correlating).toMatchObject({ outcome: 'RAISED', notifications: 4 });
  });

  it('marks the transition failed and rethrows when publishing fails, then republishes it (and its bus event) on the redelivery', async () => {
    // Prepare
    const c = correlator();
    c.notifier.failures = 1;

    // Act
    await expect(c.correlate(linkDown(1))).rejects.toThrow('SNS unavailable');
    const failed = structuredClone(c.recordOf());
    const retried = await c.correlate(linkDown(1));

    // Assess
    expect(failed).toMatchObject({ transitionSeq: 1, publishedSeq: 0, publishFailedSeq: 1 });
    // Sent beside the notifications, the bus event went out the first time and goes again: the VIM adapter skips the copy.
    expect(c.faultEvents.emitted.map((e) => e.detailType)).toEqual(['FaultConfirmed', 'FaultConfirmed']);
    expect(retried).toEqual({ outcome: 'ignored', reason: 'duplicate', republished: 4 });
    expect(c.notifier.published).toEqual(c.notifier.attempts[0]);
    expect(c.recordOf()).toMatchObject({ publishedSeq: 1 });
  });

  it('retries a write that lost a race, and raises the alarms once', async () => {
    // Prepare
    const c = correlator();
    c.faults.interleave(async () => {
      throw new ConcurrentUpdateError(HOST, 'link:eno1');
    });

    // Act
    const result = await c.correlate(linkDown(1));

    // Assess
    expect(result).toMatchObject({ outcome: 'RAISED', notifications: 4, republished: 0 });
    expect(c.notifier.attempts).toHaveLength(1);
    expect(c.recordOf()).toMatchObject({ version: 1, publishedSeq: 1 });
  });

  it('publishes an event delivered twice at the same moment only once', async () => {
    // Prepare
    const c = correlator();
    const results: unknown[] = [];
    c.faults.interleave(async () => {
      results.push(await c.correlate(linkDown(1)));
    });

    // Act
    results.push(await c.correlate(linkDown(1)));

    // Assess
    expect(c.faults.conflicts).toBe(1);
    expect(results).toMatchObject([
      { outcome: 'RAISED', notifications: 4, republished: 0 },
      { outcome: 'ignored', reason: 'duplicate', republished: 0 },
    ]);
    expect(c.notifier.published).toHaveLength(4);
    expect(c.faultEvents.emitted).toHaveLength(1);
  });

  it('announces the recovery with AlarmClearedNotifications to the same audiences and a FaultCleared', async () => {
    // Prepare
    const c = correlator();
    await c.correlate(linkDown(1));

    // Act
    const result = await c.correlate(linkUp(2));

    // Assess
    expect(result).toMatchObject({ outcome: 'CLEARED', notifications: 4, republished: 0 });
    const clears = c.notifier.attempts[1] ?? [];
    expect(audiences(clears)).toEqual(['admin', 'tenant-a', 'tenant-a', 'tenant-b']);
    expect(new Set(notificationTypes(clears))).toEqual(new Set(['AlarmClearedNotification']));
    expect(c.faultEvents.emitted.map((e) => e.detailType)).toEqual(['FaultConfirmed', 'FaultCleared']);
    expect(c.recordOf()).toMatchObject({ status: 'CLEARED', transitionSeq: 2, publishedSeq: 2 });
  });

  it("gives the fault API each transition's alarms as it publishes them, and nothing for a duplicate", async () => {
    // Prepare
    const c = correlator();

    // Act
    await c.correlate(linkDown(1));
    await c.correlate(linkDown(1));
    await c.correlate(linkUp(2));

    // Assess
    expect(c.alarmViews.recorded.map((r) => [r.lastTransition, r.transitionSeq])).toEqual([
      ['RAISED', 1],
      ['CLEARED', 2],
    ]);
    expect(c.alarmViews.recorded[0]?.instanceAlarms.map((a) => a.tenantId)).toEqual([
      'tenant-a',
      'tenant-a',
      'tenant-b',
    ]);
  });

  it("redoes a failed write of the fault API's alarms on the redelivery, without publishing again", async () => {
    // Prepare
    const c = correlator();
    c.alarmViews.failures = 1;
    await expect(c.correlate(linkDown(1))).rejects.toThrow('DynamoDB unavailable');

    // Act
    const result = await c.correlate(linkDown(1));

    // Assess
    expect(result).toEqual({ outcome: 'ignored', reason: 'duplicate', republished: 0 });
    expect(c.notifier.attempts).toHaveLength(1);
    expect(c.alarmViews.recorded.map((r) => r.transitionSeq)).toEqual([1]);
    expect(c.recordOf()).toMatchObject({ publishedSeq: 1, recordedSeq: 1 });
  });

  it('takes over the transition of a publisher that ended without publishing, once its invocation is over', async () => {
    // Prepare: the raise was stored, but neither published nor marked failed
    const c = correlator();
    c.notifier.failures = 1;
    c.faults.failMarks = true;
    await expect(c.correlate(linkDown(1))).rejects.toThrow('SNS unavailable');
    c.faults.failMarks = false;
    c.clock.now = new Date(c.clock.now.getTime() + INVOCATION_MS + 1);

    // Act
    const result = await c.correlate(linkUp(2));

    // Assess
    expect(result).toMatchObject({ outcome: 'CLEARED', notifications: 4, republished: 4 });
    expect(notificationTypes(c.notifier.published)).toEqual([
      ...Array(4).fill('AlarmNotification'),
      ...Array(4).fill('AlarmClearedNotification'),
    ]);
    expect(c.faultEvents.emitted.map((e) => e.detailType)).toEqual([
      'FaultConfirmed',
      'FaultConfirmed',
      'FaultCleared',
    ]);
  });

  it('only records the first heartbeat of a host', async () => {
    // Prepare
    const c = correlator();

    // Act
    const result = await c.correlate(heartbeat('boot-1', 1));

    // Assess
    expect(result).toEqual({ outcome: 'recorded', republished: 0 });
    expect(c.recordOf('boot')).toMatchObject({ bootId: 'boot-1' });
    expect(c.notifier.attempts).toEqual([]);
  });
});

// HOST (compute-1) is watched by compute-2, compute-3 and compute-4; the clock reads 30 s after the epoch.
const unreachable = (observer: string, seq = 10) => peerReport(observer, HOST, false, seq);
const reachable = (observer: string, seq = 11) => peerReport(observer, HOST, true, seq);
const watchedBy = async (c: ReturnType<typeof correlator>, ...observers: string[]) => {
  for (const observer of observers) await c.correlate(reachable(observer, 1));
};

describe('Use case: confirm a host down by a quorum of its observers', () => {
  it('raises nothing while a single observer reports the host unreachable', async () => {
    // Prepare
    const c = correlator();
    await watchedBy(c, 'compute-2', 'compute-3', 'compute-4');

    // Act
    const result = await c.correlate(unreachable('compute-2'));

    // Assess
    expect(result).toEqual({ outcome: 'ignored', reason: 'unchanged', republished: 0 });
    expect(c.notifier.attempts).toEqual([]);
  });

  it('raises compute.host.down for every tenant once a majority of the watchers agree', async () => {
    // Prepare
    const c = correlator();
    await watchedBy(c, 'compute-2', 'compute-3', 'compute-4');
    await c.correlate(unreachable('compute-2'));

    // Act
    const result = await c.correlate(unreachable('compute-3'));

    // Assess
    expect(result).toMatchObject({ outcome: 'RAISED', notifications: 4 });
    expect(audiences(c.notifier.published)).toEqual(['admin', 'tenant-a', 'tenant-a', 'tenant-b']);
    const hostAlarm = c.recordOf('peers')?.hostAlarm;
    expect(hostAlarm).toMatchObject({ faultType: 'compute.host.down', perceivedSeverity: 'CRITICAL' });
    expect(hostAlarm?.faultDetails[0]).toMatch(/unreachable from 2 of 3 observers \(compute-2, compute-3\); quorum 2/);
    expect(c.faultEvents.emitted).toEqual([expect.objectContaining({ detailType: 'FaultConfirmed' })]);
  });

  it('needs at least two observers, even when the host has only one watcher', async () => {
    // Prepare
    const c = correlator();
    await watchedBy(c, 'compute-2');

    // Act
    const result = await c.correlate(unreachable('compute-2'));

    // Assess
    expect(result).toMatchObject({ outcome: 'ignored' });
    expect(c.notifier.attempts).toEqual([]);
  });

  it('does not count a vote older than its lifetime', async () => {
    // Prepare: compute-2's vote was observed 2 minutes before the clock
    const c = correlator();
    await watchedBy(c, 'compute-2', 'compute-3');
    c.clock.now = new Date(Date.parse(secondsAfterEpoch(150)));
    await c.correlate(peerReport('compute-2', HOST, false, 10, secondsAfterEpoch(20)));

    // Act
    const result = await c.correlate(peerReport('compute-3', HOST, false, 10, secondsAfterEpoch(149)));

    // Assess
    expect(result).toMatchObject({ outcome: 'ignored' });
    expect(c.notifier.attempts).toEqual([]);
  });

  it('clears the alarm when the quorum is lost because observers reach the host again', async () => {
    // Prepare
    const c = correlator();
    await watchedBy(c, 'compute-2', 'compute-3', 'compute-4');
    await c.correlate(unreachable('compute-2'));
    await c.correlate(unreachable('compute-3'));

    // Act
    const result = await c.correlate(reachable('compute-2'));

    // Assess
    expect(result).toMatchObject({ outcome: 'CLEARED', notifications: 4 });
    expect(notificationTypes(c.notifier.published.slice(4))).toEqual(Array(4).fill('AlarmClearedNotification'));
    expect(c.recordOf('peers')?.status).toBe('CLEARED');
  });

  it('ignores a repeated or older vote of the same observer', async () => {
    // Prepare
    const c = correlator();
    await watchedBy(c, 'compute-2', 'compute-3');
    await c.correlate(unreachable('compute-2', 10));

    // Act
    const duplicate = await c.correlate(unreachable('compute-2', 10));
    const stale = await c.correlate(reachable('compute-2', 9));

    // Assess
    expect(duplicate).toEqual({ outcome: 'vote-ignored', reason: 'duplicate' });
    expect(stale).toEqual({ outcome: 'vote-ignored', reason: 'stale' });
  });

  it('keeps one alarm while further observers and refreshed votes confirm the same outage', async () => {
    // Prepare
    const c = correlator();
    await watchedBy(c, 'compute-2', 'compute-3', 'compute-4');
    await c.correlate(unreachable('compute-2'));
    await c.correlate(unreachable('compute-3'));

    // Act
    const third = await c.correlate(unreachable('compute-4'));
    const refresh = await c.correlate(unreachable('compute-2', 12));

    // Assess
    expect([third, refresh]).toEqual([
      { outcome: 'ignored', reason: 'unchanged', republished: 0 },
      { outcome: 'ignored', reason: 'unchanged', republished: 0 },
    ]);
    expect(c.notifier.published).toHaveLength(4);
  });
});

describe("Use case: tell in a dead host's alarms whether it is fenced", () => {
  const FENCED_AT = secondsAfterEpoch(40);
  const fencingEvent = (detailType: 'HostFenced' | 'HostFencingFailed', detail: Record<string, unknown>) => ({
    source: FENCING_SOURCE,
    'detail-type': detailType,
    detail,
  });
  const hostFencedEvent = (hostAlarmId: string, fencedAt = FENCED_AT) =>
    fencingEvent('HostFenced', {
      host: HOST,
      hostAlarmId,
      method: 'ipmi',
      powerState: 'off',
      fencedAt,
      confirmedAt: secondsAfterEpoch(30),
    });
  const FAILURE = 'power state still on 5 s after the power-off through ipmi (after 3 attempts)';
  const fencingFailedEvent = (hostAlarmId: string) =>
    fencingEvent('HostFencingFailed', {
      host: HOST,
      hostAlarmId,
      reason: FAILURE,
      attempts: 3,
      failedAt: secondsAfterEpoch(35),
    });

  /** compute-1 declared down by compute-2 and compute-3; the id of its host-down alarm. */
  async function afterHostDown(c: ReturnType<typeof correlator>): Promise<string> {
    await watchedBy(c, 'compute-2', 'compute-3', 'compute-4');
    await c.correlate(unreachable('compute-2'));
    await c.correlate(unreachable('compute-3'));
    const id = c.recordOf(PEERS_FAULT_KEY)?.hostAlarm?.id;
    if (!id) throw new Error('no host-down alarm was raised');
    return id;
  }
  const fencingLines = (record: FaultRecord | undefined) =>
    [record?.hostAlarm, ...(record?.instanceAlarms ?? [])].map((alarm) =>
      alarm?.faultDetails.filter((line) => line.startsWith(FENCING_DETAIL_PREFIX)),
    );
  const alarmOf = (delivery: Delivery | undefined) =>
    delivery?.notification.notificationType === 'AlarmNotification' ? delivery.notification.alarm : undefined;

  it('says in every alarm of a host-down raised by the quorum that the host is not fenced yet', async () => {
    // Prepare
    const c = correlator();

    // Act
    await afterHostDown(c);

    // Assess
    expect(fencingLines(c.recordOf(PEERS_FAULT_KEY))).toEqual(Array(4).fill([notFencedDetail()]));
    expect(notFencedDetail()).toMatch(/^fencing: NOT_FENCED /);
  });

  it('says nothing of fencing where dead hosts are not fenced', async () => {
    // Prepare
    const c = correlator({ fencing: false });

    // Act
    await afterHostDown(c);

    // Assess
    expect(fencingLines(c.recordOf(PEERS_FAULT_KEY))).toEqual(Array(4).fill([]));
  });

  it('updates the alarms of a fenced host, for the admin and for each tenant with its own instances only', async () => {
    // Prepare
    const c = correlator();
    const hostAlarmId = await afterHostDown(c);
    const before = c.notifier.published.length;

    // Act
    const result = await c.correlate(hostFencedEvent(hostAlarmId));

    // Assess
    expect(result).toMatchObject({ outcome: 'UPDATED', notifications: 4, republished: 0 });
    const updates = c.notifier.published.slice(before);
    expect(audiences(updates)).toEqual(['admin', 'tenant-a', 'tenant-a', 'tenant-b']);
    expect(new Set(notificationTypes(updates))).toEqual(new Set(['AlarmNotification']));
    expect(updates.map((d) => alarmOf(d)?.managedObjectId)).toEqual([HOST, 'vm-a1', 'vm-a2', 'vm-b1']);
    for (const delivery of updates.slice(1))
      expect(alarmOf(delivery)?.tenantId).toBe(delivery.audience.kind === 'tenant' && delivery.audience.tenantId);
  });

  it("replaces the NOT_FENCED line of the fenced host's alarms by a FENCED one", async () => {
    // Prepare
    const c = correlator();
    const hostAlarmId = await afterHostDown(c);

    // Act
    await c.correlate(hostFencedEvent(hostAlarmId));

    // Assess
    const fenced = fencedDetail(hostFenced.parse(hostFencedEvent(hostAlarmId).detail));
    expect(fenced).toMatch(/^fencing: FENCED \(powered off through its BMC by ipmi at /);
    expect(fencingLines(c.recordOf(PEERS_FAULT_KEY))).toEqual(Array(4).fill([fenced]));
    expect(c.recordOf(PEERS_FAULT_KEY)).toMatchObject({ status: 'ACTIVE', lastTransition: 'UPDATED' });
    expect(c.recordOf(PEERS_FAULT_KEY)?.hostAlarm?.faultDetails[0]).toMatch(/unreachable from 2 of 3 observers/);
  });

  it('publishes nothing for the same HostFenced delivered again', async () => {
    // Prepare
    const c = correlator();
    const hostAlarmId = await afterHostDown(c);
    await c.correlate(hostFencedEvent(hostAlarmId));
    const before = c.notifier.attempts.length;

    // Act
    const result = await c.correlate(hostFencedEvent(hostAlarmId));

    // Assess
    expect(result).toEqual({ outcome: 'ignored', reason: 'duplicate', republished: 0 });
    expect(c.notifier.attempts).toHaveLength(before);
  });

  it('changes nothing for the fencing of an earlier death (another host alarm)', async () => {
    // Prepare
    const c = correlator();
    await afterHostDown(c);
    const before = c.notifier.attempts.length;

    // Act
    const result = await c.correlate(hostFencedEvent('alarm-of-an-earlier-death'));

    // Assess
    expect(result).toEqual({ outcome: 'ignored', reason: 'stale', republished: 0 });
    expect(c.notifier.attempts).toHaveLength(before);
    expect(fencingLines(c.recordOf(PEERS_FAULT_KEY))).toEqual(Array(4).fill([notFencedDetail()]));
  });

  it('raises compute.host.fencing.failed for the administrator only, naming the reason', async () => {
    // Prepare
    const c = correlator();
    const hostAlarmId = await afterHostDown(c);
    const before = c.notifier.published.length;

    // Act
    const result = await c.correlate(fencingFailedEvent(hostAlarmId));

    // Assess
    expect(result).toMatchObject({ outcome: 'RAISED', notifications: 1, republished: 0 });
    const raised = c.notifier.published.slice(before);
    expect(audiences(raised)).toEqual(['admin']);
    expect(alarmOf(raised[0])).toMatchObject({
      faultType: 'compute.host.fencing.failed',
      perceivedSeverity: 'CRITICAL',
      tenantId: ADMIN_PROJECT,
      managedObjectId: HOST,
      faultDetails: [FAILURE, expect.stringMatching(/^3 power-off attempts/)],
    });
    expect(c.recordOf(FENCING_FAULT_KEY)?.instanceAlarms).toEqual([]);
  });

  it('clears the fencing-failed alarm, for the administrator only, once the host is fenced after all', async () => {
    // Prepare
    const c = correlator();
    const hostAlarmId = await afterHostDown(c);
    await c.correlate(fencingFailedEvent(hostAlarmId));
    const before = c.notifier.published.length;

    // Act
    await c.correlate(hostFencedEvent(hostAlarmId));

    // Assess
    const published = c.notifier.published.slice(before);
    const clears = published.filter((d) => d.notification.notificationType === 'AlarmClearedNotification');
    expect(audiences(clears)).toEqual(['admin']);
    expect(clears[0]?.notification).toMatchObject({ alarmId: c.recordOf(FENCING_FAULT_KEY)?.hostAlarm?.id });
    expect(c.recordOf(FENCING_FAULT_KEY)?.status).toBe('CLEARED');
    expect(c.recordOf(PEERS_FAULT_KEY)?.lastTransition).toBe('UPDATED');
  });

  it('clears the fencing-failed alarm, for the administrator only, once the host is reachable again', async () => {
    // Prepare
    const c = correlator();
    const hostAlarmId = await afterHostDown(c);
    await c.correlate(fencingFailedEvent(hostAlarmId));
    c.clock.now = new Date(Date.parse(secondsAfterEpoch(60)));
    const before = c.notifier.published.length;

    // Act
    await c.correlate(reachable('compute-2'));
    await c.correlate(reachable('compute-3'));

    // Assess
    expect(c.recordOf(PEERS_FAULT_KEY)?.status).toBe('CLEARED');
    expect(c.recordOf(FENCING_FAULT_KEY)).toMatchObject({ status: 'CLEARED', lastTransition: 'CLEARED' });
    const fencingClears = c.notifier.published
      .slice(before)
      .filter((d) => d.notification.notificationType === 'AlarmClearedNotification')
      .filter(
        (d) =>
          d.notification.notificationType === 'AlarmClearedNotification' &&
          d.notification.alarmId === c.recordOf(FENCING_FAULT_KEY)?.hostAlarm?.id,
      );
    expect(audiences(fencingClears)).toEqual(['admin']);
  });

  it('quarantines a malformed fencing event with the reason, and publishes nothing', async () => {
    // Prepare
    const c = correlator();
    const hostAlarmId = await afterHostDown(c);
    const before = c.notifier.attempts.length;
    const raw = withDetail(hostFencedEvent(hostAlarmId), { method: 'ssh' });

    // Act
    const result = await c.correlate(raw);

    // Assess
    expectQuarantined(c, result, raw, /method/);
    expect(c.notifier.attempts).toHaveLength(before);
  });
});

describe('Use case: correlate, when clocks, crashes and flapping get in the way', () => {
  it('quarantines, naming it, an event of a source no nfvi-doctor function takes (the catch-all rule)', async () => {
    // Prepare: a collector configured with a misspelt source
    const c = correlator();
    const raw = { ...linkDown(1), source: 'nfvi.colector' };

    // Act
    const result = await c.correlate(raw);

    // Assess
    expectQuarantined(c, result, raw, /no nfvi-doctor function takes events of source "nfvi.colector"/);
  });

  it("quarantines a report dated further ahead of the correlator's clock than the allowed skew, and raises nothing", async () => {
    // Prepare: a collector whose clock says 2099
    const c = correlator();
    const raw = withDetail(linkDown(1), { observedAt: '2099-01-01T00:00:00.000Z' });

    // Act
    const result = await c.correlate(raw);

    // Assess
    expectQuarantined(c, result, raw, /ahead of the correlator's clock/);
    expect(c.notifier.published).toEqual([]);
  });

  it('never lets a collector whose clock runs ahead hold a fault against the others', async () => {
    // Prepare: the collector's clock runs 200 s ahead (within the skew) when it reports the link down
    const c = correlator();
    const ahead = new Date(c.clock.now.getTime() + 200_000).toISOString();
    await c.correlate(linkDown(1, { observedAt: ahead }));

    // Act: a second later, another collector of the host (restarted under a new id) reports it up
    c.clock.now = new Date(c.clock.now.getTime() + 1000);
    const result = await c.correlate(
      linkUp(2, { collectorId: 'collector-compute-1-b', observedAt: c.clock.now.toISOString() }),
    );

    // Assess
    expect(result).toMatchObject({ outcome: 'CLEARED' });
  });

  it('gives the alarms of a fault whose record was lost new ids, never those consumers saw before', async () => {
    // Prepare: a fault raised and cleared, then its record lost (a table recreated, an item expired)
    const c = correlator();
    await c.correlate(linkDown(1));
    const before = c.recordOf()?.hostAlarm?.id;
    await c.correlate(linkUp(2));
    c.faults.records.clear();

    // Act
    await c.correlate(linkDown(3));

    // Assess
    const after = c.recordOf()?.hostAlarm?.id;
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const ids = c.notifier.published.map((d) => d.notification.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('publishes a transition whose publisher died once, however many invocations find it unpublished', async () => {
    // Prepare: the first invocation stored the raise and died before publishing it
    const c = correlator();
    c.notifier.failures = 1;
    c.faults.failMarks = true;
    await expect(c.correlate(linkDown(1))).rejects.toThrow('SNS unavailable');
    c.faults.failMarks = false;
    c.clock.now = new Date(c.clock.now.getTime() + INVOCATION_MS + 1000);

    // Act: two deliveries of later reports look at once
    await Promise.all([c.correlate(linkDown(2)), c.correlate(linkDown(3)), c.sweep()]);

    // Assess: each notification of the raise went out once
    const ids = c.notifier.published.map((d) => d.notification.id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });

  it('publishes nothing from an invocation that outlived its deadline (another takes over)', async () => {
    // Prepare: publishing the raise is slow: the invocation's deadline passes before it gets there
    const c = correlator();
    c.faults.interleave(async () => {
      c.clock.now = new Date(c.clock.now.getTime() + INVOCATION_MS + 1000);
    });

    // Act
    const late = c.correlate(linkDown(1));

    // Assess
    await expect(late).rejects.toThrow(/past its deadline/);
    expect(c.notifier.published).toEqual([]);
    expect((await c.sweep()).faults).toBe(1);
    expect(audiences(c.notifier.published)).toEqual(['admin', 'tenant-a', 'tenant-a', 'tenant-b']);
  });

  it('publishes from the sweeper a transition whose invocation ended without publishing it', async () => {
    // Prepare: the invocation stores the transition, then dies before any notification goes out
    const c = correlator();
    c.notifier.failures = 1;
    c.faults.failMarks = true;
    await expect(c.correlate(linkDown(1))).rejects.toThrow('SNS unavailable');
    c.faults.failMarks = false;
    expect(c.notifier.published).toEqual([]);

    // Act: the sweeper looks once the invocation's deadline has passed
    const early = await c.sweep();
    c.clock.now = new Date(c.clock.now.getTime() + INVOCATION_MS + 1000);
    const late = await c.sweep();

    // Assess
    expect(early.faults).toBe(0);
    expect(late.faults).toBe(1);
    expect(audiences(c.notifier.published)).toEqual(['admin', 'tenant-a', 'tenant-a', 'tenant-b']);
    expect(c.recordOf()).toMatchObject({ status: 'ACTIVE', publishedSeq: 1, dueAt: undefined });
    expect((await c.sweep()).faults).toBe(0);
  });

  it('notifies a flapping fault a bounded number of times, holds it raised, and clears it once stable', async () => {
    // Prepare: a Doctor monitor reports its fault down and up ten times a second for ten seconds
    const c = correlator();
    const report = (seq: number, active: boolean) =>
      collectorEvent('fault.report', {
        seq,
        active,
        collectorId: 'doctor:sample',
        observedAt: c.clock.now.toISOString(),
      });
    const start = c.clock.now.getTime();

    // Act
    for (let i = 0; i < 100; i++) {
      c.clock.now = new Date(start + i * 100);
      await c.correlate(report(i + 1, i % 2 === 0));
    }
    const whileHeld = c.recordOf('report:doctor:sample:compute.host.down');
    c.clock.now = new Date(start + 20_000);
    await c.sweep();
    const stillHeld = c.recordOf('report:doctor:sample:compute.host.down')?.status;
    c.clock.now = new Date(start + 120_000);
    await c.sweep();

    // Assess: raised, cleared, raised again, then held raised while flapping; cleared once stable
    const adminTypes = c.notifier.published
      .filter((d) => d.audience.kind === 'admin')
      .map((d) => d.notification.notificationType);
    expect(adminTypes).toEqual([
      'AlarmNotification',
      'AlarmClearedNotification',
      'AlarmNotification',
      'AlarmClearedNotification',
    ]);
    expect(whileHeld).toMatchObject({ status: 'ACTIVE', flap: { holding: true, observedActive: false } });
    expect(stillHeld).toBe('ACTIVE');
    expect(c.recordOf('report:doctor:sample:compute.host.down')).toMatchObject({ status: 'CLEARED' });
    c.clock.now = new Date(start + 120_000 + INVOCATION_MS + 1000);
    await c.sweep();
    expect(c.recordOf('report:doctor:sample:compute.host.down')?.dueAt).toBeUndefined();
  });

  it('keeps a flapping fault that ends down raised, without a clear', async () => {
    // Prepare
    const c = correlator();
    const report = (seq: number, active: boolean) =>
      collectorEvent('fault.report', {
        seq,
        active,
        collectorId: 'doctor:sample',
        observedAt: c.clock.now.toISOString(),
      });
    const start = c.clock.now.getTime();

    // Act: it flaps, then stays down
    for (let i = 0; i < 21; i++) {
      c.clock.now = new Date(start + i * 100);
      await c.correlate(report(i + 1, i % 2 === 0));
    }
    c.clock.now = new Date(start + 120_000);
    await c.sweep();

    // Assess
    expect(c.recordOf('report:doctor:sample:compute.host.down')).toMatchObject({ status: 'ACTIVE' });
    const last = c.notifier.published.filter((d) => d.audience.kind === 'admin').at(-1);
    expect(last?.notification.notificationType).toBe('AlarmNotification');
  });
});
