import { faultCleared, faultConfirmed } from '../../../lib/contracts/bus-events';
import { faultNotification, type AlarmNotification } from '../../../lib/contracts/etsi-alarm';
import { faultEventOf } from '../../../lib/inspector/fault-events';
import { needsRepublish, type FaultRecord } from '../../../lib/inspector/fault-record';
import { deliveriesOf, type Delivery } from '../../../lib/inspector/notifications';
import {
  ADMIN_PROJECT,
  HOST,
  hardware,
  heartbeat,
  hostAlarmOf,
  linkDown,
  linkUp,
  nowFor,
  recordOf,
  replay,
  twoTenants,
  vmA1,
  vmA2,
  vmB1,
} from './builders';

const down = linkDown(1);
const up = linkUp(2);
const raised = recordOf(replay([down]));
const cleared = recordOf(replay([up], twoTenants, raised));

const tenantOf = (delivery: Delivery) => (delivery.audience.kind === 'tenant' ? delivery.audience.tenantId : 'admin');

/** The alarm an AlarmNotification carries; fails the test for any other notification. */
function alarmIn(delivery: Delivery): AlarmNotification['alarm'] {
  if (delivery.notification.notificationType !== 'AlarmNotification') throw new Error('not an AlarmNotification');
  return delivery.notification.alarm;
}

describe('Fault notifications: deliveriesOf()', () => {
  const deliveries = deliveriesOf(raised);

  it('sends the administrator only the root-cause host alarm', () => {
    // Act
    const admin = deliveries.filter((d) => d.audience.kind === 'admin');

    // Assess
    expect(admin.map(alarmIn)).toEqual([hostAlarmOf(raised)]);
  });

  it("sends each tenant exactly its own instances' alarms", () => {
    // Act
    const byTenant = (tenant: string) =>
      deliveries.filter((d) => tenantOf(d) === tenant).map((d) => alarmIn(d).managedObjectId);

    // Assess
    expect(byTenant('tenant-a')).toEqual([vmA1.id, vmA2.id]);
    expect(byTenant('tenant-b')).toEqual([vmB1.id]);
  });

  it("never delivers to a tenant anything about another tenant's instances", () => {
    // Prepare
    const owner = new Map([vmA1, vmA2, vmB1].map((vm) => [vm.id, vm.tenantId]));

    // Act
    const leaks = deliveries
      .filter((d) => d.audience.kind === 'tenant')
      .filter((d) => owner.get(alarmIn(d).managedObjectId) !== tenantOf(d) || alarmIn(d).tenantId !== tenantOf(d));

    // Assess
    expect(leaks).toEqual([]);
  });

  it('labels each message with the attributes subscription filter policies use', () => {
    expect(deliveries.map((d) => d.attributes)).toEqual(
      [ADMIN_PROJECT, 'tenant-a', 'tenant-a', 'tenant-b'].map((tenantId) => ({
        notificationType: 'AlarmNotification',
        eventType: 'COMMUNICATIONS_ALARM',
        perceivedSeverity: 'CRITICAL',
        host: HOST,
        tenantId,
      })),
    );
  });

  it('announces a clear with an AlarmClearedNotification per alarm, with alarmId and alarmClearedTime', () => {
    // Act
    const clears = deliveriesOf(cleared);

    // Assess
    expect(clears.map((d) => d.notification)).toEqual(
      [hostAlarmOf(raised), ...raised.instanceAlarms].map((alarm) => ({
        id: expect.any(String),
        notificationType: 'AlarmClearedNotification',
        timeStamp: nowFor(up),
        alarmId: alarm.id,
        alarmClearedTime: nowFor(up),
      })),
    );
    expect(clears.map((d) => d.attributes.perceivedSeverity)).toEqual(clears.map(() => 'CLEARED'));
  });

  it('keeps the notification ids of a transition when it is published again, and changes them for the next one', () => {
    // Act
    const idsOf = (record: FaultRecord) => deliveriesOf(record).map((d) => d.notification.id);

    // Assess
    expect(idsOf(raised)).toEqual(idsOf(structuredClone(raised)));
    expect(new Set([...idsOf(raised), ...idsOf(cleared)]).size).toBe(2 * deliveries.length);
  });

  it.each([
    ['raised', raised],
    ['cleared', cleared],
  ])('publishes notifications of a %s fault that validate against the northbound schema', (_case, record) => {
    for (const { notification } of deliveriesOf(record)) {
      expect(faultNotification.parse(notification)).toEqual(notification);
    }
  });

  it('announces nothing for a record without a transition', () => {
    expect(deliveriesOf(recordOf(replay([heartbeat('boot-1', 1)])))).toEqual([]);
  });
});

describe('Fault events for the VIM adapter: faultEventOf()', () => {
  const instancesOf = (record: FaultRecord) =>
    record.instanceAlarms.map((a) => ({ id: a.managedObjectId, tenantId: a.tenantId, alarmId: a.id }));

  it('confirms a raised fault with its impact and the affected instances', () => {
    // Act
    const event = faultEventOf(raised);

    // Assess
    expect(event).toEqual({
      detailType: 'FaultConfirmed',
      detail: {
        host: HOST,
        faultKey: 'link:eno1',
        faultType: 'compute.host.down',
        impact: 'host',
        hostAlarmId: hostAlarmOf(raised).id,
        instances: instancesOf(raised),
        transitionSeq: 1,
        observedAt: down.detail.observedAt,
        perceivedSeverity: 'CRITICAL',
        confirmedAt: nowFor(down),
      },
    });
    expect(faultConfirmed.strict().parse(event?.detail)).toEqual(event?.detail);
  });

  it('confirms an updated fault with its new severity', () => {
    // Act
    const updated = recordOf(replay([hardware('cpu', 'warning', 1), hardware('cpu', 'critical', 2)]));

    // Assess
    expect(faultEventOf(updated)).toMatchObject({
      detailType: 'FaultConfirmed',
      detail: { perceivedSeverity: 'CRITICAL', transitionSeq: 2, impact: 'host', instances: instancesOf(updated) },
    });
  });

  it('tells the VIM adapter that a NIC fault affects the data plane only', () => {
    expect(faultEventOf(recordOf(replay([linkDown(1, { role: 'data' })])))?.detail.impact).toBe('nic');
  });

  it('announces a cleared fault with the instances to restore', () => {
    // Act
    const event = faultEventOf(cleared);

    // Assess
    expect(event).toMatchObject({
      detailType: 'FaultCleared',
      detail: {
        hostAlarmId: hostAlarmOf(raised).id,
        instances: instancesOf(raised),
        clearedAt: nowFor(up),
        transitionSeq: 2,
      },
    });
    expect(faultCleared.strict().parse(event?.detail)).toEqual(event?.detail);
  });

  it('announces nothing for a record without a transition', () => {
    expect(faultEventOf(recordOf(replay([heartbeat('boot-1', 1)])))).toBeUndefined();
  });
});

describe('Fault record: needsRepublish()', () => {
  const INVOCATION_MS = 10_000;
  const transitionAt = Date.parse(nowFor(down));
  const at = (ms: number) => new Date(transitionAt + ms);
  const publishBy = new Date(transitionAt + INVOCATION_MS).toISOString();
  const withMarks = (marks: Partial<FaultRecord>): FaultRecord => ({ ...raised, publishBy, ...marks });

  it('is false once the transition is published, however late', () => {
    expect(needsRepublish(withMarks({ publishedSeq: 1 }), at(10 * INVOCATION_MS))).toBe(false);
  });

  it('is true at once when the publisher of this transition reported a failure', () => {
    expect(needsRepublish(withMarks({ publishFailedSeq: 1 }), at(0))).toBe(true);
  });

  it.each([
    [0, false],
    [INVOCATION_MS, false],
    [INVOCATION_MS + 1, true],
  ])(
    'leaves an unpublished transition to its publisher until its invocation is over (%d ms later: %p)',
    (ms, expected) => {
      expect(needsRepublish(withMarks({}), at(ms))).toBe(expected);
    },
  );

  it('does not take a failure of an earlier transition for a failure of this one', () => {
    // Prepare
    const record = { ...cleared, publishBy, publishedSeq: 1, publishFailedSeq: 1 };

    // Act and assess
    expect(needsRepublish(record, at(0))).toBe(false);
    expect(needsRepublish(record, at(2 * INVOCATION_MS))).toBe(true);
  });

  it('is false for a record without a transition', () => {
    expect(needsRepublish(recordOf(replay([heartbeat('boot-1', 1)])), at(10 * INVOCATION_MS))).toBe(false);
  });
});
