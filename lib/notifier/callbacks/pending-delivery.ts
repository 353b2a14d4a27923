import { z } from 'zod';

/**
 * A notification a callback has not taken yet: its body as it will be POSTed, the attempts made
 * and when the next is due. A `rebuild` delivery is the AlarmListRebuiltNotification owed to a
 * subscriber that lost notifications: it is tried until it is taken or the subscription ends.
 */
export const pendingDelivery = z.object({
  id: z.string(),
  kind: z.enum(['notification', 'rebuild']),
  tenantId: z.string(),
  subscriptionId: z.string(),
  body: z.unknown(),
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: z.string(),
  firstFailedAt: z.string(),
  lastError: z.string().optional(),
});

export type PendingDelivery = z.infer<typeof pendingDelivery>;

export interface RetrySchedule {
  /** The wait after the first failed attempt; each next one doubles it, up to `maxDelayS`. */
  baseDelayS: number;
  maxDelayS: number;
  /** Attempts of a notification (the first included) before it is dead-lettered. */
  maxAttempts: number;
}

/** When the attempt after `attempts` failed ones is due. */
export function nextAttemptAt(now: Date, attempts: number, schedule: RetrySchedule): string {
  const delayS = Math.min(schedule.baseDelayS * 2 ** Math.max(0, attempts - 1), schedule.maxDelayS);
  return new Date(now.getTime() + delayS * 1000).toISOString();
}
