import { v5 as uuidv5 } from 'uuid';
import { faultNotification, type FaultNotification } from '../../contracts/etsi-alarm';
import type { AlarmView } from '../alarm-query';
import type { AlarmViewStore } from '../ports';
import { notificationIdFor, passesFmFilter, sol003NotificationOf } from '../vnffm/fm-notification';
import type { VnffmLinks } from '../vnffm/vnffm-links';
import type { CallbackSubscription } from './callback-subscription';
import { nextAttemptAt, type RetrySchedule } from './pending-delivery';
import type { CallbackSubscriptionStore, Callbacks, PendingDeliveries } from './ports';

const CONTENT_ID_NAMESPACE = 'c2b5a3de-4f8e-4a8b-9a43-51e3bb1c6f0e';

/** The Aodh event-alarm body of a notification for a subscription, or undefined when it has none. */
export type AodhBodyOf = (notification: unknown, subscription: { id: string; tenantId: string }, now: Date) => unknown;

export interface DispatchDeps {
  subscriptions: CallbackSubscriptionStore;
  callbacks: Callbacks;
  pending: PendingDeliveries;
  /** The alarms, for the alarm a clear ends (its filterable fields) and an alarm's acknowledgement. */
  alarms: AlarmViewStore;
  aodhBodyOf: AodhBodyOf;
  links: VnffmLinks;
  schedule: RetrySchedule;
  clock: () => Date;
}

export interface DispatchReport {
  delivered: number;
  /** Kept to be tried again (PendingDeliveries). */
  failed: number;
}

/**
 * The callback dispatcher: a notification published to a project's topic, POSTed to each of
 * that project's callback subscriptions that wants it, all at once, in the subscription's
 * format. A callback that fails or times out delays no other: its copy is kept and tried again
 * on the retry schedule. Nothing here is on the correlator's path: the dispatcher reads the
 * topics the correlator publishes to.
 */
export class DispatchCallbacks {
  constructor(private readonly deps: DispatchDeps) {}

  async dispatch(tenantId: string, notification: unknown): Promise<DispatchReport> {
    const subscriptions = await this.deps.subscriptions.list(tenantId);
    if (subscriptions.length === 0) return { delivered: 0, failed: 0 };
    const now = this.deps.clock();
    const fault = faultNotification.safeParse(notification);
    const alarm = fault.success ? await this.alarmOf(tenantId, fault.data) : undefined;
    const sourceId = sourceIdOf(notification);
    const copies = subscriptions.flatMap((s) => {
      const body = this.bodyFor(s, notification, fault.success ? fault.data : undefined, alarm, now);
      return body === undefined ? [] : [{ subscription: s, body, id: notificationIdFor(sourceId, s.id) }];
    });
    const results = await Promise.all(
      copies.map((c) => this.deps.callbacks.post(c.subscription.callbackUri, c.body, c.subscription.authentication)),
    );
    let failed = 0;
    await Promise.all(
      results.map((result, i) => {
        const copy = copies[i] as (typeof copies)[number];
        if (result.ok) return undefined;
        failed += 1;
        return this.deps.pending.put({
          id: copy.id,
          kind: 'notification',
          tenantId,
          subscriptionId: copy.subscription.id,
          body: copy.body,
          attempts: 1,
          nextAttemptAt: nextAttemptAt(now, 1, this.deps.schedule),
          firstFailedAt: now.toISOString(),
          lastError: result.reason,
        });
      }),
    );
    return { delivered: copies.length - failed, failed };
  }

  private bodyFor(
    s: CallbackSubscription,
    notification: unknown,
    fault: FaultNotification | undefined,
    alarm: AlarmView | undefined,
    now: Date,
  ): unknown {
    if (s.format === 'aodh') return this.deps.aodhBodyOf(notification, s, now);
    if (!fault || !passesFmFilter(s.filter, fault.notificationType, alarm)) return undefined;
    return sol003NotificationOf(fault, s.id, alarm, this.deps.links);
  }

  /** The alarm a notification is about: carried by a raise, read back for a clear. */
  private async alarmOf(tenantId: string, fault: FaultNotification): Promise<AlarmView | undefined> {
    if (fault.notificationType === 'AlarmNotification') {
      // An acknowledged alarm's notification shows when it was acknowledged, which only the store knows.
      const acknowledgedAt =
        fault.alarm.ackState === 'ACKNOWLEDGED'
          ? (await this.deps.alarms.get(tenantId, fault.alarm.id))?.acknowledgedAt
          : undefined;
      return {
        alarm: fault.alarm,
        severity: fault.alarm.perceivedSeverity,
        ...(acknowledgedAt ? { acknowledgedAt } : {}),
      };
    }
    return this.deps.alarms.get(tenantId, fault.alarmId);
  }
}

/** A notification's own id, or (for one without) an id of its content, the same on a redelivery. */
function sourceIdOf(notification: unknown): string {
  const id = (notification as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : uuidv5(JSON.stringify(notification), CONTENT_ID_NAMESPACE);
}
