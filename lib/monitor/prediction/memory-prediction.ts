import { z } from 'zod';
import {
  growthFinding,
  persistence,
  PredictionLatch,
  severityAtLeast,
  thresholdFor,
  thresholds,
  type Prediction,
  type Predictor,
} from './predictor';
import { SampleWindow } from './trend';

export const memoryPredictionConfig = z.object({
  windowS: z.number().positive().default(3600),
  persistS: persistence(600),
  /** Correctable errors per hour over the window. */
  ceRatePerHour: thresholds(10, 100),
});
export type MemoryPredictionConfig = z.infer<typeof memoryPredictionConfig>;

/** A memory controller's EDAC counters (sysfs ce_count, ue_count). */
export type EdacReading = { ceCount: number; ueCount: number };

/** Any uncorrectable error is major: the next one may crash the host. */
const ANY_GROWTH_IS_MAJOR = { warning: 1, major: 1 };

/**
 * Predicts a memory failure from one memory controller's EDAC counters: correctable errors
 * climbing at a rate (a DIMM wearing out corrects more and more), or any uncorrectable error.
 * Counters reset (driver reloaded, reset_counters written) show no growth until the readings from
 * before the reset have left the window (see SampleWindow.growth).
 */
export class MemoryPredictor implements Predictor<EdacReading> {
  private readonly corrected: SampleWindow;
  private readonly uncorrected: SampleWindow;
  private readonly latch: PredictionLatch;

  constructor(private readonly config: MemoryPredictionConfig) {
    this.corrected = new SampleWindow(config.windowS);
    this.uncorrected = new SampleWindow(config.windowS);
    this.latch = new PredictionLatch(config.persistS);
  }

  observe(atS: number, reading: EdacReading): Prediction | undefined {
    this.corrected.add(atS, reading.ceCount);
    this.uncorrected.add(atS, reading.ueCount);
    const { oldest, latest } = this.corrected;
    const rate = this.corrected.ratePerHour();
    const severity = severityAtLeast(rate, this.config.ceRatePerHour);
    return this.latch.observe(atS, [
      growthFinding(this.uncorrected, 'uncorrectable errors', ANY_GROWTH_IS_MAJOR, 'uncorrectable memory errors'),
      {
        severity,
        cause: 'correctable memory errors climbing',
        evidence:
          `correctable errors ${oldest?.value} -> ${latest?.value} within ${Math.round(this.corrected.spanS())} s: ` +
          `${Math.round(rate)} per hour over ${this.config.windowS} s ` +
          `(threshold ${thresholdFor(severity, this.config.ceRatePerHour)} per hour)`,
      },
    ]);
  }
}
