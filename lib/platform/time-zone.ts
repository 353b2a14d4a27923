/** Time zones as operators name them: "UTC", an IANA name ("Europe/Helsinki"), or an offset ("+02:00"). */

const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

export function isTimeZone(zone: string): boolean {
  if (zone === 'UTC' || OFFSET.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant a wall-clock time names in a zone. `wallAsUtc` is the wall time read as if it were
 * UTC (Date.parse of it with a Z); the zone's offset at that instant is taken away, found in two
 * steps so that a time next to a change of offset (daylight saving) lands right.
 */
export function wallTimeToUtc(wallAsUtc: number, zone: string): number {
  const fixed = OFFSET.exec(zone);
  if (fixed) return wallAsUtc - (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * 60_000;
  if (zone === 'UTC') return wallAsUtc;
  const first = zoneOffsetAt(zone, wallAsUtc);
  return wallAsUtc - zoneOffsetAt(zone, wallAsUtc - first);
}

function zoneOffsetAt(zone: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}
