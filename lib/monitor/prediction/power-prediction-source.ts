import type { CollectorConfig } from '../config';
import { entityIdOf, parseSdrElist, sdrSensorState, type SdrSensor } from '../hardware/ipmi-sdr';
import { PRESENCE } from '../hardware/ipmi-sel';
import { runIpmitool } from '../hardware/ipmi-source';
import type { Logger, ToolOptions } from '../hardware/polling-source';
import { PowerPredictor, type PowerReading } from './power-prediction';
import { PredictionSource } from './prediction-source';

type IpmiConfig = NonNullable<CollectorConfig['ipmi']>;
type PowerConfig = NonNullable<NonNullable<CollectorConfig['prediction']>['power']>;

/** IPMI entity ids (IPMI 2.0 table 43-13). */
const POWER_SUPPLY = 10;
const POWER_ENTITIES = new Set([POWER_SUPPLY, 14, 19, 20, 21]);
/** BMCs put the PSU redundancy sensor on the system board too (Dell: "PS Redundancy", entity 7.1). */
const POWER_NAME = /\b(ps|psu|power)\b/i;
/** A reading with a unit ("230 Volts") rather than asserted states. */
const NUMERIC = /^-?\d/;

/**
 * The power supplies in `sdr elist` (entity 10, one per instance: `10.1`, `10.2`) and the power
 * redundancy sensors. A supply is ok when it has sensors with a reading, all of them ok, and its
 * discrete sensors assert its presence (a pulled supply keeps its sensors, asserting nothing).
 */
export function powerReadingOf(sensors: SdrSensor[]): PowerReading {
  const supplies = new Map<string, SdrSensor[]>();
  for (const sensor of sensors.filter((s) => entityIdOf(s) === POWER_SUPPLY))
    supplies.set(sensor.entity, [...(supplies.get(sensor.entity) ?? []), sensor]);
  const psus = [...supplies.values()].map((group) => {
    const states = group.map(sdrSensorState).filter((state) => state !== undefined);
    const discrete = group.filter((sensor) => !NUMERIC.test(sensor.description));
    const present = discrete.length === 0 || discrete.some((sensor) => PRESENCE.test(sensor.description));
    return {
      name: group.map((sensor) => sensor.name).join(', '),
      ok: present && states.length > 0 && states.every((state) => state === 'ok'),
      state: group.map((sensor) => sensor.description).join('; '),
    };
  });
  const redundancy = sensors
    .filter((s) => /redundan/i.test(s.description) && (POWER_ENTITIES.has(entityIdOf(s)) || POWER_NAME.test(s.name)))
    .map((sensor) => ({ name: sensor.name, state: sensor.description }));
  return { psus, redundancy };
}

/** Power failure prediction from the BMC's sensors (`ipmitool sdr elist`, with the ipmi source's interface). */
export class PowerPredictionSource extends PredictionSource<PowerReading> {
  constructor(
    private readonly ipmi: IpmiConfig,
    private readonly config: PowerConfig,
    logger: Logger,
    private readonly options: ToolOptions = {},
  ) {
    super('power', config.intervalS, logger);
  }

  protected async read(): Promise<Map<string, PowerReading>> {
    const output = await runIpmitool(this.ipmi, ['sdr', 'elist'], this.config.intervalS, this.logger, this.options);
    if (output === undefined) return new Map();
    const reading = powerReadingOf(parseSdrElist(output));
    const nothingToWatch = reading.psus.length === 0 && reading.redundancy.length === 0;
    return new Map(nothingToWatch ? [] : [['power supplies', reading]]);
  }

  protected predictor(): PowerPredictor {
    return new PowerPredictor(this.config);
  }
}
