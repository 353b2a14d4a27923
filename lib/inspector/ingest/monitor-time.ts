import { wallTimeToUtc } from '../../platform/time-zone';

/**
 * The time a Doctor or Vitrage monitor reports. Doctor's monitors write Python's isoformat() of
 * their local time: no zone, microseconds. The operator says which zone each monitor's clock
 * keeps (UTC by default), and a time without a zone is read in it; a time with a zone is taken as
 * it says.
 */

const ZONE_SUFFIX = /(Z|[+-]\d{2}:?\d{2})$/;

export const MONITOR_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;

/** Milliseconds since the epoch of a monitor's time, read in `zone` when it names none; NaN when invalid. */
export function monitorTimeMs(time: string, zone = 'UTC'): number {
  const iso = time.replace(' ', 'T').replace(/\.(\d{3})\d*/, '.$1');
  if (ZONE_SUFFIX.test(iso)) return Date.parse(iso);
  const asUtc = Date.parse(`${iso}Z`);
  return Number.isNaN(asUtc) ? NaN : wallTimeToUtc(asUtc, zone);
}

/** Microseconds since the epoch: orders one monitor's reports even within a millisecond. */
export function monitorTimeMicros(time: string, zone = 'UTC'): number {
  const fraction = /\.(\d+)/.exec(time)?.[1] ?? '';
  return monitorTimeMs(time, zone) * 1000 + Number(fraction.slice(3, 6).padEnd(3, '0'));
}
