import type { TenantNotification } from '../../../../lib/contracts/fenix';
import type { CallbackSubscription } from '../../../../lib/notifier/callbacks/callback-subscription';
import { DispatchCallbacks, type AodhBodyOf } from '../../../../lib/notifier/callbacks/dispatch-callbacks';
import type { RetrySchedule } from '../../../../lib/notifier/callbacks/pending-delivery';
import { notificationIdFor, sol003NotificationOf } from '../../../../lib/notifier/vnffm/fm-notification';
import { InMemoryAlarmViews } from '../../../support/in-memory-alarm-views';
import {
  InMemoryCallbackSubscriptions,
  InMemoryPendingDeliveries,
  RecordingCallbacks,
} from '../../../support/in-memory-callback-ports';
import { alarmView, callbackSubscription, cleared, LINKS, raised } from '../builders';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const SCHEDULE: RetrySchedule = { baseDelayS: 30, maxDelayS: 600, maxAttempts: 4 };
const BASIC = { authType: ['BASIC' as const], paramsBasic: { userName: 'vnfm', password: 's3cret' } };

// tenant-a's subscriptions: every fault, CRITICAL ones only, and an Aodh-format one; tenant-b's: every fault.
const A_ALL = callbackSubscription({ callbackUri: 'https://vnfm-a.example.com/all', authentication: BASIC });
const A_CRITICAL = callbackSubscription({
  callbackUri: 'https://vnfm-a.example.com/critical',
  filter: { perceivedSeverities: ['CRITICAL'] },
});
const A_AODH = callbackSubscription({ format: 'aodh', callbackUri: 'https://app-manager-a.example.com/alarm' });
const B_ALL = callbackSubscription({ tenantId: 'tenant-b', callbackUri: 'https://vnfm-b.example.com/all' });

// tenant-a's alarms: a-1 CRITICAL (cleared since), a-2 MINOR; tenant-b's b-1 CRITICAL.
const A1 = alarmView('a-1', { severity: 'CRITICAL', clearedAt: 30 });
const A2 = alarmView('a-2', { severity: 'MINOR' });
const B1 = alarmView('b-1', { tenantId: 'tenant-b', managedObjectId: 'vm-b1', severity: 'CRITICAL' });
const A1_RAISED = alarmView('a-1', { severity: 'CRITICAL' });

/** What the maintenance workflow tells a tenant: no fault notification, and with no id of its own. */
const maintenance = {
  service: 'nfvi-doctor',
  session_id: 'session-1',
  project_id: 'tenant-a',
  reply_url: 'https://doctor.example.com/v1/maintenance/session-1/tenant-a',
  metadata: {},
  state: 'PREPARE_MAINTENANCE',
  instance_ids: 'https://doctor.example.com/v1/maintenance/session-1/tenant-a',
  allowed_actions: ['MIGRATE'],
  actions_at: '2026-03-01T13:00:00.000Z',
  reply_at: '2026-03-01T12:30:00.000Z',
} as unknown as TenantNotification;

/** The Aodh body stand-in: a marker naming the notification and subscription it was made for. */
const aodhMarker = (notification: unknown, subscription: { id: string }) => ({
  aodhBodyFor: (notification as { id?: string }).id ?? 'a notification without id',
  subscription: subscription.id,
});

function dispatchScene(subscriptions: CallbackSubscription[] = [A_ALL, A_CRITICAL, A_AODH, B_ALL]) {
  const store = new InMemoryCallbackSubscriptions(...subscriptions);
  const callbacks = new RecordingCallbacks();
  const pending = new InMemoryPendingDeliveries();
  const alarms = new InMemoryAlarmViews(A1, A2, B1);
  const aodhBodyOf = jest.fn<ReturnType<AodhBodyOf>, Parameters<AodhBodyOf>>(aodhMarker);
  const dispatcher = new DispatchCallbacks({
    subscriptions: store,
    callbacks,
    pending,
    alarms,
    aodhBodyOf,
    links: LINKS,
    schedule: SCHEDULE,
    clock: () => NOW,
  });
  return { dispatcher, callbacks, pending, alarms, aodhBodyOf };
}

const urisOf = (callbacks: RecordingCallbacks) => callbacks.posted.map((p) => p.uri).sort();

describe('Use case: the callback dispatcher (DispatchCallbacks)', () => {
  describe('who is told', () => {
    it("POSTs a project's notification to that project's subscriptions only", async () => {
      // Prepare
      const { dispatcher, callbacks } = dispatchScene();

      // Act
      const report = await dispatcher.dispatch('tenant-a', raised(A1_RAISED));

      // Assess
      expect(report).toEqual({ delivered: 3, failed: 0 });
      expect(urisOf(callbacks)).toEqual([A_AODH.callbackUri, A_ALL.callbackUri, A_CRITICAL.callbackUri].sort());
      expect(callbacks.bodiesTo(B_ALL.callbackUri)).toEqual([]);
    });

    it("never POSTs another project's notification to a tenant", async () => {
      // Prepare
      const { dispatcher, callbacks } = dispatchScene();

      // Act
      const report = await dispatcher.dispatch('tenant-b', raised(B1));

      // Assess
      expect(report).toEqual({ delivered: 1, failed: 0 });
      expect(urisOf(callbacks)).toEqual([B_ALL.callbackUri]);
    });

    it('does nothing, reading no alarm, for a project without subscriptions', async () => {
      // Prepare
      const { dispatcher, callbacks, alarms } = dispatchScene();
      const get = jest.spyOn(alarms, 'get');

      // Act
      const report = await dispatcher.dispatch('tenant-c', cleared('c-1'));

      // Assess
      expect(report).toEqual({ delivered: 0, failed: 0 });
      expect(callbacks.posted).toEqual([]);
      expect(get).not.toHaveBeenCalled();
    });
  });

  describe('what each subscription is sent', () => {
    it("sends a SOL 003 subscription the notification in SOL 003's shape, with its own id, and its authentication", async () => {
      // Prepare
      const { dispatcher, callbacks } = dispatchScene();
      const notification = raised(A1_RAISED);

      // Act
      await dispatcher.dispatch('tenant-a', notification);

      // Assess
      expect(callbacks.posted.find((p) => p.uri === A_ALL.callbackUri)).toEqual({
        uri: A_ALL.callbackUri,
        body: sol003NotificationOf(notification, A_ALL.id, A1_RAISED, LINKS),
        authentication: BASIC,
      });
    });

    it("keeps from a subscription what its filter does not pass (a MINOR alarm from the CRITICAL one's)", async () => {
      // Prepare
      const { dispatcher, callbacks } = dispatchScene();

      // Act
      await dispatcher.dispatch('tenant-a', raised(A2));

      // Assess
      expect(callbacks.bodiesTo(A_ALL.callbackUri)).toHaveLength(1);
      expect(callbacks.bodiesTo(A_CRITICAL.callbackUri)).toEqual([]);
    });

    it('judges a clear by the alarm it clears, read from the alarm store', async () => {
      // Prepare
      const { dispatcher, callbacks } = dispatchScene();

      // Act
      await dispatcher.dispatch('tenant-a', cleared('a-1'));
      await dispatcher.dispatch('tenant-a', cleared('a-2'));

      // Assess: a-1 was raised CRITICAL, a-2 MINOR.
      expect(callbacks.bodiesTo(A_CRITICAL.callbackUri)).toEqual([
        expect.objectContaining({ notificationType: 'AlarmClearedNotification', alarmId: 'a-1' }),
      ]);
      expect(callbacks.bodiesTo(A_ALL.callbackUri)).toHaveLength(2);
    });

    it('reads the alarm a clear ends under the project the clear was published to', async () => {
      // Prepare
      const { dispatcher, alarms } = dispatchScene();
      const get = jest.spyOn(alarms, 'get');

      // Act
      await dispatcher.dispatch('tenant-b', cleared('b-1'));

      // Assess
      expect(get).toHaveBeenCalledWith('tenant-b', 'b-1');
    });

    it('sends an Aodh-format subscription the body aodhBodyOf makes for it', async () => {
      // Prepare
      const { dispatcher, callbacks, aodhBodyOf } = dispatchScene();
      const notification = raised(A1_RAISED);

      // Act
      await dispatcher.dispatch('tenant-a', notification);

      // Assess
      expect(aodhBodyOf).toHaveBeenCalledWith(
        notification,
        expect.objectContaining({ id: A_AODH.id, tenantId: 'tenant-a' }),
        NOW,
      );
      expect(callbacks.bodiesTo(A_AODH.callbackUri)).toEqual([aodhMarker(notification, A_AODH)]);
    });

    it('sends an Aodh-format subscription nothing when aodhBodyOf makes no body', async () => {
      // Prepare
      const { dispatcher, callbacks, aodhBodyOf } = dispatchScene();
      aodhBodyOf.mockReturnValue(undefined);

      // Act
      const report = await dispatcher.dispatch('tenant-a', cleared('a-1'));

      // Assess
      expect(callbacks.bodiesTo(A_AODH.callbackUri)).toEqual([]);
      expect(report).toEqual({ delivered: 2, failed: 0 });
    });

    it('sends a notification that is no fault notification (maintenance) to the Aodh-format subscriptions only', async () => {
      // Prepare
      const { dispatcher, callbacks } = dispatchScene();

      // Act
      const report = await dispatcher.dispatch('tenant-a', maintenance);

      // Assess
      expect(report).toEqual({ delivered: 1, failed: 0 });
      expect(callbacks.posted).toEqual([
        { uri: A_AODH.callbackUri, body: aodhMarker(maintenance, A_AODH), authentication: undefined },
      ]);
    });
  });

  describe('an acknowledged alarm', () => {
    it('shows in an AlarmNotification of an acknowledged alarm when it was acknowledged, read from the alarm store', async () => {
      // Prepare: a-2 was acknowledged at 10:05; the correlator then publishes an update of it.
      const { dispatcher, callbacks, alarms } = dispatchScene();
      await alarms.setAckState('tenant-a', 'a-2', 'ACKNOWLEDGED', '2026-03-01T10:05:00.000Z');
      const update = raised(alarmView('a-2', { severity: 'MAJOR', ackState: 'ACKNOWLEDGED' }), 'n-update');

      // Act
      await dispatcher.dispatch('tenant-a', update);

      // Assess: SOL 003 says alarmAcknowledgedTime shall be present when the alarm is acknowledged,
      // and GET /alarms/a-2 shows it.
      expect(callbacks.bodiesTo(A_ALL.callbackUri)).toEqual([
        expect.objectContaining({
          alarm: expect.objectContaining({
            ackState: 'ACKNOWLEDGED',
            alarmAcknowledgedTime: '2026-03-01T10:05:00.000Z',
          }),
        }),
      ]);
    });
  });

  describe('a callback that fails', () => {
    it('delays no other, and its copy is kept to be tried again after the base delay', async () => {
      // Prepare
      const { dispatcher, callbacks, pending } = dispatchScene();
      callbacks.failing.set(A_CRITICAL.callbackUri, `POST ${A_CRITICAL.callbackUri} answered 503`);
      const notification = raised(A1_RAISED);

      // Act
      const report = await dispatcher.dispatch('tenant-a', notification);

      // Assess
      expect(report).toEqual({ delivered: 2, failed: 1 });
      expect(urisOf(callbacks)).toEqual([A_AODH.callbackUri, A_ALL.callbackUri, A_CRITICAL.callbackUri].sort());
      expect([...pending.items.values()]).toEqual([
        {
          id: notificationIdFor(notification.id, A_CRITICAL.id),
          kind: 'notification',
          tenantId: 'tenant-a',
          subscriptionId: A_CRITICAL.id,
          body: sol003NotificationOf(notification, A_CRITICAL.id, A1_RAISED, LINKS),
          attempts: 1,
          nextAttemptAt: '2026-03-01T12:00:30.000Z',
          firstFailedAt: NOW.toISOString(),
          lastError: `POST ${A_CRITICAL.callbackUri} answered 503`,
        },
      ]);
    });

    it('keeps a failed Aodh-format copy with the Aodh body', async () => {
      // Prepare
      const { dispatcher, callbacks, pending } = dispatchScene();
      callbacks.failing.set(A_AODH.callbackUri, 'no answer within 2000 ms');

      // Act
      await dispatcher.dispatch('tenant-a', maintenance);

      // Assess
      expect([...pending.items.values()]).toEqual([
        expect.objectContaining({ subscriptionId: A_AODH.id, body: aodhMarker(maintenance, A_AODH), attempts: 1 }),
      ]);
    });

    it('gives a redelivered notification the same copy ids, so that it is kept once and the consumer can tell', async () => {
      // Prepare
      const { dispatcher, callbacks, pending } = dispatchScene();
      callbacks.failing.set(A_CRITICAL.callbackUri, 'answered 500');
      const notification = raised(A1_RAISED);

      // Act
      await dispatcher.dispatch('tenant-a', notification);
      await dispatcher.dispatch('tenant-a', structuredClone(notification));

      // Assess
      const [first, second] = callbacks.bodiesTo(A_ALL.callbackUri) as { id: string }[];
      expect(second?.id).toBe(first?.id);
      expect(pending.items.size).toBe(1);
    });

    it('gives a redelivered notification without an id the same copy id, from its content', async () => {
      // Prepare
      const { dispatcher, callbacks, pending } = dispatchScene();
      callbacks.failing.set(A_AODH.callbackUri, 'answered 500');

      // Act
      await dispatcher.dispatch('tenant-a', maintenance);
      const [firstId] = pending.items.keys();
      await dispatcher.dispatch('tenant-a', structuredClone(maintenance));
      await dispatcher.dispatch('tenant-a', { ...structuredClone(maintenance), state: 'MAINTENANCE_COMPLETE' });

      // Assess
      expect(pending.items.size).toBe(2);
      expect([...pending.items.keys()]).toContain(firstId);
    });
  });
});
