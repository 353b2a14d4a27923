import { parse as uuidParse, v5 as uuidv5 } from 'uuid';
import { MAX_TRAIT_TEXT, TRAIT_TYPE, type AodhEventAlarm, type AodhTrait } from '../contracts/aodh-event-alarm';
import { alarmNotification, type Alarm, type PerceivedSeverity } from '../contracts/etsi-alarm';
import { catalogueEntry, faultTypes, type FaultType } from '../contracts/fault-catalogue';
import {
  HOST_EVENT_TYPE,
  TENANT_EVENT_TYPE,
  hostNotification,
  tenantNotification,
  type HostNotification,
  type TenantNotification,
} from '../contracts/fenix';

/*
 * A notification nfvi-doctor publishes to a tenant's (or the admin) topic, written as the body
 * Aodh's REST notifier POSTs when an event alarm fires (lib/contracts/aodh-event-alarm.ts), for
 * the VNF managers written against Aodh:
 * - an instance alarm of a fault that makes nfvi-doctor reset the instance to ERROR (impact
 *   `host`) -> `compute.instance.update` with `state: error`, the event Nova emits when Doctor's
 *   inspector resets a server, which Doctor's consumer alarm (doctor_tests/alarm.py: traits.state
 *   eq error, traits.instance_id eq <id>) fires on;
 * - Fenix's `maintenance.scheduled` and `maintenance.host` -> the same event types, with the
 *   traits ceilometer's event definitions for Fenix give them (Tacker's "VNF zero impact host
 *   maintenance" guide): service, allowed_actions, instance_ids, reply_url, state, session_id,
 *   actions_at (datetime), project_id, reply_at (datetime), metadata; host, project_id,
 *   session_id, state.
 * Everything else has no Aodh equivalent: no OpenStack service emits an event for it that a
 * consumer's alarm would match (host alarms: Doctor tells the admin through its inspector, not
 * Aodh; alarm clears: an event alarm never returns to ok, and nfvi-doctor leaves the instance in
 * ERROR as Doctor does; NIC, degraded and predicted faults: Nova does not change the instance;
 * maintenance.session: Fenix has it as "not yet implemented"; recovery notifications).
 *
 * Trait values are what the consumers decode. Doctor's sample app manager and inspector run
 * `yaml.load(value.replace("u'", "'"))` on every value holding "[" or "{"; Tacker's Fenix
 * plugin `eval`s a text value starting with "[" or "{"; Fenix's own workflow reads such
 * strings with `ast.literal_eval`. So lists and dicts are written in the syntax YAML flow and a
 * Python literal share (`structuredTraitValue`), plain text never holds "[" or "{" where it is
 * free text (a reason), and every text value is at most 255 characters.
 */

/** The Aodh alarms a subscription stands for: one per kind of event, as a consumer would create them. */
export type AodhAlarmKind = 'instance-error' | 'maintenance-scheduled' | 'maintenance-host';

const INSTANCE_EVENT_TYPE = 'compute.instance.update';

/** Each kind's alarm: the event type it watches, and its query as Aodh writes it in `reason`. */
const ALARMS: Record<AodhAlarmKind, { eventType: string; query: string }> = {
  'instance-error': {
    eventType: INSTANCE_EVENT_TYPE,
    query: '[{"field": "traits.state", "op": "eq", "type": "string", "value": "error"}]',
  },
  'maintenance-scheduled': { eventType: TENANT_EVENT_TYPE, query: '[]' },
  'maintenance-host': { eventType: HOST_EVENT_TYPE, query: '[]' },
};

/** Parsed once (v5 would parse a namespace string on every call). */
const ALARM_ID_NAMESPACE = uuidParse('5b7f0d7e-3c1e-4b8e-9f0a-6a1d2c4e8b31');
const MESSAGE_ID_NAMESPACE = uuidParse('9d3c6a52-0e4b-4f57-8a9e-2f1b7c0d5e64');

type Subscription = { id: string; tenantId: string };

/**
 * The Aodh event-alarm body for a notification nfvi-doctor published, as the subscription's
 * consumer receives it; undefined when the notification has no Aodh equivalent, or is not the
 * subscription's project's own (never another project's notification). Pure and deterministic:
 * the alarm id derives from the subscription and the kind of alarm, the event's message_id from
 * the notification's id (maintenance notifications have none: from their content), so a retried
 * delivery is the same body, `generated` aside where the notification carries no time (`clock`).
 */
export function aodhEventAlarmOf(
  notification: unknown,
  subscription: Subscription,
  clock: Date,
): AodhEventAlarm | undefined {
  const fault = alarmNotification.safeParse(notification);
  if (fault.success) {
    const { alarm } = fault.data;
    if (!instanceIsSetToError(alarm) || alarm.tenantId !== subscription.tenantId) return undefined;
    return bodyOf(subscription, 'instance-error', severityOf(alarm.perceivedSeverity), {
      message_id: fault.data.id,
      generated: ceilometerTimeOf(fault.data.timeStamp) ?? ceilometerTime(clock),
      traits: instanceErrorTraits(alarm),
    });
  }
  const tenant = tenantNotification.safeParse(notification);
  if (tenant.success) {
    if (tenant.data.project_id !== subscription.tenantId) return undefined;
    return bodyOf(subscription, 'maintenance-scheduled', 'low', {
      message_id: contentId(TENANT_EVENT_TYPE, tenant.data),
      generated: ceilometerTime(clock),
      traits: scheduledTraits(tenant.data),
    });
  }
  const host = hostNotification.safeParse(notification);
  if (host.success) {
    if (host.data.project_id !== subscription.tenantId) return undefined;
    return bodyOf(subscription, 'maintenance-host', 'low', {
      message_id: contentId(HOST_EVENT_TYPE, host.data),
      generated: ceilometerTime(clock),
      traits: hostTraits(host.data),
    });
  }
  return undefined;
}

/** An instance alarm whose fault makes the VIM adapter reset the instance to ERROR, as Doctor's inspector does. */
function instanceIsSetToError(alarm: Alarm): boolean {
  if (alarm.isRootCause) return false;
  if (!(faultTypes as readonly string[]).includes(alarm.faultType)) return false;
  return catalogueEntry(alarm.faultType as FaultType).impact === 'host';
}

function severityOf(severity: PerceivedSeverity): AodhEventAlarm['severity'] {
  if (severity === 'CRITICAL' || severity === 'MAJOR') return 'critical';
  if (severity === 'MINOR' || severity === 'WARNING') return 'moderate';
  return 'low';
}

function bodyOf(
  subscription: Subscription,
  kind: AodhAlarmKind,
  severity: AodhEventAlarm['severity'],
  event: { message_id: string; generated: string; traits: AodhTrait[] },
): AodhEventAlarm {
  const { eventType, query } = ALARMS[kind];
  return {
    alarm_name: `nfvi-doctor-${kind}-${subscription.id}`,
    alarm_id: uuidv5(`${subscription.id}#${kind}`, ALARM_ID_NAMESPACE),
    severity,
    // The alarm fires on every event (repeat_actions, as Doctor's maintenance alarms): after its
    // first firing Aodh says it was in alarm already. Nothing here remembers the first.
    previous: 'alarm',
    current: 'alarm',
    reason: `Event <id=${event.message_id},event_type=${eventType}> hits the query <query=${query}>.`,
    reason_data: {
      type: 'event',
      event: {
        message_id: event.message_id,
        event_type: eventType,
        generated: event.generated,
        traits: event.traits,
        raw: {},
      },
    },
  };
}

function instanceErrorTraits(alarm: Alarm): AodhTrait[] {
  return [
    text('tenant_id', alarm.tenantId),
    text('project_id', alarm.tenantId),
    text('instance_id', alarm.managedObjectId),
    text('resource_id', alarm.managedObjectId),
    text('host', alarm.rootCauseFaultyResource.faultyResource.resourceId),
    text('service', 'compute'),
    text('state', 'error'),
    // nfvi-doctor's: the fault, and the alarm the fault API answers for (GET /v1/alarms/{id}).
    text('fault_type', alarm.faultType),
    text('nfvi_alarm_id', alarm.id),
  ];
}

function scheduledTraits(n: TenantNotification): AodhTrait[] {
  const traits: (AodhTrait | undefined)[] = [
    text('service', n.service),
    structured('allowed_actions', n.allowed_actions),
    typeof n.instance_ids === 'string'
      ? text('instance_ids', n.instance_ids)
      : structured('instance_ids', n.instance_ids),
    text('reply_url', n.reply_url),
    text('state', n.state),
    text('session_id', n.session_id),
    // Fenix's None (INSTANCE_ACTION_DONE) is no trait at all: ceilometer drops a trait without a value.
    n.actions_at === null ? undefined : datetime('actions_at', n.actions_at),
    text('project_id', n.project_id),
    n.reply_at === null ? undefined : datetime('reply_at', n.reply_at),
    structured('metadata', n.metadata),
    n.state === 'MAINTENANCE_FAILED' ? text('reason', freeText(n.reason)) : undefined,
  ];
  return traits.filter((t): t is AodhTrait => t !== undefined);
}

function hostTraits(n: HostNotification): AodhTrait[] {
  return [
    text('host', n.host),
    text('project_id', n.project_id),
    text('session_id', n.session_id),
    text('state', n.state),
  ];
}

// --- trait values ---------------------------------------------------------------------

const text = (name: string, value: string): AodhTrait => [name, TRAIT_TYPE.text, textTraitValue(value)];
const structured = (name: string, value: unknown[] | Record<string, unknown>): AodhTrait => [
  name,
  TRAIT_TYPE.text,
  structuredTraitValue(value),
];
/** A datetime trait as ceilometer writes it; a value that is no time stays text. */
function datetime(name: string, value: string): AodhTrait {
  const time = ceilometerTimeOf(value);
  return time ? [name, TRAIT_TYPE.datetime, time] : text(name, value);
}

/** Code points, with a lone surrogate (not text in any encoding) replaced by U+FFFD. */
const codePointsOf = (value: string) => [...value].map((c) => (/^[\uD800-\uDFFF]$/.test(c) ? '\uFFFD' : c));

/** A text trait value: at most 255 characters as Python counts them, cut between two characters, never inside one. */
export function textTraitValue(value: string): string {
  return codePointsOf(value).slice(0, MAX_TRAIT_TEXT).join('');
}

/** Free text holds no "[" or "{": Doctor's consumers would read it as YAML. */
const freeText = (value: string) => value.replace(/[[{]/g, '(').replace(/[\]}]/g, ')');

/**
 * A list or a dict as a text trait value that YAML (`yaml.safe_load`, as YAML flow) and Python
 * (`ast.literal_eval`, as a literal) both read back as the same value. What is inside is
 * strings and numbers only: true, false and null are written as the strings "true", "false" and
 * "null"; nested lists and dicts are written the same way. Strings are single-quoted, as Python
 * writes them, when they are printable ASCII without a quote or a backslash and do not end in
 * "u" (Doctor's decoder removes the "u" of every "u'" it finds); otherwise double-quoted with
 * escapes both read alike (\" \\ \uXXXX \UXXXXXXXX; a single quote as \u0027), so the value is
 * ASCII whatever it holds. Integers are written as they are; other numbers with a decimal point
 * and a signed exponent where they need one (YAML 1.1 reads "1e5" as a string). A value longer
 * than 255 characters keeps its first elements (or entries) that fit: it is cut between two
 * elements, so it always reads back, as a shorter list.
 */
export function structuredTraitValue(value: unknown[] | Record<string, unknown>): string {
  const [open, close, parts] = Array.isArray(value)
    ? ['[', ']', value.map(literal)]
    : ['{', '}', Object.entries(value).map(([k, v]) => `${quoted(k)}: ${literal(v)}`)];
  let written = '';
  for (const part of parts) {
    const next = written ? `${written}, ${part}` : part;
    if (open.length + next.length + close.length > MAX_TRAIT_TEXT) break;
    written = next;
  }
  return `${open}${written}${close}`;
}

function literal(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'number') return Number.isFinite(value) ? numberLiteral(value) : quoted(String(value));
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${quoted(k)}: ${literal(v)}`)
      .join(', ')}}`;
  return quoted(String(value));
}

function numberLiteral(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  const written = String(value);
  const [mantissa, exponent] = written.split('e');
  if (exponent === undefined) return written;
  // JavaScript signs its exponents already ("1e+21", "1.5e-7"); YAML 1.1 also wants the point.
  return `${mantissa?.includes('.') ? mantissa : `${mantissa}.0`}e${exponent}`;
}

const PLAIN = /^[\x20-\x7e]*$/;

function quoted(value: string): string {
  if (PLAIN.test(value) && !/['\\]/.test(value) && !value.endsWith('u')) return `'${value}'`;
  const escaped = codePointsOf(value)
    .map((c) => {
      if (c === '"') return '\\"';
      if (c === '\\') return '\\\\';
      const code = c.codePointAt(0) as number;
      if (code >= 0x20 && code <= 0x7e && c !== "'") return c;
      return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\U${code.toString(16).padStart(8, '0')}`;
    })
    .join('');
  return `"${escaped}"`;
}

// --- times and ids --------------------------------------------------------------------

/**
 * A time as ceilometer writes `generated` and datetime traits: Python's `isoformat()` of the
 * naive UTC time ("2026-11-25T00:25:07.834000"; no fraction when it is zero).
 */
export function ceilometerTime(time: Date): string {
  const [seconds, fraction] = time.toISOString().slice(0, -1).split('.');
  return fraction === undefined || fraction === '000' ? `${seconds}` : `${seconds}.${fraction}000`;
}

/** An ISO 8601 time as ceilometer writes it; undefined when it is no time. */
function ceilometerTimeOf(iso: string): string | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ceilometerTime(new Date(ms));
}

/** A maintenance notification's id: it has none, so its content's (a repeat has the same content). */
function contentId(eventType: string, notification: object): string {
  return uuidv5(`${eventType}#${canonicalJson(notification)}`, MESSAGE_ID_NAMESPACE);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
