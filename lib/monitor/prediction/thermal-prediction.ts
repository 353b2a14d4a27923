import { z } from 'zod';
import {
  persistence,
  PredictionLatch,
  type Finding,
  type Prediction,
  type Predictor,
  type Severity,
} from './predictor';
import { SampleWindow } from './trend';

export const thermalPredictionConfig = z.object({
  /** The slope is fitted over this window, once its readings span half of it. */
  windowS: z.number().positive().default(600),
  persistS: persistence(120),
  /** Degrees below critical: within `warning` is a warning, within `major` major. */
  marginC: z
    .object({ warning: z.number().nonnegative().default(10), major: z.number().nonnegative().default(3) })
    .default({ warning: 10, major: 3 }),
  /** A rising slope that would reach critical within this many seconds is a warning. */
  horizonS: z.number().positive().default(1800),
});
export type ThermalPredictionConfig = z.infer<typeof thermalPredictionConfig>;

/** A temperature sensor's reading and its critical threshold, in degrees Celsius. */
export type TemperatureReading = { celsius: number; criticalC: number };

const round1 = (value: number): number => Math.round(value * 10) / 10;

/**
 * Predicts overheating of one temperature sensor: close to its critical threshold, or climbing
 * towards it fast enough to reach it within horizonS. The slope is robust (Theil-Sen, see
 * SampleWindow.slopePerS), so one noisy reading hardly bends it, and persistS keeps a blip from predicting.
 */
export class ThermalPredictor implements Predictor<TemperatureReading> {
  private readonly temperatures: SampleWindow;
  private readonly latch: PredictionLatch;

  constructor(private readonly config: ThermalPredictionConfig) {
    this.temperatures = new SampleWindow(config.windowS);
    this.latch = new PredictionLatch(config.persistS);
  }

  observe(atS: number, { celsius, criticalC }: TemperatureReading): Prediction | undefined {
    this.temperatures.add(atS, celsius);
    const { marginC, horizonS, windowS } = this.config;
    const below = criticalC - celsius;
    const near: Severity | undefined =
      below <= marginC.major ? 'MAJOR' : below <= marginC.warning ? 'WARNING' : undefined;
    const findings: Finding[] = [
      {
        severity: near,
        cause: 'temperature near its critical threshold',
        evidence: `${round1(celsius)} °C, ${round1(below)} °C below critical ${round1(criticalC)} °C (margin ${near === 'MAJOR' ? marginC.major : marginC.warning} °C)`,
      },
    ];
    const slope = this.temperatures.slopePerS(windowS / 2);
    if (slope !== undefined) {
      const reachS = slope > 0 && below > 0 ? below / slope : undefined;
      findings.push({
        severity: reachS !== undefined && reachS <= horizonS ? 'WARNING' : undefined,
        cause: 'temperature rising towards its critical threshold',
        evidence:
          `${slope >= 0 ? 'rising' : 'falling'} ${round1(Math.abs(slope) * 60)} °C/min over ${Math.round(this.temperatures.spanS())} s` +
          (reachS === undefined ? '' : `: critical in about ${Math.round(reachS)} s (horizon ${horizonS} s)`),
      });
    }
    return this.latch.observe(atS, findings);
  }
}
