import { z } from 'zod';

/*
 * The body OpenStack Aodh's REST notifier POSTs to an alarm action URL when an event alarm fires,
 * for the VNF managers written against Aodh (OPNFV Doctor's sample consumer and app managers,
 * Fenix's sample VNFM, Tacker's Fenix plugin). Confirmed in openstack/aodh:
 * - aodh/notifier/rest.py `RestAlarmNotifier.notify`: `{alarm_name, alarm_id, severity, previous,
 *   current, reason, reason_data}`, JSON.
 * - aodh/evaluator/event.py `_fire_alarm`: an event alarm only ever goes to `alarm`; `reason` is
 *   "Event <id=<message_id>,event_type=<type>> hits the query <query=<json, sorted keys>>." and
 *   `reason_data` is `{type: 'event', event: <the event as ceilometer published it>}`; trait
 *   types are 1 text, 2 integer, 3 float, 4 datetime (`_sanitize_trait_value`, `TRAIT_TYPES`).
 * - ceilometer's event model `serialize()`: `{message_id, event_type, generated, traits: [[name,
 *   type, value], ...], raw}`, datetimes as Python's `isoformat()` of a naive UTC time
 *   ("2018-02-28T06:06:03.123456", no zone, the fraction left out when it is zero), and
 *   `message_signature` added by the notifier publisher when a telemetry secret is set. Text
 *   traits are stored in a 255-character column.
 */

/** Aodh's trait type codes. */
export const TRAIT_TYPE = { text: 1, integer: 2, float: 3, datetime: 4 } as const;

/** The longest text trait value ceilometer keeps (its trait column is 255 characters). */
export const MAX_TRAIT_TEXT = 255;

/** A naive UTC time as Python's `datetime.isoformat()` writes it: ceilometer's `generated` and datetime traits. */
export const ceilometerTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/,
    'expected a naive UTC time like "2018-02-28T06:06:03.123456"',
  );

/** Characters as Python counts them (code points), not UTF-16 units. */
const codePoints = (text: string) => [...text].length;

const traitName = z.string().min(1);

export const aodhTrait = z.union([
  z.tuple([
    traitName,
    z.literal(TRAIT_TYPE.text),
    z
      .string()
      .refine((v) => codePoints(v) <= MAX_TRAIT_TEXT, `a text trait holds at most ${MAX_TRAIT_TEXT} characters`),
  ]),
  z.tuple([traitName, z.literal(TRAIT_TYPE.integer), z.number().int()]),
  z.tuple([traitName, z.literal(TRAIT_TYPE.float), z.number()]),
  z.tuple([traitName, z.literal(TRAIT_TYPE.datetime), ceilometerTime]),
]);
export type AodhTrait = z.infer<typeof aodhTrait>;

/** The event as ceilometer published it and Aodh hands it on in `reason_data.event`. */
export const aodhEvent = z.object({
  message_id: z.string().min(1),
  event_type: z.string().min(1),
  generated: ceilometerTime,
  traits: z.array(aodhTrait),
  raw: z.record(z.string(), z.unknown()),
  message_signature: z.string().optional(),
});
export type AodhEvent = z.infer<typeof aodhEvent>;

/** What Aodh's REST notifier POSTs when an event alarm fires. */
export const aodhEventAlarm = z.object({
  alarm_name: z.string(),
  alarm_id: z.string(),
  severity: z.enum(['low', 'moderate', 'critical']),
  previous: z.enum(['ok', 'alarm', 'insufficient data']),
  /** The event evaluator never sets an event alarm to anything else. */
  current: z.literal('alarm'),
  reason: z.string(),
  reason_data: z.object({ type: z.literal('event'), event: aodhEvent }),
});
export type AodhEventAlarm = z.infer<typeof aodhEventAlarm>;
