import { z } from 'zod';
import { ATA_SECTOR_ATTRIBUTES, type AtaSmartAttribute, type SmartctlOutput } from '../hardware/smartctl';
import {
  growthFinding,
  persistence,
  PredictionLatch,
  severityAtLeast,
  thresholdFor,
  thresholds,
  type Finding,
  type Prediction,
  type Predictor,
} from './predictor';
import { SampleWindow } from './trend';

export const diskPredictionConfig = z.object({
  /** Sector and media error counts are compared over this window. */
  windowS: z.number().positive().default(86_400),
  persistS: persistence(900),
  /** Growth of each of the reallocated (5), pending (197) and offline uncorrectable (198) sector counts. */
  sectorGrowth: thresholds(10, 100),
  /** A pre-fail attribute's normalised value this close to its threshold is a warning. */
  prefailMargin: z.number().int().nonnegative().default(10),
  /** Growth of the NVMe media and data integrity error count. */
  mediaErrorGrowth: thresholds(1, 10),
  /** NVMe percentage of rated endurance used. */
  percentageUsed: thresholds(90, 100),
  /** NVMe available spare this close (in percent) above its threshold is a warning; below it, major. */
  spareMargin: z.number().nonnegative().default(10),
});
export type DiskPredictionConfig = z.infer<typeof diskPredictionConfig>;

/** What the disk predictor reads of `smartctl --json -a`. */
export type DiskReading = Pick<SmartctlOutput, 'ata_smart_attributes' | 'nvme_smart_health_information_log'>;

/**
 * An ATA pre-fail attribute at or near the threshold at which the drive itself declares it
 * failing. Attributes with threshold 0 never fail, and are skipped. Near means within the margin
 * and fallen below the best value seen: some scales start close to their threshold (Seagate's
 * Spin_Retry_Count is 100 with threshold 97 on a healthy drive).
 */
function prefailFinding(attribute: AtaSmartAttribute, best: number, margin: number): Finding | undefined {
  const { name, value, thresh, when_failed: whenFailed, flags } = attribute;
  if (!flags?.prefailure || value === undefined || !thresh) return undefined;
  const figures = `${name} normalised value ${value}, failure threshold ${thresh}`;
  const cause = `SMART pre-fail attribute ${name}`;
  if (whenFailed === 'now' || value <= thresh)
    return { severity: 'MAJOR', cause: `${cause} failing`, evidence: `${figures}: failing now` };
  if (whenFailed === 'past')
    return { severity: 'WARNING', cause: `${cause} failed before`, evidence: `${figures}: failed in the past` };
  if (value <= thresh + margin && value < best)
    return {
      severity: 'WARNING',
      cause: `${cause} near its threshold`,
      evidence: `${figures}: down from ${best}, within ${margin} of it`,
    };
  return undefined;
}

/**
 * Predicts a disk's failure from its SMART data (ATA or NVMe), one instance per device:
 * sector and media error counts that keep growing, pre-fail attributes at or near their
 * thresholds, NVMe endurance used up or spare capacity running out.
 *
 * A count that jumps once is predicted only if the following readings confirm it for persistS
 * (the count stays up, so its growth within the window holds); a garbled reading that drops back
 * holds for one reading and predicts nothing. Once the counts stop growing, the prediction clears
 * when the jump has left the window and persistS has passed.
 */
export class DiskPredictor implements Predictor<DiskReading> {
  private readonly counters = new Map<string, SampleWindow>();
  /** The highest normalised value seen of each attribute, by id. */
  private readonly best = new Map<number, number>();
  private readonly latch: PredictionLatch;

  constructor(private readonly config: DiskPredictionConfig) {
    this.latch = new PredictionLatch(config.persistS);
  }

  observe(atS: number, reading: DiskReading): Prediction | undefined {
    const findings: Finding[] = [];
    for (const attribute of reading.ata_smart_attributes?.table ?? []) {
      const what = ATA_SECTOR_ATTRIBUTES[attribute.id];
      if (what) {
        const counter = this.counter(`ata ${attribute.id}`, atS, attribute.raw.value);
        findings.push(growthFinding(counter, what, this.config.sectorGrowth, `growing ${what}`));
      }
      const best = Math.max(attribute.value ?? 0, this.best.get(attribute.id) ?? 0);
      this.best.set(attribute.id, best);
      const prefail = prefailFinding(attribute, best, this.config.prefailMargin);
      if (prefail) findings.push(prefail);
    }
    const nvme = reading.nvme_smart_health_information_log;
    if (nvme) findings.push(...this.nvmeFindings(atS, nvme));
    return this.latch.observe(atS, findings);
  }

  private nvmeFindings(atS: number, nvme: NonNullable<DiskReading['nvme_smart_health_information_log']>): Finding[] {
    const findings: Finding[] = [];
    const { media_errors: mediaErrors, percentage_used: used, available_spare: spare } = nvme;
    if (mediaErrors !== undefined) {
      const counter = this.counter('nvme media errors', atS, mediaErrors);
      const what = 'NVMe media and data integrity errors';
      findings.push(growthFinding(counter, what, this.config.mediaErrorGrowth, `growing ${what}`));
    }
    if (used !== undefined) {
      const severity = severityAtLeast(used, this.config.percentageUsed);
      const threshold = thresholdFor(severity, this.config.percentageUsed);
      findings.push({
        severity,
        cause: 'NVMe rated endurance used up',
        evidence: `NVMe percentage used ${used} % (threshold ${threshold} %)`,
      });
    }
    const spareThreshold = nvme.available_spare_threshold;
    if (spare !== undefined && spareThreshold !== undefined) {
      const severity =
        spare < spareThreshold ? 'MAJOR' : spare <= spareThreshold + this.config.spareMargin ? 'WARNING' : undefined;
      findings.push({
        severity,
        cause: 'NVMe spare capacity running out',
        evidence: `NVMe available spare ${spare} %, threshold ${spareThreshold} % (warning within ${this.config.spareMargin})`,
      });
    }
    return findings;
  }

  private counter(key: string, atS: number, value: number): SampleWindow {
    const counter = this.counters.get(key) ?? new SampleWindow(this.config.windowS);
    this.counters.set(key, counter);
    counter.add(atS, value);
    return counter;
  }
}
