import { join } from 'node:path';
import type { CollectorConfig } from '../config';
import type { Logger } from '../hardware/polling-source';
import { PredictionSource } from './prediction-source';
import { entriesOf, readAttribute, readInteger } from './sysfs';
import { ThermalPredictor, type TemperatureReading } from './thermal-prediction';

type ThermalConfig = NonNullable<NonNullable<CollectorConfig['prediction']>['thermal']>;

/**
 * Overheating prediction from the kernel's hwmon sensors (`<hwmonDir>/hwmon<N>/temp<M>_input`,
 * millidegrees Celsius). Only sensors with a critical threshold (`temp<M>_crit`) are watched.
 * A sensor is named `hwmon<N> <chip name> <label>` (`temp<M>_label`, else `temp<M>`): the chip
 * and label say what it is, the hwmon number tells apart chips of one driver (a coretemp per socket).
 */
export class ThermalPredictionSource extends PredictionSource<TemperatureReading> {
  constructor(
    private readonly config: ThermalConfig,
    logger: Logger,
  ) {
    super('thermal', config.intervalS, logger);
  }

  protected async read(): Promise<Map<string, TemperatureReading>> {
    const readings = new Map<string, TemperatureReading>();
    for (const chip of await entriesOf(this.config.hwmonDir)) {
      if (!/^hwmon\d+$/.test(chip)) continue;
      const dir = join(this.config.hwmonDir, chip);
      const chipName = (await readAttribute(join(dir, 'name'))) ?? 'unknown';
      const sensors = (await entriesOf(dir)).flatMap((file) => /^(temp\d+)_input$/.exec(file)?.[1] ?? []);
      for (const sensor of sensors) {
        const subject = `${chip} ${chipName} ${(await readAttribute(join(dir, `${sensor}_label`))) ?? sensor}`;
        const reading = await this.readSafely(`hwmon sensor ${subject}`, async () => {
          const [input, critical] = await Promise.all([
            readInteger(join(dir, `${sensor}_input`)),
            readInteger(join(dir, `${sensor}_crit`)),
          ]);
          if (input === undefined || critical === undefined || critical <= 0) return undefined;
          return { celsius: input / 1000, criticalC: critical / 1000 };
        });
        if (reading) readings.set(subject, reading);
      }
    }
    return readings;
  }

  protected predictor(): ThermalPredictor {
    return new ThermalPredictor(this.config);
  }
}
