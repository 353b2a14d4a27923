import type { CallbackSubscription } from '../../../../lib/notifier/callbacks/callback-subscription';
import {
  nextAttemptAt,
  type PendingDelivery,
  type RetrySchedule,
} from '../../../../lib/notifier/callbacks/pending-delivery';
import { RetryCallbacks } from '../../../../lib/notifier/callbacks/retry-callbacks';
import { alarmListRebuiltOf } from '../../../../lib/notifier/vnffm/fm-notification';
import {
  InMemoryCallbackSubscriptions,
  InMemoryPendingDeliveries,
  RecordingCallbacks,
  RecordingDeadLetters,
} from '../../../support/in-memory-callback-ports';
import { callbackSubscription, LINKS } from '../builders';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const SCHEDULE: RetrySchedule = { baseDelayS: 30, maxDelayS: 300, maxAttempts: 4 };
const BASIC = { authType: ['BASIC' as const], paramsBasic: { userName: 'vnfm', password: 's3cret' } };

/** The ISO time `seconds` after the sweep's now (before it when negative). */
const secondsAfterNow = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();

const SOL003 = callbackSubscription({ callbackUri: 'https://vnfm-a.example.com/n', authentication: BASIC });
const AODH = callbackSubscription({ format: 'aodh', callbackUri: 'https://app-manager-a.example.com/alarm' });

/** A notification copy for `subscription` that failed `attempts` times and is due now. */
function delivery(
  id: string,
  subscription: CallbackSubscription,
  more: Partial<PendingDelivery> = {},
): PendingDelivery {
  return {
    id,
    kind: 'notification',
    tenantId: subscription.tenantId,
    subscriptionId: subscription.id,
    body: { id, notificationType: 'AlarmNotification' },
    attempts: 1,
    nextAttemptAt: secondsAfterNow(-1),
    firstFailedAt: secondsAfterNow(-60),
    lastError: 'answered 503',
    ...more,
  };
}

function retryScene(...deliveries: PendingDelivery[]) {
  const subscriptions = new InMemoryCallbackSubscriptions(SOL003, AODH);
  const callbacks = new RecordingCallbacks();
  const pending = new InMemoryPendingDeliveries(...deliveries);
  const deadLetters = new RecordingDeadLetters();
  const retry = new RetryCallbacks({
    subscriptions,
    callbacks,
    pending,
    deadLetters,
    links: LINKS,
    schedule: SCHEDULE,
    clock: () => NOW,
  });
  return { retry, subscriptions, callbacks, pending, deadLetters };
}

const NONE = { delivered: 0, failed: 0, 'dead-lettered': 0, 'subscription-gone': 0 };

describe('Function: nextAttemptAt (the retry schedule)', () => {
  it.each([
    [1, '2026-03-01T12:00:30.000Z'],
    [2, '2026-03-01T12:01:00.000Z'],
    [3, '2026-03-01T12:02:00.000Z'],
    [4, '2026-03-01T12:04:00.000Z'],
    [5, '2026-03-01T12:05:00.000Z'],
    [40, '2026-03-01T12:05:00.000Z'],
  ])('after %i failed attempts, waits the base delay doubled each time, up to the maximum: %s', (attempts, due) => {
    // Assess
    expect(nextAttemptAt(NOW, attempts, SCHEDULE)).toBe(due);
  });

  it('waits the base delay when no attempt failed yet', () => {
    // Assess
    expect(nextAttemptAt(NOW, 0, SCHEDULE)).toBe('2026-03-01T12:00:30.000Z');
  });
});

describe('Use case: callback retries (RetryCallbacks)', () => {
  describe('retryDue', () => {
    it('POSTs every due delivery again, with its body and its subscription’s authentication, and removes the delivered ones', async () => {
      // Prepare
      const first = delivery('d-1', SOL003);
      const second = delivery('d-2', AODH, { attempts: 2 });
      const { retry, callbacks, pending } = retryScene(first, second);

      // Act
      const counts = await retry.retryDue();

      // Assess
      expect(counts).toEqual({ ...NONE, delivered: 2 });
      expect(callbacks.posted).toEqual([
        { uri: SOL003.callbackUri, body: first.body, authentication: BASIC },
        { uri: AODH.callbackUri, body: second.body, authentication: undefined },
      ]);
      expect(pending.items.size).toBe(0);
    });

    it('leaves a delivery that is not due yet alone', async () => {
      // Prepare
      const later = delivery('d-later', SOL003, { nextAttemptAt: secondsAfterNow(10) });
      const { retry, callbacks, pending } = retryScene(later);

      // Act
      const counts = await retry.retryDue();

      // Assess
      expect(counts).toEqual(NONE);
      expect(callbacks.posted).toEqual([]);
      expect(pending.items.get('d-later')).toEqual(later);
    });

    it('takes a delivery due exactly now as due', async () => {
      // Prepare
      const { retry } = retryScene(delivery('d-1', SOL003, { nextAttemptAt: NOW.toISOString() }));

      // Act
      const counts = await retry.retryDue();

      // Assess
      expect(counts.delivered).toBe(1);
    });

    it('keeps a delivery that fails again, waiting twice as long as before, with the new error', async () => {
      // Prepare
      const { retry, callbacks, pending } = retryScene(delivery('d-1', SOL003, { attempts: 2 }));
      callbacks.failing.set(SOL003.callbackUri, 'no answer within 2000 ms');

      // Act
      const counts = await retry.retryDue();

      // Assess
      expect(counts).toEqual({ ...NONE, failed: 1 });
      expect(pending.items.get('d-1')).toEqual(
        delivery('d-1', SOL003, {
          attempts: 3,
          nextAttemptAt: secondsAfterNow(120),
          lastError: 'no answer within 2000 ms',
        }),
      );
    });

    it('doubles the wait after each failure, up to maxDelayS', async () => {
      // Prepare: a rebuild delivery is never dead-lettered, so it keeps failing.
      const { retry, callbacks, pending } = retryScene(delivery('d-1', SOL003, { kind: 'rebuild', attempts: 0 }));
      callbacks.failing.set(SOL003.callbackUri, 'answered 500');
      const waits: number[] = [];

      // Act
      for (let sweep = 0; sweep < 6; sweep++) {
        await retry.retryDue();
        const kept = pending.items.get('d-1') as PendingDelivery;
        waits.push((Date.parse(kept.nextAttemptAt) - NOW.getTime()) / 1000);
        await pending.put({ ...kept, nextAttemptAt: NOW.toISOString() });
      }

      // Assess
      expect(waits).toEqual([30, 60, 120, 240, 300, 300]);
    });

    it('dead-letters a notification whose attempts ran out, and owes its SOL 003 subscriber one AlarmListRebuiltNotification', async () => {
      // Prepare
      const lost = delivery('d-1', SOL003, { attempts: SCHEDULE.maxAttempts - 1 });
      const { retry, callbacks, pending, deadLetters } = retryScene(lost);
      callbacks.failing.set(SOL003.callbackUri, 'answered 500');

      // Act
      const counts = await retry.retryDue();

      // Assess
      expect(counts).toEqual({ ...NONE, 'dead-lettered': 1 });
      expect(deadLetters.sent).toEqual([{ ...lost, attempts: SCHEDULE.maxAttempts, lastError: 'answered 500' }]);
      expect([...pending.items.values()]).toEqual([
        {
          id: `rebuild|${SOL003.id}`,
          kind: 'rebuild',
          tenantId: 'tenant-a',
          subscriptionId: SOL003.id,
          body: alarmListRebuiltOf(SOL003.id, 'd-1', NOW, LINKS),
          attempts: 0,
          nextAttemptAt: NOW.toISOString(),
          firstFailedAt: NOW.toISOString(),
        },
      ]);
    });

    it('owes a subscriber that lost several notifications a single AlarmListRebuiltNotification', async () => {
      // Prepare
      const last = SCHEDULE.maxAttempts - 1;
      const { retry, callbacks, pending, deadLetters } = retryScene(
        delivery('d-1', SOL003, { attempts: last }),
        delivery('d-2', SOL003, { attempts: last }),
        delivery('d-3', SOL003, { attempts: last }),
      );
      callbacks.failing.set(SOL003.callbackUri, 'answered 500');

      // Act
      const counts = await retry.retryDue();

      // Assess
      expect(counts).toEqual({ ...NONE, 'dead-lettered': 3 });
      expect(deadLetters.sent.map((d) => d.id).sort()).toEqual(['d-1', 'd-2', 'd-3']);
      expect([...pending.items.values()]).toEqual([
        expect.objectContaining({ kind: 'rebuild', subscriptionId: SOL003.id }),
      ]);
    });

    it('delivers the AlarmListRebuiltNotification owed on the next sweep', async () => {
      // Prepare
      const { retry, callbacks, pending } = retryScene(delivery('d-1', SOL003, { attempts: SCHEDULE.maxAttempts - 1 }));
      callbacks.failing.set(SOL003.callbackUri, 'answered 500');
      await retry.retryDue();
      callbacks.failing.clear();

      // Act
      const counts = await retry.retryDue();

      // Assess
      expect(counts).toEqual({ ...NONE, delivered: 1 });
      expect(callbacks.posted.at(-1)?.body).toEqual(alarmListRebuiltOf(SOL003.id, 'd-1', NOW, LINKS));
      expect(pending.items.size).toBe(0);
    });

    it('dead-letters an Aodh-format notification without owing an AlarmListRebuiltNotification', async () => {
      // Prepare
      const lost = delivery('d-1', AODH, { attempts: SCHEDULE.maxAttempts - 1 });
      const { retry, callbacks, pending, deadLetters } = retryScene(lost);
      callbacks.failing.set(AODH.callbackUri, 'answered 500');

      // Act
      const counts = await retry.retryDue();

      // Assess
      expect(counts).toEqual({ ...NONE, 'dead-lettered': 1 });
      expect(deadLetters.sent.map((d) => d.id)).toEqual(['d-1']);
      expect(pending.items.size).toBe(0);
    });

    it('never dead-letters a rebuild delivery: it is tried until it is taken', async () => {
      // Prepare
      const rebuild = delivery(`rebuild|${SOL003.id}`, SOL003, { kind: 'rebuild', attempts: 25 });
      const { retry, callbacks, pending, deadLetters } = retryScene(rebuild);
      callbacks.failing.set(SOL003.callbackUri, 'answered 500');

      // Act
      const counts = await retry.retryDue();

      // Assess
      expect(counts).toEqual({ ...NONE, failed: 1 });
      expect(deadLetters.sent).toEqual([]);
      expect(pending.items.get(rebuild.id)).toMatchObject({
        attempts: 26,
        nextAttemptAt: secondsAfterNow(SCHEDULE.maxDelayS),
      });
    });

    it('drops a delivery whose subscription was deleted, without POSTing it', async () => {
      // Prepare
      const { retry, callbacks, pending, subscriptions, deadLetters } = retryScene(
        delivery('d-1', SOL003, { attempts: SCHEDULE.maxAttempts - 1 }),
      );
      await subscriptions.delete(SOL003.tenantId, SOL003.id);

      // Act
      const counts = await retry.retryDue();

      // Assess
      expect(counts).toEqual({ ...NONE, 'subscription-gone': 1 });
      expect(callbacks.posted).toEqual([]);
      expect(pending.items.size).toBe(0);
      expect(deadLetters.sent).toEqual([]);
    });

    it('counts each outcome of a sweep', async () => {
      // Prepare
      const gone = callbackSubscription({ callbackUri: 'https://gone.example.com/n' });
      const { retry, callbacks } = retryScene(
        delivery('ok', AODH),
        delivery('fails', SOL003, { attempts: 1 }),
        delivery('runs-out', SOL003, { attempts: SCHEDULE.maxAttempts - 1 }),
        delivery('gone', gone),
      );
      callbacks.failing.set(SOL003.callbackUri, 'answered 500');

      // Act
      const counts = await retry.retryDue();

      // Assess
      expect(counts).toEqual({ delivered: 1, failed: 1, 'dead-lettered': 1, 'subscription-gone': 1 });
    });
  });

  describe('requeue (re-driven dead letters)', () => {
    it('tries the deliveries at once, with their attempts counted afresh', async () => {
      // Prepare
      const deadLettered = delivery('d-1', SOL003, {
        attempts: SCHEDULE.maxAttempts,
        nextAttemptAt: secondsAfterNow(3600),
      });
      const { retry, callbacks, pending } = retryScene();

      // Act
      const counts = await retry.requeue([deadLettered]);

      // Assess
      expect(counts).toEqual({ ...NONE, delivered: 1 });
      expect(callbacks.posted.map((p) => p.body)).toEqual([deadLettered.body]);
      expect(pending.items.size).toBe(0);
    });

    it('keeps a re-driven delivery that fails again as after its first attempt', async () => {
      // Prepare
      const deadLettered = delivery('d-1', SOL003, { attempts: SCHEDULE.maxAttempts });
      const { retry, callbacks, pending, deadLetters } = retryScene();
      callbacks.failing.set(SOL003.callbackUri, 'still down');

      // Act
      const counts = await retry.requeue([deadLettered]);

      // Assess
      expect(counts).toEqual({ ...NONE, failed: 1 });
      expect(deadLetters.sent).toEqual([]);
      expect(pending.items.get('d-1')).toMatchObject({
        attempts: 1,
        nextAttemptAt: secondsAfterNow(SCHEDULE.baseDelayS),
        lastError: 'still down',
      });
    });
  });
});
