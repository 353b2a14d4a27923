import { alarm as alarmSchema } from '../../../lib/contracts/etsi-alarm';
import { orderOf } from '../../../lib/inspector/alarm-lifecycle';
import {
  ADMIN_PROJECT,
  COLLECTOR,
  HOST,
  VIM,
  hardware,
  heartbeat,
  hostAlarmOf,
  linkDown,
  linkUp,
  nowFor,
  recordOf,
  replay,
  secondsAfterEpoch,
  storedBy,
  twoTenants,
  unknownHost,
  vmA1,
  vmA2,
  vmB1,
} from './builders';

const OTHER_COLLECTOR = 'bmc-compute-1';

describe('Alarm lifecycle', () => {
  describe('raise', () => {
    const down = linkDown(5);
    const { last } = replay([down]);
    const record = storedBy(last);
    const hostAlarm = hostAlarmOf(record);

    it('raises a fault that was not active', () => {
      expect(last).toMatchObject({ kind: 'store', transition: 'RAISED', record: { status: 'ACTIVE', impact: 'host' } });
    });

    it('raises one root-cause host alarm for the administrator', () => {
      expect(hostAlarm).toMatchObject({
        managedObjectId: HOST,
        tenantId: ADMIN_PROJECT,
        isRootCause: true,
        correlatedAlarmIds: record.instanceAlarms.map((a) => a.id),
        rootCauseFaultyResource: {
          faultyResource: { vimConnectionId: VIM, resourceId: HOST },
          faultyResourceType: 'COMPUTE',
        },
        perceivedSeverity: 'CRITICAL',
        eventType: 'COMMUNICATIONS_ALARM',
        faultType: 'compute.host.down',
        ackState: 'UNACKNOWLEDGED',
        eventTime: down.detail.observedAt,
        alarmRaisedTime: nowFor(down),
      });
    });

    it('raises one alarm per instance on the host, for the tenant that owns it', () => {
      expect(record.instanceAlarms.map(({ managedObjectId, tenantId }) => ({ managedObjectId, tenantId }))).toEqual(
        [vmA1, vmA2, vmB1].map(({ id, tenantId }) => ({ managedObjectId: id, tenantId })),
      );
    });

    it('correlates every instance alarm to the host alarm as its root cause', () => {
      for (const alarm of record.instanceAlarms) {
        expect(alarm).toMatchObject({
          isRootCause: false,
          correlatedAlarmIds: [hostAlarm.id],
          rootCauseFaultyResource: { faultyResource: { vimConnectionId: VIM, resourceId: HOST } },
          perceivedSeverity: 'CRITICAL',
          faultType: 'compute.host.down',
        });
      }
    });

    it('names the instance (or its id when it has no name) and the host in its fault details', () => {
      expect(record.instanceAlarms.map((a) => a.faultDetails[0])).toEqual([
        `instance mme-active on host ${HOST}`,
        `instance sgw-active on host ${HOST}`,
        `instance vm-b1 on host ${HOST}`,
      ]);
    });

    it('gives every alarm all the fields of the northbound contract, and distinct ids', () => {
      // Prepare
      const alarms = [hostAlarm, ...record.instanceAlarms];

      // Assess
      for (const alarm of alarms) expect(alarmSchema.strict().parse(alarm)).toEqual(alarm);
      expect(new Set(alarms.map((a) => a.id)).size).toBe(alarms.length);
    });

    it('derives the alarm ids from their inputs, so that a retried decision yields the same alarms', () => {
      expect(replay([down]).last).toEqual(last);
    });

    it('raises only the administrator alarm for a host the inventory does not know, and says so', () => {
      // Act
      const unknown = storedBy(replay([down], unknownHost).last);

      // Assess
      expect(unknown.instanceAlarms).toEqual([]);
      expect(hostAlarmOf(unknown).correlatedAlarmIds).toEqual([]);
      expect(hostAlarmOf(unknown).faultDetails.join('\n')).toMatch(/inventory/);
    });
  });

  describe('update', () => {
    it('updates the same alarms when the severity of an active fault changes', () => {
      // Prepare
      const critical = hardware('cpu', 'critical', 2);

      // Act
      const { decisions, last } = replay([hardware('cpu', 'warning', 1), critical]);

      // Assess
      const raised = storedBy(decisions[0]!);
      const updated = storedBy(last);
      expect(last).toMatchObject({ transition: 'UPDATED', record: { status: 'ACTIVE' } });
      const idsOf = (r: typeof raised) => [hostAlarmOf(r).id, ...r.instanceAlarms.map((a) => a.id)];
      expect(idsOf(updated)).toEqual(idsOf(raised));
      for (const alarm of [hostAlarmOf(updated), ...updated.instanceAlarms]) {
        expect(alarm).toMatchObject({ perceivedSeverity: 'CRITICAL', alarmChangedTime: nowFor(critical) });
        expect(alarm.alarmRaisedTime).toBe(hostAlarmOf(raised).alarmRaisedTime);
      }
    });

    it('updates the fault type when a PSU warning becomes a PSU failure', () => {
      // Act
      const { last } = replay([hardware('psu', 'warning', 1), hardware('psu', 'critical', 2)]);

      // Assess
      expect(last).toMatchObject({ transition: 'UPDATED' });
      expect(hostAlarmOf(storedBy(last))).toMatchObject({
        faultType: 'compute.host.power.error',
        perceivedSeverity: 'CRITICAL',
      });
    });

    it('stores an unchanged active fault silently, without a transition or a second alarm', () => {
      // Prepare
      const raised = recordOf(replay([linkDown(1)]));

      // Act
      const { last } = replay([linkDown(2)], twoTenants, raised);

      // Assess
      expect(last.kind).toBe('store');
      expect(last).not.toHaveProperty('transition');
      const applied = nowFor(linkDown(2));
      expect(storedBy(last)).toEqual({
        ...raised,
        version: raised.version + 1,
        lastObservation: { collectorId: COLLECTOR, seq: 2, observedAt: secondsAfterEpoch(2), appliedAt: applied },
      });
    });
  });

  describe('clear', () => {
    const up = linkUp(2);
    const { last } = replay([linkDown(1), up]);
    const cleared = storedBy(last);

    it('clears every alarm of the fault when it ends', () => {
      expect(last).toMatchObject({ kind: 'store', transition: 'CLEARED', record: { status: 'CLEARED' } });
      for (const alarm of [hostAlarmOf(cleared), ...cleared.instanceAlarms]) {
        expect(alarm).toMatchObject({ perceivedSeverity: 'CLEARED', alarmClearedTime: nowFor(up) });
      }
      expect(cleared.instanceAlarms).toHaveLength(3);
    });

    it('raises new alarms, with new ids, when the fault comes back', () => {
      // Act
      const again = storedBy(replay([linkDown(3)], twoTenants, cleared).last);

      // Assess
      const before = new Set([hostAlarmOf(cleared).id, ...cleared.instanceAlarms.map((a) => a.id)]);
      const after = [hostAlarmOf(again), ...again.instanceAlarms];
      expect(again).toMatchObject({ status: 'ACTIVE', lastTransition: 'RAISED' });
      expect(after.filter((a) => before.has(a.id))).toEqual([]);
      expect(after.map((a) => a.alarmClearedTime)).toEqual(after.map(() => undefined));
    });

    it('stores a recovery of a fault that is not active without a transition', () => {
      expect(replay([linkUp(1)]).last).toMatchObject({ kind: 'store', record: { status: 'CLEARED' } });
      expect(replay([linkUp(1)]).last).not.toHaveProperty('transition');
    });
  });

  describe('ordering', () => {
    it('ignores the same observation (collectorId and seq) as a duplicate', () => {
      expect(replay([linkDown(5), linkDown(5)]).last).toEqual({ kind: 'ignore', reason: 'duplicate' });
    });

    it.each([
      ['a lower seq from the same collector', hardware('cpu', 'critical', 4)],
      [
        'an older observedAt from another collector',
        hardware('cpu', 'critical', 90, { collectorId: OTHER_COLLECTOR, observedAt: secondsAfterEpoch(3) }),
      ],
    ])('ignores %s as stale', (_case, older) => {
      expect(replay([hardware('cpu', 'warning', 5), older]).last).toEqual({ kind: 'ignore', reason: 'stale' });
    });

    it('ignores a clear older than the raise, so the fault stays active', () => {
      // Act
      const { record, last } = replay([linkDown(5), linkUp(4)]);

      // Assess
      expect(last).toEqual({ kind: 'ignore', reason: 'stale' });
      expect(record).toMatchObject({ status: 'ACTIVE', lastTransition: 'RAISED' });
    });

    it('orders observations of different collectors by observedAt, not by seq', () => {
      // Prepare
      const last = { collectorId: COLLECTOR, seq: 500, observedAt: secondsAfterEpoch(5) };

      // Act and assess
      expect(orderOf(last, { collectorId: OTHER_COLLECTOR, seq: 1, observedAt: secondsAfterEpoch(6) })).toBe('new');
      expect(orderOf(last, { collectorId: OTHER_COLLECTOR, seq: 900, observedAt: secondsAfterEpoch(4) })).toBe('stale');
    });

    it('applies a newer observation of another collector even with a lower seq', () => {
      // Prepare
      const otherUp = linkUp(1, { collectorId: OTHER_COLLECTOR, observedAt: secondsAfterEpoch(6) });

      // Act
      const { last } = replay([linkDown(5), otherUp]);

      // Assess
      expect(last).toMatchObject({ transition: 'CLEARED' });
    });
  });

  describe('host reboot (boot id of heartbeats)', () => {
    it('remembers the boot id of the first heartbeat silently', () => {
      // Act
      const { last } = replay([heartbeat('boot-1', 1)]);

      // Assess
      expect(last).toMatchObject({
        kind: 'store',
        record: { bootId: 'boot-1', status: 'CLEARED', instanceAlarms: [] },
      });
      expect(last).not.toHaveProperty('transition');
    });

    it('raises compute.host.reboot when the boot id changes', () => {
      // Act
      const { last } = replay([heartbeat('boot-1', 1), heartbeat('boot-2', 2)]);

      // Assess
      expect(last).toMatchObject({ transition: 'RAISED', record: { bootId: 'boot-2', status: 'ACTIVE' } });
      const hostAlarm = hostAlarmOf(storedBy(last));
      expect(hostAlarm).toMatchObject({ faultType: 'compute.host.reboot', perceivedSeverity: 'CRITICAL' });
      expect(hostAlarm.faultDetails.join('\n')).toMatch(/boot-1.*boot-2/);
      expect(storedBy(last).instanceAlarms).toHaveLength(3);
    });

    it('clears the reboot alarm on the next heartbeat from the same boot', () => {
      expect(replay([heartbeat('boot-1', 1), heartbeat('boot-2', 2), heartbeat('boot-2', 3)]).last).toMatchObject({
        transition: 'CLEARED',
        record: { status: 'CLEARED', bootId: 'boot-2' },
      });
    });

    it('ignores the repeated heartbeat of a host that is up as unchanged', () => {
      // Prepare
      const history = [heartbeat('boot-1', 1), heartbeat('boot-2', 2), heartbeat('boot-2', 3), heartbeat('boot-2', 4)];

      // Act
      const { last } = replay(history);

      // Assess
      expect(last).toEqual({ kind: 'ignore', reason: 'unchanged' });
    });
  });
});
