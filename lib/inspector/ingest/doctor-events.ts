import { z } from 'zod';
import { faultTypes } from '../../contracts/fault-catalogue';
import type { FaultReportDetail } from '../../contracts/southbound';

/*
 * Doctor's inspector API and Vitrage's Doctor datasource, as their monitors send them
 * (opnfv/doctor doctor_tests/monitor/sample.py and collectd_plugin.py):
 *   PUT|POST /events  [{id, time: "2017-05-10T13:47:32.123456", type: "compute.host.down",
 *                       details: {hostname, status: "down", monitor, monitor_event_id}}]
 *   POST /v1/event    one such event; details may also carry source and cause, status "up" clears.
 * Python's isoformat() writes local time without a zone and microseconds: read as UTC.
 */

const ZONE = /(Z|[+-]\d{2}:?\d{2})$/;
const doctorTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/,
    'expected an ISO 8601 time such as "2017-05-10T13:47:32.123456"',
  )
  .refine((t) => !Number.isNaN(Date.parse(asUtc(t))), 'not a valid date and time');

function asUtc(time: string): string {
  const iso = time.replace(' ', 'T').replace(/\.(\d{3})\d*/, '.$1');
  return ZONE.test(iso) ? iso : `${iso}Z`;
}

/** Microseconds since the epoch: orders a monitor's reports even within one millisecond. */
function microseconds(time: string): number {
  const fraction = /\.(\d+)/.exec(time)?.[1] ?? '';
  const subMs = Number(fraction.slice(3, 6).padEnd(3, '0'));
  return Date.parse(asUtc(time)) * 1000 + subMs;
}

const name = z.string().min(1).max(255);

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

/** Each event of a Doctor inspector request or a Vitrage event, as a southbound fault report or why not. */
export function normaliseDoctorEvents(body: unknown, origin: 'doctor' | 'vitrage'): Normalised[] {
  const items = origin === 'doctor' ? body : [body];
  if (!Array.isArray(items)) return [{ ok: false, index: 0, reason: 'expected a JSON array of events' }];
  if (items.length === 0) return [{ ok: false, index: 0, reason: 'no events' }];
  if (items.length > MAX_EVENTS) return [{ ok: false, index: 0, reason: `at most ${MAX_EVENTS} events per request` }];
  return items.map((item, index): Normalised => {
    const parsed = doctorEvent.safeParse(item);
    if (!parsed.success) return { ok: false, index, reason: z.prettifyError(parsed.error) };
    const { time, type, details } = parsed.data;
    const monitor = details.monitor ?? details.monitor_id ?? details.source ?? origin;
    const about = [details.cause, details.monitor_event_id].filter(Boolean).join(', ');
    return {
      ok: true,
      detail: {
        host: details.hostname,
        collectorId: `${origin}:${monitor}`,
        seq: microseconds(time),
        observedAt: new Date(Date.parse(asUtc(time))).toISOString(),
        faultType: type,
        active: details.status === 'down',
        origin,
        message: `${monitor} reported ${type} ${details.status}${about ? ` (${about})` : ''}`,
      },
    };
  });
}
