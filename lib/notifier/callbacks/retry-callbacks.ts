import { mapSettled, valuesOrFirstFailure } from '../../platform/map-settled';
import { alarmListRebuiltOf } from '../vnffm/fm-notification';
import type { VnffmLinks } from '../vnffm/vnffm-links';
import { nextAttemptAt, type PendingDelivery, type RetrySchedule } from './pending-delivery';
import type { CallbackSubscriptionStore, Callbacks, DeliveryDeadLetters, PendingDeliveries } from './ports';

/** Retries in flight: a sweep after an outage must not open a connection per pending delivery. */
const RETRIES_IN_FLIGHT = 16;

export interface RetryDeps {
  subscriptions: CallbackSubscriptionStore;
  callbacks: Callbacks;
  pending: PendingDeliveries;
  deadLetters: DeliveryDeadLetters;
  links: VnffmLinks;
  schedule: RetrySchedule;
  clock: () => Date;
}

export type RetryOutcome = 'delivered' | 'failed' | 'dead-lettered' | 'subscription-gone';

/**
 * The callback retries (scheduled): every pending delivery that is due is POSTed again. One
 * that fails waits twice as long as before; a notification whose attempts ran out goes to the
 * dead letters, where the operator sees and re-drives it, and its SOL 003 subscriber is owed
 * an AlarmListRebuiltNotification, tried until it is taken. A delivery whose subscription was
 * deleted meanwhile is dropped: its consumer asked for nothing more.
 */
export class RetryCallbacks {
  constructor(private readonly deps: RetryDeps) {}

  async retryDue(): Promise<Record<RetryOutcome, number>> {
    const now = this.deps.clock();
    const due = await this.deps.pending.due(now);
    const outcomes = valuesOrFirstFailure(await mapSettled(due, RETRIES_IN_FLIGHT, (d) => this.retry(d, now)));
    const counts: Record<RetryOutcome, number> = {
      delivered: 0,
      failed: 0,
      'dead-lettered': 0,
      'subscription-gone': 0,
    };
    for (const outcome of outcomes) counts[outcome] += 1;
    return counts;
  }

  /** Re-driven dead letters: pending again, with their attempts counted afresh, and tried now. */
  async requeue(deliveries: readonly PendingDelivery[]): Promise<Record<RetryOutcome, number>> {
    const now = this.deps.clock().toISOString();
    await Promise.all(deliveries.map((d) => this.deps.pending.put({ ...d, attempts: 0, nextAttemptAt: now })));
    return this.retryDue();
  }

  private async retry(d: PendingDelivery, now: Date): Promise<RetryOutcome> {
    const subscription = await this.deps.subscriptions.get(d.tenantId, d.subscriptionId);
    if (!subscription) {
      await this.deps.pending.delete(d.id);
      return 'subscription-gone';
    }
    const result = await this.deps.callbacks.post(subscription.callbackUri, d.body, subscription.authentication);
    if (result.ok) {
      await this.deps.pending.delete(d.id);
      return 'delivered';
    }
    const attempts = d.attempts + 1;
    const failed = { ...d, attempts, lastError: result.reason };
    if (d.kind === 'notification' && attempts >= this.deps.schedule.maxAttempts) {
      await this.deps.deadLetters.send(failed);
      if (subscription.format === 'sol003') await this.deps.pending.put(this.rebuildOwed(d, now));
      await this.deps.pending.delete(d.id);
      return 'dead-lettered';
    }
    await this.deps.pending.put({ ...failed, nextAttemptAt: nextAttemptAt(now, attempts, this.deps.schedule) });
    return 'failed';
  }

  /** One AlarmListRebuiltNotification owed per subscription, however many notifications it lost. */
  private rebuildOwed(lost: PendingDelivery, now: Date): PendingDelivery {
    return {
      id: `rebuild|${lost.subscriptionId}`,
      kind: 'rebuild',
      tenantId: lost.tenantId,
      subscriptionId: lost.subscriptionId,
      body: alarmListRebuiltOf(lost.subscriptionId, lost.id, now, this.deps.links),
      attempts: 0,
      nextAttemptAt: now.toISOString(),
      firstFailedAt: now.toISOString(),
    };
  }
}
