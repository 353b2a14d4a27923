import type { HardwareComponent } from '../../contracts/southbound';
import { classifyIpmiState, clip, type HardwareDetail, type HardwareState } from './ipmi-sel';

/** One line of `ipmitool sdr elist`: `FAN2 | 04h | lcr | 29.2 | 400 RPM`. */
export type SdrSensor = {
  name: string;
  /** The sensor number as ipmitool prints it, e.g. `04h`. */
  sensorId: string;
  /** ipmitool's status: ok, ns, unc/lnc/nc, ucr/lcr/cr, unr/lnr/nr. */
  status: string;
  /** `<entity id>.<instance>`, e.g. `29.2` (fan/cooling device, instance 2). */
  entity: string;
  /** The reading with its unit, or the asserted states of a discrete sensor ("Presence detected, Failure detected"). */
  description: string;
};

/** `ok` and the threshold statuses; `ns` (no reading, disabled, absent) says nothing about health. */
const STATE_BY_STATUS: Record<string, HardwareState> = {
  ok: 'ok',
  nc: 'warning',
  lnc: 'warning',
  unc: 'warning',
  cr: 'critical',
  lcr: 'critical',
  ucr: 'critical',
  nr: 'critical',
  lnr: 'critical',
  unr: 'critical',
};

const SEVERITY: Record<HardwareState, number> = { ok: 0, warning: 1, critical: 2 };

/** Parses `ipmitool sdr elist`; anything else on the output (ipmitool's error lines) is skipped. */
export function parseSdrElist(output: string): SdrSensor[] {
  const sensors: SdrSensor[] = [];
  for (const line of output.split('\n')) {
    const fields = line.split('|').map((field) => field.trim());
    const [name, sensorId, status, entity, ...description] = fields;
    if (!name || !sensorId || !/^[0-9a-f]+h$/i.test(sensorId) || !status || entity === undefined) continue;
    if (status !== 'ns' && !(status in STATE_BY_STATUS)) continue;
    sensors.push({ name, sensorId, status, entity, description: description.join(' | ') });
  }
  return sensors;
}

/**
 * A sensor's state, or undefined when it has no reading (`ns`). ipmitool reports discrete sensors
 * as `ok` whatever they assert ("Presence detected, Failure detected"), so their asserted states
 * are classified too and the worse of the two wins.
 */
export function sdrSensorState(sensor: SdrSensor): HardwareState | undefined {
  const byStatus = STATE_BY_STATUS[sensor.status];
  if (!byStatus) return undefined;
  return sensor.description
    .split(',')
    .map(classifyIpmiState)
    .reduce((worst, state) => (SEVERITY[state] > SEVERITY[worst] ? state : worst), byStatus);
}

/** IPMI entity ids (IPMI 2.0 table 43-13), for sensors whose unit does not tell what they watch. */
const COMPONENT_BY_ENTITY: Record<number, HardwareComponent> = {
  3: 'cpu', // processor
  9: 'cpu', // processor module
  18: 'cpu', // processor board
  4: 'disk', // disk or disk bay
  26: 'disk', // disk drive bay
  15: 'storage-controller', // drive backplane
  50: 'storage-controller', // SCSI bus
  51: 'storage-controller', // SATA/SAS bus
  8: 'memory', // memory module
  32: 'memory', // memory device
  10: 'psu', // power supply
  14: 'psu', // power system board
  19: 'psu', // power unit
  20: 'psu', // power module
  21: 'psu', // power management
  29: 'fan', // fan / cooling device
  30: 'fan', // cooling unit
  6: 'bmc', // system management module
  38: 'bmc', // remote management communication device
  46: 'bmc', // management controller firmware
  47: 'bmc', // IPMI channel
  39: 'thermal', // external environment (ambient)
  55: 'thermal', // air inlet
  64: 'thermal', // air inlet (DCMI)
};

/** The entity id of `<entity id>.<instance>` (NaN when ipmitool printed none). */
export const entityIdOf = (sensor: SdrSensor): number => Number.parseInt(sensor.entity.split('.')[0] ?? '', 10);

/**
 * `sdr elist` prints no sensor type, so a reading's unit decides first: "CPU1 Temp" belongs to the
 * processor entity but is a thermal reading. Discrete sensors fall back to their entity, and an
 * entity without a better match (system board, chassis, add-in card, ...) is the mainboard.
 */
export function componentForSdrSensor(sensor: SdrSensor): HardwareComponent {
  const unit = / (degrees [CFK]|RPM|Volts|Amps|Watts)\b/.exec(sensor.description)?.[1];
  if (unit?.startsWith('degrees')) return 'thermal';
  if (unit === 'RPM') return 'fan';
  // Voltage, current and power readings watch the power rails.
  if (unit) return 'psu';
  return COMPONENT_BY_ENTITY[entityIdOf(sensor)] ?? 'mainboard';
}

/** The hardware.event detail for a sensor with a known state. */
export function sdrSensorToDetail(sensor: SdrSensor, state: HardwareState, observedAt: string): HardwareDetail {
  const value = /^(-?\d+(?:\.\d+)?) /.exec(sensor.description)?.[1];
  const reading = value === undefined ? sensor.description || undefined : Number(value);
  return {
    observedAt,
    component: componentForSdrSensor(sensor),
    sensor: clip(sensor.name, 128),
    ...(reading === undefined ? {} : { reading: typeof reading === 'string' ? clip(reading, 128) : reading }),
    state,
    message: clip(
      `IPMI sensor ${sensor.name} (${sensor.sensorId}, entity ${sensor.entity}) status ${sensor.status}: ${sensor.description || 'no description'}`,
      1024,
    ),
  };
}
