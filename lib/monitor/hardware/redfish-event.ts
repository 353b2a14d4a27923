import { z } from 'zod';
import type { HardwareComponent } from '../../contracts/southbound';
import { clip, type HardwareDetail, type HardwareState } from './ipmi-sel';

const severity = z.enum(['OK', 'Warning', 'Critical']);

/**
 * One EventRecord of a DMTF Redfish Event (schema Event.v1_x). Only what the mapping needs is
 * required: BMCs differ (OpenBMC omits EventType and Severity, iDRAC sends MessageArgs null),
 * and OriginOfCondition is a link object per the schema but a bare URI from OpenBMC.
 */
const eventRecord = z
  .looseObject({
    EventType: z.string().optional(),
    EventId: z.string().optional(),
    Severity: severity.optional(),
    MessageSeverity: severity.optional(),
    Message: z.string().optional(),
    MessageId: z.string().min(1),
    MessageArgs: z.array(z.string()).nullable().optional(),
    OriginOfCondition: z.union([z.string(), z.looseObject({ '@odata.id': z.string() })]).optional(),
    EventTimestamp: z.string().optional(),
  })
  .refine((record) => record.MessageSeverity ?? record.Severity, {
    message: 'each event needs MessageSeverity or Severity (OK, Warning or Critical)',
  });

export const redfishEvent = z.looseObject({
  // A listener can also be sent metric reports (#MetricReport...): only events are accepted.
  '@odata.type': z.string().regex(/^#Event\.v\d+_\d+_\d+\.Event$/, 'must be #Event.v<major>_<minor>_<errata>.Event'),
  Id: z.string().optional(),
  Name: z.string().optional(),
  Events: z.array(eventRecord).min(1),
});

export type RedfishEvent = z.infer<typeof redfishEvent>;
export type RedfishEventRecord = RedfishEvent['Events'][number];

export type ParsedRedfishEvent = { ok: true; details: HardwareDetail[] } | { ok: false; reason: string };

const STATE: Record<z.infer<typeof severity>, HardwareState> = { OK: 'ok', Warning: 'warning', Critical: 'critical' };

/**
 * Resource path words (Redfish collection and property names) to components. Order matters:
 * Thermal#/Fans is a fan, Storage/.../Drives a disk, Systems/1/Memory memory.
 */
const BY_ORIGIN: [RegExp, HardwareComponent][] = [
  [/\/fans?\b|\bfan/i, 'fan'],
  [/\/drives?\b|\/disks?\b|disk\.bay/i, 'disk'],
  [/\/storage|storagecontrollers|\/volumes|raid\./i, 'storage-controller'],
  [/powersuppl|\/power\b|psu/i, 'psu'],
  [/\/processors?\b|cpu/i, 'cpu'],
  [/\/memory\b|dimm/i, 'memory'],
  [/\/thermal\b|temp/i, 'thermal'],
  [/\/managers\b|\/eventservice\b/i, 'bmc'],
];

/**
 * MessageId words, for events whose origin is the whole system: DMTF registry messages name the
 * part (e.g. ...PowerSupplyFailed) and iDRAC message ids start with a category (TMP0120: thermal).
 */
const BY_MESSAGE_ID: [RegExp, HardwareComponent][] = [
  [/\bFAN\d|fan/i, 'fan'],
  [/\bPDR\d|drive|disk/i, 'disk'],
  [/\bCTL\d|storagecontroller/i, 'storage-controller'],
  [/\bPSU\d|\bPWR\d|\bVLT\d|\bAMP\d|powersupply/i, 'psu'],
  [/\bCPU\d|processor/i, 'cpu'],
  [/\bMEM\d|memory|dimm/i, 'memory'],
  [/\bTMP\d|temperature|thermal/i, 'thermal'],
  [/\bRAC\d|heartbeat/i, 'bmc'],
];

function originOf(record: RedfishEventRecord): string | undefined {
  const origin = record.OriginOfCondition;
  return typeof origin === 'string' ? origin : origin?.['@odata.id'];
}

/** The component an event is about; an event naming no known part is the mainboard's (the host itself). */
export function componentForRedfishEvent(record: RedfishEventRecord): HardwareComponent {
  const origin = originOf(record);
  const fromOrigin = origin ? BY_ORIGIN.find(([pattern]) => pattern.test(origin))?.[1] : undefined;
  // The message id's last segment is the message key (registry prefix and version come first).
  const key = record.MessageId.split('.').at(-1) ?? record.MessageId;
  return fromOrigin ?? BY_MESSAGE_ID.find(([pattern]) => pattern.test(key))?.[1] ?? 'mainboard';
}

/** The hardware.event detail for one event; observedAt is when the listener received the push. */
export function redfishRecordToDetail(record: RedfishEventRecord, observedAt: string): HardwareDetail {
  const origin = originOf(record);
  const level = record.MessageSeverity ?? record.Severity ?? 'OK';
  const when = record.EventTimestamp ? `, at ${record.EventTimestamp}` : '';
  return {
    observedAt,
    component: componentForRedfishEvent(record),
    // The end of a resource path is its most specific part.
    sensor: origin && origin.length > 128 ? origin.slice(-128) : (origin ?? clip(record.MessageId, 128)),
    state: STATE[level],
    message: clip(`${record.Message ?? record.MessageId} (Redfish ${record.MessageId}${when})`, 1024),
  };
}

/** Validates a Redfish EventService push; the reason names every problem, for the 400 answer. */
export function parseRedfishEvent(raw: unknown, observedAt: string): ParsedRedfishEvent {
  const parsed = redfishEvent.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error) };
  return { ok: true, details: parsed.data.Events.map((record) => redfishRecordToDetail(record, observedAt)) };
}
