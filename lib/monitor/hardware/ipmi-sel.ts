import type { HardwareComponent } from '../../contracts/southbound';
import type { ReportOf } from '../report';

export type HardwareDetail = ReportOf<'hardware.event'>['detail'];
export type HardwareState = HardwareDetail['state'];

/** One line of `ipmitool sel list` / `sel elist`. */
export type SelRecord = {
  /** The record id; ipmitool prints it in hex. */
  id: number;
  /** `MM/DD/YYYY` on a BMC with a set clock, `Pre-Init` before the BMC clock was set. */
  date: string;
  /** `HH:MM:SS` (some builds add a zone), or the raw seconds counter after `Pre-Init`. */
  time: string;
  /** ipmitool's name for the IPMI sensor type, e.g. `Power Supply`, `Drive Slot / Bay`. */
  sensorType: string;
  /** The SDR's name (`PS2 Status`, with `elist`) or the sensor number (`#0x07`, without SDRs). */
  sensorName: string;
  /** The event's state text, e.g. `Failure detected`, `Upper Critical going high`. */
  event: string;
  /** Missing on old ipmitool builds; an entry without it is an assertion. */
  direction: 'Asserted' | 'Deasserted';
  /** What `elist` adds to threshold events, e.g. `Reading 92 > Threshold 90 degrees C`. */
  extra?: string;
};

/**
 * ipmitool's sensor type names (its `ipmi_generic_sensor_type_vals`, IPMI 2.0 table 42-3).
 * The sensor column is "<type> <name>" and names contain spaces, so the type is found by prefix.
 */
const SENSOR_TYPES = [
  'Temperature',
  'Voltage',
  'Current',
  'Fan',
  'Physical Security',
  'Platform Security',
  'Processor',
  'Power Supply',
  'Power Unit',
  'Cooling Device',
  'Other',
  'Memory',
  'Drive Slot / Bay',
  'POST Memory Resize',
  'System Firmwares',
  'Event Logging Disabled',
  'Watchdog1',
  'System Event',
  'Critical Interrupt',
  'Button',
  'Module / Board',
  'Microcontroller',
  'Add-in Card',
  'Chassis',
  'Chip Set',
  'Other FRU',
  'Cable / Interconnect',
  'Terminator',
  'System Boot Initiated',
  'Boot Error',
  'OS Boot',
  'OS Critical Stop',
  'Slot / Connector',
  'System ACPI Power State',
  'Watchdog2',
  'Platform Alert',
  'Entity Presence',
  'Monitor ASIC',
  'LAN',
  'Management Subsys Health',
  'Battery',
  'Session Audit',
  'Version Change',
  'FRU State',
].sort((a, b) => b.length - a.length); // longest first: "Other FRU" before "Other"

const COMPONENT_BY_SENSOR_TYPE: Record<string, HardwareComponent> = {
  Temperature: 'thermal',
  // IPMI voltage and current sensors watch the power rails: out of range is a power fault.
  Voltage: 'psu',
  Current: 'psu',
  Fan: 'fan',
  'Cooling Device': 'fan',
  Processor: 'cpu',
  'Power Supply': 'psu',
  'Power Unit': 'psu',
  Memory: 'memory',
  'POST Memory Resize': 'memory',
  'Drive Slot / Bay': 'disk',
  Microcontroller: 'bmc',
  'Management Subsys Health': 'bmc',
};

/**
 * Every other sensor type (Critical Interrupt, Chip Set, Module / Board, Watchdog2, OS Critical
 * Stop, System Event, OEM types, ...) is reported as the mainboard: the board is the host's
 * catch-all FRU, so the event still reaches the correlator as a fault of this host instead of
 * being dropped, and the exact IPMI type stays in `sensor` and `message`.
 */
export function componentForSensorType(sensorType: string): HardwareComponent {
  return COMPONENT_BY_SENSOR_TYPE[sensorType] ?? 'mainboard';
}

const CRITICAL =
  /non-recoverable|uncorrectable|(^|[^-])critical|failure|failed|fault|ierr|thermal trip|ac lost|\bserr\b|\bperr\b|fatal/;
const WARNING = /non-critical|correctable|degraded|redundancy lost|non-redundant|throttl|out-of-range|error|warning/;

/**
 * The severity of an IPMI state text (ipmitool's threshold and sensor-specific event strings).
 * Order matters: "Predictive failure" is a warning though it says failure; "Non-critical" is not
 * critical (the dash excludes it) and "Uncorrectable" is critical though it contains "correctable".
 */
export function classifyIpmiState(text: string): HardwareState {
  const t = text.toLowerCase();
  if (t.includes('predictive failure')) return 'warning';
  if (CRITICAL.test(t)) return 'critical';
  if (WARNING.test(t)) return 'warning';
  return 'ok';
}

export const PRESENCE = /presence detected|drive present|device present|device inserted/i;

/**
 * The state an entry reports: deasserting a fault clears it, but deasserting presence means the
 * part is gone. Any watchdog action (reset, power down, timer expired) means the host OS stopped
 * feeding the BMC's watchdog: the host hung.
 */
export function selRecordState(record: SelRecord): HardwareState {
  if (record.direction === 'Deasserted') return PRESENCE.test(record.event) ? 'warning' : 'ok';
  if (record.sensorType.startsWith('Watchdog')) return 'critical';
  return classifyIpmiState(record.event);
}

function splitSensor(column: string): { sensorType: string; sensorName: string } {
  const known = SENSOR_TYPES.find((type) => column === type || column.startsWith(`${type} `));
  if (known) return { sensorType: known, sensorName: column.slice(known.length).trim() };
  // Types ipmitool has no name for print as "<text> #0x<num>" (OEM and reserved types).
  const numbered = /^(.*\S)\s+(#0x[0-9a-f]+)$/i.exec(column);
  if (numbered?.[1] && numbered[2]) return { sensorType: numbered[1], sensorName: numbered[2] };
  return { sensorType: column, sensorName: '' };
}

/**
 * Parses `ipmitool sel list` or `sel elist` output. Lines that are not SEL entries (ipmitool's
 * SDR warnings on stdout such as "SDRR successfully erased", "SEL has no entries") are skipped.
 */
export function parseSelList(output: string): SelRecord[] {
  const records: SelRecord[] = [];
  for (const line of output.split('\n')) {
    const fields = line.split('|').map((field) => field.trim());
    const [id, date, time, sensor, event, ...rest] = fields;
    if (!id || !/^[0-9a-f]+$/i.test(id) || date === undefined || time === undefined || !sensor || !event) continue;
    const direction = rest[0] === 'Asserted' || rest[0] === 'Deasserted' ? rest[0] : undefined;
    const extra = (direction ? rest.slice(1) : rest).join(' | ');
    records.push({
      id: Number.parseInt(id, 16),
      date,
      time,
      ...splitSensor(sensor),
      event,
      direction: direction ?? 'Asserted',
      ...(extra ? { extra } : {}),
    });
  }
  return records;
}

export const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The reading of a threshold event, from `elist`'s "Reading 92 > Threshold 90 degrees C". */
function selReading(extra: string | undefined): number | undefined {
  const match = extra && /Reading (-?\d+(?:\.\d+)?)/.exec(extra);
  return match && match[1] ? Number(match[1]) : undefined;
}

/** The hardware.event detail for a SEL entry; observedAt is when the collector saw the entry. */
export function selRecordToDetail(record: SelRecord, observedAt: string): HardwareDetail {
  const sensor = [record.sensorType, record.sensorName].filter(Boolean).join(' ');
  const reading = selReading(record.extra);
  const message = [`${sensor}: ${record.event}`, record.direction, record.extra].filter(Boolean).join(' | ');
  return {
    observedAt,
    component: componentForSensorType(record.sensorType),
    sensor: clip(sensor, 128),
    ...(reading === undefined ? {} : { reading }),
    state: selRecordState(record),
    message: clip(`IPMI SEL entry ${record.id.toString(16)}: ${message}`, 1024),
  };
}
