/** Builders shared by the notifier's unit tests: callers, alarms, notifications, subscriptions. */
import type {
  Alarm,
  AlarmClearedNotification,
  AlarmNotification,
  EventType,
  PerceivedSeverity,
} from '../../../lib/contracts/etsi-alarm';
import type { FmNotificationsFilter, SubscriptionAuthentication } from '../../../lib/contracts/sol003-fm';
import type { AlarmView } from '../../../lib/notifier/alarm-query';
import {
  callbackSubscriptionIdOf,
  type CallbackSubscription,
} from '../../../lib/notifier/callbacks/callback-subscription';
import { vnffmLinks } from '../../../lib/notifier/vnffm/vnffm-links';
import type { Caller } from '../../../lib/platform/auth/keystone-authorizer';
import { ADMIN_PROJECT, VIM } from '../inspector/builders';

export { ADMIN_PROJECT, VIM };

// ---- callers ---------------------------------------------------------------------------------

export const member = (projectId: string): Caller => ({
  userId: `user-of-${projectId}`,
  projectId,
  roles: ['member'],
  isAdmin: false,
});
export const TENANT_A = member('tenant-a');
export const TENANT_B = member('tenant-b');
export const ADMIN: Caller = { userId: 'cloud-admin', projectId: ADMIN_PROJECT, roles: ['admin'], isAdmin: true };

// ---- links -----------------------------------------------------------------------------------

export const API_URL = 'https://doctor.example.com';
/** The SOL 003 resources' root, as the links show it. */
export const VNFFM = `${API_URL}/vnffm/v1`;
export const LINKS = vnffmLinks(API_URL);

// ---- time ------------------------------------------------------------------------------------

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
/** The ISO time `minutes` after the tests' epoch (before it when negative). */
export const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

// ---- alarms ----------------------------------------------------------------------------------

export interface AlarmSpec {
  /** The alarmed object: an instance, or the host itself for a host alarm. */
  managedObjectId?: string;
  tenantId?: string;
  /** The faulty resource: the host the fault is on. */
  host?: string;
  /** A host alarm is the root cause; an instance alarm is not. */
  isRootCause?: boolean;
  /** The severity the alarm was raised with. */
  severity?: Exclude<PerceivedSeverity, 'CLEARED'>;
  eventType?: EventType;
  faultType?: string;
  probableCause?: string;
  raisedAt?: number;
  /** Minutes after the epoch when the alarm cleared; absent while it is active. */
  clearedAt?: number;
  ackState?: Alarm['ackState'];
  acknowledgedAt?: string;
}

/** An alarm as the fault API keeps it: a cleared one reads CLEARED, its view keeps the raised severity. */
export function alarmView(id: string, spec: AlarmSpec = {}): AlarmView {
  const severity = spec.severity ?? 'MAJOR';
  const raised = at(spec.raisedAt ?? 0);
  const cleared = spec.clearedAt === undefined ? undefined : at(spec.clearedAt);
  const alarm: Alarm = {
    id,
    managedObjectId: spec.managedObjectId ?? 'vm-a1',
    tenantId: spec.tenantId ?? 'tenant-a',
    rootCauseFaultyResource: {
      faultyResource: { vimConnectionId: VIM, resourceId: spec.host ?? 'compute-1' },
      faultyResourceType: 'COMPUTE',
    },
    alarmRaisedTime: raised,
    ...(cleared ? { alarmChangedTime: cleared, alarmClearedTime: cleared } : {}),
    ackState: spec.ackState ?? 'UNACKNOWLEDGED',
    perceivedSeverity: cleared ? 'CLEARED' : severity,
    eventTime: cleared ?? raised,
    eventType: spec.eventType ?? 'EQUIPMENT_ALARM',
    faultType: spec.faultType ?? 'compute.host.down',
    probableCause: spec.probableCause ?? 'host down',
    isRootCause: spec.isRootCause ?? false,
    correlatedAlarmIds: [],
    faultDetails: [],
  };
  return { alarm, severity, ...(spec.acknowledgedAt ? { acknowledgedAt: spec.acknowledgedAt } : {}) };
}

/** The host alarm of `host`, kept under the administrator's project. */
export const hostAlarmView = (id: string, host: string, spec: AlarmSpec = {}): AlarmView =>
  alarmView(id, { managedObjectId: host, host, tenantId: ADMIN_PROJECT, isRootCause: true, ...spec });

// ---- notifications ---------------------------------------------------------------------------

/** What the correlator publishes when it raises (or updates) an alarm. */
export const raised = (view: AlarmView, id = `n-raise-${view.alarm.id}`): AlarmNotification => ({
  id,
  notificationType: 'AlarmNotification',
  timeStamp: view.alarm.alarmRaisedTime,
  alarm: view.alarm,
});

/** What the correlator publishes when an alarm clears: its id only. */
export const cleared = (alarmId: string, minutes = 30, id = `n-clear-${alarmId}`): AlarmClearedNotification => ({
  id,
  notificationType: 'AlarmClearedNotification',
  timeStamp: at(minutes),
  alarmId,
  alarmClearedTime: at(minutes),
});

// ---- callback subscriptions --------------------------------------------------------------------

export interface SubscriptionSpec {
  tenantId?: string;
  format?: CallbackSubscription['format'];
  callbackUri?: string;
  filter?: FmNotificationsFilter;
  authentication?: SubscriptionAuthentication;
}

/** A stored callback subscription, under the id the API would give it. */
export function callbackSubscription(spec: SubscriptionSpec = {}): CallbackSubscription {
  const tenantId = spec.tenantId ?? 'tenant-a';
  const format = spec.format ?? 'sol003';
  const callbackUri = spec.callbackUri ?? 'https://vnfm-a.example.com/notifications';
  return {
    id: callbackSubscriptionIdOf({ tenantId, format, callbackUri, filter: spec.filter }),
    tenantId,
    format,
    callbackUri,
    ...(spec.filter ? { filter: spec.filter } : {}),
    ...(spec.authentication ? { authentication: spec.authentication } : {}),
    createdAt: at(-60),
  };
}
