import type { CollectorConfig } from '../config';
import type { Logger, ToolOptions } from '../hardware/polling-source';
import { runSmartctl } from '../hardware/smart-source';
import { DiskPredictor, type DiskReading } from './disk-prediction';
import { PredictionSource } from './prediction-source';

type SmartConfig = NonNullable<CollectorConfig['smart']>;
type DiskConfig = NonNullable<NonNullable<CollectorConfig['prediction']>['disk']>;

/**
 * Disk failure prediction from the SMART data of the devices the smart source watches. It runs
 * smartctl on its own interval: the smart source reports the disk's state now, this one its trend.
 */
export class DiskPredictionSource extends PredictionSource<DiskReading> {
  constructor(
    private readonly smart: SmartConfig,
    private readonly config: DiskConfig,
    logger: Logger,
    private readonly options: ToolOptions = {},
  ) {
    super('disk', config.intervalS, logger);
  }

  protected async read(): Promise<Map<string, DiskReading>> {
    const { timeoutMs = 60_000 } = this.options;
    const readings = new Map<string, DiskReading>();
    // One device after the other, as the smart source does: a slow disk must not pile runs up.
    for (const device of this.smart.devices) {
      const output = await runSmartctl(this.smart.command, device, timeoutMs, this.logger);
      if (output) readings.set(device, output);
    }
    return readings;
  }

  protected predictor(): DiskPredictor {
    return new DiskPredictor(this.config);
  }
}
