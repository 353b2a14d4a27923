import {
  alarmListRebuiltNotification,
  sol003AlarmClearedNotification,
  sol003AlarmNotification,
  type FmNotificationsFilter,
} from '../../../../lib/contracts/sol003-fm';
import {
  alarmListRebuiltOf,
  notificationIdFor,
  passesFmFilter,
  sol003NotificationOf,
} from '../../../../lib/notifier/vnffm/fm-notification';
import { sol003AlarmOf } from '../../../../lib/notifier/vnffm/sol003-alarm';
import { alarmView, at, cleared, LINKS, raised, VNFFM } from '../builders';

const SUBSCRIPTION = 'sub-1';
const OTHER_SUBSCRIPTION = 'sub-2';

/** A CRITICAL equipment alarm on compute-1, as the dispatcher knows it. */
const critical = alarmView('a-1', { severity: 'CRITICAL', eventType: 'EQUIPMENT_ALARM', probableCause: 'host down' });

describe('Function: passesFmFilter (whether a subscription wants a notification)', () => {
  it('passes every notification when the subscription has no filter', () => {
    // Assess
    expect(passesFmFilter(undefined, 'AlarmNotification', critical)).toBe(true);
    expect(passesFmFilter(undefined, 'AlarmListRebuiltNotification', undefined)).toBe(true);
  });

  it.each([
    [{ notificationTypes: ['AlarmNotification'] }, true],
    [{ notificationTypes: ['AlarmClearedNotification'] }, false],
    [{ faultyResourceTypes: ['COMPUTE'] }, true],
    [{ faultyResourceTypes: ['STORAGE', 'NETWORK'] }, false],
    [{ perceivedSeverities: ['MAJOR', 'CRITICAL'] }, true],
    [{ perceivedSeverities: ['MAJOR'] }, false],
    [{ eventTypes: ['EQUIPMENT_ALARM'] }, true],
    [{ eventTypes: ['QOS_ALARM'] }, false],
    [{ probableCauses: ['host down'] }, true],
    [{ probableCauses: ['disk failure'] }, false],
    [{ perceivedSeverities: ['CRITICAL'], eventTypes: ['QOS_ALARM'] }, false],
    [{ perceivedSeverities: ['CRITICAL'], eventTypes: ['EQUIPMENT_ALARM'], faultyResourceTypes: ['COMPUTE'] }, true],
  ] as [FmNotificationsFilter, boolean][])('judges a CRITICAL equipment alarm by %j: %s', (filter, passes) => {
    // Assess
    expect(passesFmFilter(filter, 'AlarmNotification', critical)).toBe(passes);
  });

  it('judges a clear by the severity its alarm was raised with, not CLEARED', () => {
    // Prepare: the alarm is cleared now: it reads CLEARED, its view keeps CRITICAL.
    const clearedAlarm = alarmView('a-1', { severity: 'CRITICAL', clearedAt: 30 });

    // Assess
    expect(clearedAlarm.alarm.perceivedSeverity).toBe('CLEARED');
    expect(passesFmFilter({ perceivedSeverities: ['CRITICAL'] }, 'AlarmClearedNotification', clearedAlarm)).toBe(true);
    expect(passesFmFilter({ perceivedSeverities: ['MINOR'] }, 'AlarmClearedNotification', clearedAlarm)).toBe(false);
  });

  it('passes a clear whose alarm is no longer known, unless its type is filtered out', () => {
    // Assess
    expect(passesFmFilter({ perceivedSeverities: ['MINOR'] }, 'AlarmClearedNotification', undefined)).toBe(true);
    expect(passesFmFilter({ notificationTypes: ['AlarmNotification'] }, 'AlarmClearedNotification', undefined)).toBe(
      false,
    );
  });

  it('judges an AlarmListRebuiltNotification by its type only', () => {
    // Prepare
    const narrow: FmNotificationsFilter = { perceivedSeverities: ['MINOR'], eventTypes: ['QOS_ALARM'] };

    // Assess
    expect(passesFmFilter(narrow, 'AlarmListRebuiltNotification', critical)).toBe(true);
    expect(
      passesFmFilter({ notificationTypes: ['AlarmNotification'] }, 'AlarmListRebuiltNotification', undefined),
    ).toBe(false);
  });
});

describe('Function: sol003NotificationOf (a notification as one subscription receives it)', () => {
  it("shows an AlarmNotification in SOL 003's shape, with the subscription's id and link", () => {
    // Prepare
    const notification = raised(critical, 'n-1');

    // Act
    const shown = sol003NotificationOf(notification, SUBSCRIPTION, critical, LINKS);

    // Assess
    expect(shown).toEqual({
      id: notificationIdFor('n-1', SUBSCRIPTION),
      notificationType: 'AlarmNotification',
      subscriptionId: SUBSCRIPTION,
      timeStamp: notification.timeStamp,
      alarm: sol003AlarmOf(critical.alarm, undefined, LINKS),
      _links: { subscription: { href: `${VNFFM}/subscriptions/${SUBSCRIPTION}` } },
    });
    expect(sol003AlarmNotification.strict().safeParse(shown).success).toBe(true);
    expect(JSON.stringify(shown)).not.toContain('tenantId');
  });

  it('shows when an acknowledged alarm was acknowledged', () => {
    // Prepare
    const acknowledged = alarmView('a-1', { ackState: 'ACKNOWLEDGED', acknowledgedAt: at(5) });

    // Act
    const shown = sol003NotificationOf(raised(acknowledged), SUBSCRIPTION, acknowledged, LINKS);

    // Assess
    expect(shown.notificationType === 'AlarmNotification' && shown.alarm.alarmAcknowledgedTime).toBe(at(5));
  });

  it('shows an AlarmClearedNotification with the alarm id, its clear time and a link to the alarm', () => {
    // Prepare
    const notification = cleared('a-1', 30, 'n-2');

    // Act
    const shown = sol003NotificationOf(notification, SUBSCRIPTION, critical, LINKS);

    // Assess
    expect(shown).toEqual({
      id: notificationIdFor('n-2', SUBSCRIPTION),
      notificationType: 'AlarmClearedNotification',
      subscriptionId: SUBSCRIPTION,
      timeStamp: at(30),
      alarmId: 'a-1',
      alarmClearedTime: at(30),
      _links: {
        subscription: { href: `${VNFFM}/subscriptions/${SUBSCRIPTION}` },
        alarm: { href: `${VNFFM}/alarms/a-1` },
      },
    });
    expect(sol003AlarmClearedNotification.strict().safeParse(shown).success).toBe(true);
  });

  it("gives each subscription's copy its own id, the same every time it is made", () => {
    // Prepare
    const notification = raised(critical, 'n-1');

    // Act
    const first = sol003NotificationOf(notification, SUBSCRIPTION, critical, LINKS);
    const again = sol003NotificationOf(structuredClone(notification), SUBSCRIPTION, critical, LINKS);
    const toOther = sol003NotificationOf(notification, OTHER_SUBSCRIPTION, critical, LINKS);
    const otherNotification = sol003NotificationOf(raised(critical, 'n-9'), SUBSCRIPTION, critical, LINKS);

    // Assess
    expect(again.id).toBe(first.id);
    expect(toOther.id).not.toBe(first.id);
    expect(otherNotification.id).not.toBe(first.id);
    expect(first.id).not.toBe('n-1');
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('Function: alarmListRebuiltOf (what a subscriber that lost notifications is told)', () => {
  const now = new Date(at(90));

  it('tells the subscription to read the alarm list again, with links to both', () => {
    // Act
    const rebuilt = alarmListRebuiltOf(SUBSCRIPTION, 'lost-1', now, LINKS);

    // Assess
    expect(rebuilt).toEqual({
      id: expect.any(String),
      notificationType: 'AlarmListRebuiltNotification',
      subscriptionId: SUBSCRIPTION,
      timeStamp: at(90),
      _links: {
        subscription: { href: `${VNFFM}/subscriptions/${SUBSCRIPTION}` },
        alarms: { href: `${VNFFM}/alarms` },
      },
    });
    expect(alarmListRebuiltNotification.strict().safeParse(rebuilt).success).toBe(true);
  });

  it('has an id of its own for the lost notification and subscription, the same on a retry', () => {
    // Act
    const first = alarmListRebuiltOf(SUBSCRIPTION, 'lost-1', now, LINKS);
    const later = alarmListRebuiltOf(SUBSCRIPTION, 'lost-1', new Date(at(95)), LINKS);
    const toOther = alarmListRebuiltOf(OTHER_SUBSCRIPTION, 'lost-1', now, LINKS);

    // Assess
    expect(later.id).toBe(first.id);
    expect(toOther.id).not.toBe(first.id);
    expect(first.id).not.toBe(notificationIdFor('lost-1', SUBSCRIPTION));
  });
});
