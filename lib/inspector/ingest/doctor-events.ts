import { createHash } from 'node:crypto';
import { z } from 'zod';
import { faultTypes } from '../../contracts/fault-catalogue';
import { faultReportDetail, type FaultReportDetail } from '../../contracts/southbound';
import { MONITOR_TIME, monitorTimeMicros, monitorTimeMs } from './monitor-time';

/*
 * Doctor's inspector API and Vitrage's Doctor datasource, as their monitors send them
 * (opnfv/doctor doctor_tests/monitor/sample.py and collectd_plugin.py):
 *   PUT|POST /events  [{id, time: "2017-05-10T13:47:32.123456", type: "compute.host.down",
 *                       details: {hostname, status: "down", monitor, monitor_event_id}}]
 *   POST /v1/event    one such event; details may also carry source and cause, status "up" clears.
 * A time without a zone is read in the zone the operator gives the monitor (./monitor-time.ts).
 * A monitor is one monitor whichever route it reports through: what it raises through Doctor's
 * API, it may clear through Vitrage's, and the other way round.
 */

const doctorTime = z
  .string()
  .regex(MONITOR_TIME, 'expected an ISO 8601 time such as "2017-05-10T13:47:32.123456"')
  .refine((t) => !Number.isNaN(monitorTimeMs(t)), 'not a valid date and time');

const name = z.string().min(1).max(255);

/** The longest message a fault report carries (the southbound contract's limit): longer ones are cut. */
const MESSAGE_MAX = 1024;

const clipped = (message: string) =>
  message.length <= MESSAGE_MAX ? message : `${message.slice(0, MESSAGE_MAX - 1)}\u2026`;

/** The collectorId a monitor's reports carry, within the contract's 255 characters whatever the name's length. */
export function monitorId(kind: string, name: string): string {
  const id = `${kind}:${name}`;
  if (id.length <= 255) return id;
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return `${id.slice(0, 255 - 17)}#${digest}`;
}

/**
 * A normalised report, held to the southbound contract the correlator reads it with: whatever the
 * ingest accepts, the correlator accepts.
 */
export function reportOf(index: number, detail: FaultReportDetail): Normalised {
  const parsed = faultReportDetail.safeParse({ ...detail, message: clipped(detail.message) });
  return parsed.success
    ? { ok: true, detail: parsed.data }
    : { ok: false, index, reason: z.prettifyError(parsed.error) };
}

export const doctorEvent = z.object({
  id: z.string().max(255).optional(),
  time: doctorTime,
  type: z.enum(faultTypes, { error: `type must be a fault type of the catalogue: ${faultTypes.join(', ')}` }),
  details: z.looseObject({
    hostname: name,
    status: z.enum(['down', 'up']),
    monitor: name.optional(),
    monitor_id: name.optional(),
    monitor_event_id: z.string().max(255).optional(),
    source: name.optional(),
    cause: z.string().max(512).optional(),
  }),
});
export type DoctorEvent = z.infer<typeof doctorEvent>;

/** Doctor's inspector API takes at most this many events in one request. */
export const MAX_EVENTS = 100;

export type Normalised = { ok: true; detail: FaultReportDetail } | { ok: false; index: number; reason: string };

/**
 * Each event of a Doctor inspector request or a Vitrage event, as a southbound fault report or why
 * not; `zoneOf` says in which zone a monitor's clock keeps a time written without one.
 */
export function normaliseDoctorEvents(
  body: unknown,
  origin: 'doctor' | 'vitrage',
  zoneOf: (monitor: string) => string = () => 'UTC',
): Normalised[] {
  const items = origin === 'doctor' ? body : [body];
  if (!Array.isArray(items)) return [{ ok: false, index: 0, reason: 'expected a JSON array of events' }];
  if (items.length === 0) return [{ ok: false, index: 0, reason: 'no events' }];
  if (items.length > MAX_EVENTS) return [{ ok: false, index: 0, reason: `at most ${MAX_EVENTS} events per request` }];
  return items.map((item, index): Normalised => {
    const parsed = doctorEvent.safeParse(item);
    if (!parsed.success) return { ok: false, index, reason: z.prettifyError(parsed.error) };
    const { time, type, details } = parsed.data;
    const monitor = details.monitor ?? details.monitor_id ?? details.source ?? origin;
    const zone = zoneOf(monitor);
    const about = [details.cause, details.monitor_event_id].filter(Boolean).join(', ');
    return reportOf(index, {
      host: details.hostname,
      collectorId: monitorId('doctor', monitor),
      seq: monitorTimeMicros(time, zone),
      observedAt: new Date(monitorTimeMs(time, zone)).toISOString(),
      faultType: type,
      active: details.status === 'down',
      origin,
      message: `${monitor} reported ${type} ${details.status}${about ? ` (${about})` : ''}`,
    });
  });
}
