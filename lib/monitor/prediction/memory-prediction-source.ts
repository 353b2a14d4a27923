import { join } from 'node:path';
import type { CollectorConfig } from '../config';
import type { Logger } from '../hardware/polling-source';
import { MemoryPredictor, type EdacReading } from './memory-prediction';
import { PredictionSource } from './prediction-source';
import { entriesOf, readInteger } from './sysfs';

type MemoryConfig = NonNullable<NonNullable<CollectorConfig['prediction']>['memory']>;

/**
 * Memory failure prediction from the kernel's EDAC counters, per memory controller
 * (`<edacDir>/mc<N>/ce_count` and `ue_count`). A host without EDAC (no driver for its memory
 * controller, or a virtual machine) has no such directory: the source then has nothing to say.
 */
export class MemoryPredictionSource extends PredictionSource<EdacReading> {
  constructor(
    private readonly config: MemoryConfig,
    logger: Logger,
  ) {
    super('memory', config.intervalS, logger);
  }

  protected async read(): Promise<Map<string, EdacReading>> {
    const readings = new Map<string, EdacReading>();
    for (const controller of await entriesOf(this.config.edacDir)) {
      if (!/^mc\d+$/.test(controller)) continue;
      const dir = join(this.config.edacDir, controller);
      const reading = await this.readSafely(`EDAC counters of ${controller}`, async () => {
        const [ceCount, ueCount] = await Promise.all([
          readInteger(join(dir, 'ce_count')),
          readInteger(join(dir, 'ue_count')),
        ]);
        return ceCount === undefined || ueCount === undefined ? undefined : { ceCount, ueCount };
      });
      if (reading) readings.set(controller, reading);
    }
    return readings;
  }

  protected predictor(): MemoryPredictor {
    return new MemoryPredictor(this.config);
  }
}
