import { z } from 'zod';

/**
 * Recovery notifications (nfvi-doctor's own, beside the ETSI alarms): how a tenant's instances
 * of a dead host are being recovered, told to the tenant and the administrator, and read from
 * the fault API (GET /v1/recoveries).
 */

/** The event type of recovery notifications (SNS message attribute eventType). */
export const RECOVERY_EVENT_TYPE = 'recovery';

export const instanceRecoveryState = z.enum(['WAITING', 'RECOVERING', 'RECOVERED', 'FAILED', 'LEFT_TO_TENANT']);
export type InstanceRecoveryState = z.infer<typeof instanceRecoveryState>;

/**
 * A recovery's state, for one tenant's instances of one dead host:
 * GRACE (the tenant may act or answer first) -> WAITING_FOR_FENCING (evacuation needs the host
 * powered off) / WAITING_FOR_HOST (restart needs it back) -> RECOVERING -> DONE, or FAILED
 * (an instance could not be recovered), or DECLINED (the tenant answered that it recovers itself).
 */
export const recoveryState = z.enum([
  'GRACE',
  'WAITING_FOR_FENCING',
  'WAITING_FOR_HOST',
  'RECOVERING',
  'DONE',
  'FAILED',
  'DECLINED',
]);
export type RecoveryState = z.infer<typeof recoveryState>;

export const instanceRecovery = z.object({
  instanceId: z.string(),
  name: z.string(),
  policy: z.enum(['evacuate', 'restart']),
  /** Where the policy came from: the instance's metadata, its tenant's policy, or the stage default. */
  policySource: z.enum(['instance', 'tenant', 'default']),
  state: instanceRecoveryState,
  attempts: z.number().int().nonnegative(),
  startedAt: z.string().optional(),
  doneAt: z.string().optional(),
  /** The host the instance is on as last seen (another one once evacuated). */
  host: z.string().nullable(),
  note: z.string().optional(),
});
export type InstanceRecovery = z.infer<typeof instanceRecovery>;

export const recoveryAnswer = z.enum(['PROCEED', 'DECLINE']);
export type RecoveryAnswer = z.infer<typeof recoveryAnswer>;

/** What the tenant sees of its recovery (the API's body and the notifications' payload). */
export const recoveryViewSchema = z.object({
  recoveryId: z.string(),
  tenantId: z.string(),
  host: z.string(),
  /** The host-down alarm this recovery follows: the tenant's instance alarms correlate to it. */
  hostAlarmId: z.string(),
  createdAt: z.string(),
  graceUntil: z.string(),
  state: recoveryState,
  answer: z.object({ answer: recoveryAnswer, answeredAt: z.string() }).optional(),
  fencedAt: z.string().optional(),
  hostBackAt: z.string().optional(),
  instances: z.array(instanceRecovery),
  history: z.array(z.object({ at: z.string(), state: recoveryState, note: z.string() })),
});
export type RecoveryView = z.infer<typeof recoveryViewSchema>;

export const recoveryNotification = z.object({
  id: z.string(),
  notificationType: z.literal('RecoveryNotification'),
  timeStamp: z.string(),
  recovery: recoveryViewSchema,
  /** Where the tenant answers (PUT {answer}), while it may. */
  replyUrl: z.string().optional(),
  allowedAnswers: z.array(recoveryAnswer),
});
export type RecoveryNotification = z.infer<typeof recoveryNotification>;
