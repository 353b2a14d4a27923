import { z } from 'zod';
import { faultNotification, type AlarmClearedNotification, type AlarmNotification } from '../../contracts/etsi-alarm';
import {
  HOST_EVENT_TYPE,
  SESSION_EVENT_TYPE,
  TENANT_EVENT_TYPE,
  hostNotification,
  sessionNotification,
  tenantNotification,
  type HostNotification,
  type SessionNotification,
  type TenantNotification,
} from '../../contracts/fenix';
import { recoveryNotification, type RecoveryNotification } from '../../contracts/recovery-notification';

/** Where a notification came from, as SNS delivered it. */
export interface SnsDelivery {
  messageId: string;
  topicArn: string;
  /** When SNS accepted the message, ISO 8601. */
  timestamp: string;
  subject?: string;
  /**
   * The message attributes, name to value (Binary values in base64): nfvi-doctor sets
   * notificationType, eventType, perceivedSeverity, host and tenantId on fault notifications,
   * eventType and state (and tenantId or host) on maintenance notifications.
   */
  attributes: Readonly<Record<string, string>>;
}

/** A verified SNS notification, typed by what its Message is. */
export type ReceivedNotification =
  | { kind: 'alarm'; notification: AlarmNotification; sns: SnsDelivery }
  | { kind: 'alarm-cleared'; notification: AlarmClearedNotification; sns: SnsDelivery }
  /** To a tenant (`maintenance.scheduled`): a state to answer, an instance moved, or the session failed. */
  | { kind: 'maintenance'; notification: TenantNotification; sns: SnsDelivery }
  /** To the administrator (`maintenance.host`): a host went into or came out of maintenance. */
  | { kind: 'maintenance-host'; notification: HostNotification; sns: SnsDelivery }
  /** To the administrator (`maintenance.session`): a session changed state. */
  | { kind: 'maintenance-session'; notification: SessionNotification; sns: SnsDelivery }
  /** A recovery of the tenant's instances after their host died changed: its state, each instance's. */
  | { kind: 'recovery'; notification: RecoveryNotification; sns: SnsDelivery }
  /** Genuinely from SNS, but not a notification this kit knows: `message` is the raw Message. */
  | { kind: 'unrecognised'; reason: string; message: string; sns: SnsDelivery };

/**
 * Types an SNS Message: fault and recovery notifications by their `notificationType`, maintenance
 * notifications by the `eventType` attribute the maintenance workflow publishes them with.
 */
export function recogniseNotification(message: string, sns: SnsDelivery): ReceivedNotification {
  const unrecognised = (reason: string): ReceivedNotification => ({ kind: 'unrecognised', reason, message, sns });
  const invalid = (what: string, error: z.ZodError) => unrecognised(`not a valid ${what}: ${z.prettifyError(error)}`);

  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    return unrecognised('Message is not JSON');
  }
  const notificationType = (body as { notificationType?: unknown } | null)?.notificationType;
  if (notificationType === 'RecoveryNotification') {
    const parsed = recoveryNotification.safeParse(body);
    return parsed.success ? { kind: 'recovery', notification: parsed.data, sns } : invalid('recovery', parsed.error);
  }
  if (typeof body === 'object' && body !== null && 'notificationType' in body) {
    const parsed = faultNotification.safeParse(body);
    if (!parsed.success) return invalid('fault notification', parsed.error);
    const notification = parsed.data;
    return notification.notificationType === 'AlarmNotification'
      ? { kind: 'alarm', notification, sns }
      : { kind: 'alarm-cleared', notification, sns };
  }
  const { eventType } = sns.attributes;
  switch (eventType) {
    case TENANT_EVENT_TYPE: {
      const parsed = tenantNotification.safeParse(body);
      return parsed.success
        ? { kind: 'maintenance', notification: parsed.data, sns }
        : invalid(eventType, parsed.error);
    }
    case HOST_EVENT_TYPE: {
      const parsed = hostNotification.safeParse(body);
      return parsed.success
        ? { kind: 'maintenance-host', notification: parsed.data, sns }
        : invalid(eventType, parsed.error);
    }
    case SESSION_EVENT_TYPE: {
      const parsed = sessionNotification.safeParse(body);
      return parsed.success
        ? { kind: 'maintenance-session', notification: parsed.data, sns }
        : invalid(eventType, parsed.error);
    }
    default:
      return unrecognised(
        `no notificationType, and the eventType attribute (${eventType ?? 'absent'}) is not a maintenance event type`,
      );
  }
}
