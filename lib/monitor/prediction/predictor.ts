import { z } from 'zod';
import type { FailurePredictionDetail } from '../../contracts/southbound';
import { Persistence, type SampleWindow } from './trend';

export type Severity = FailurePredictionDetail['severity'];

/** A change of a prediction, in the southbound contract's terms (the source clips it to the contract's lengths). */
export type Prediction = Pick<FailurePredictionDetail, 'predicted' | 'severity' | 'probableCause' | 'evidence'>;

/** Feeds one reading of a subject at `atS` (seconds); answers only when its prediction changes. */
export interface Predictor<R> {
  observe(atS: number, reading: R): Prediction | undefined;
}

/** What one check of one reading found: the severity it supports (none when healthy), why, and the numbers. */
export type Finding = { severity: Severity | undefined; cause: string; evidence: string };

/** How long (s) a trend must hold on every reading to be predicted, and be gone to be cleared. */
export const persistence = (seconds: number) => z.number().positive().default(seconds);

/** A figure that predicts a failure from `warning` on, and strongly from `major` on. */
export const thresholds = (warning: number, major: number) =>
  z
    .object({ warning: z.number().positive().default(warning), major: z.number().positive().default(major) })
    .default({ warning, major });
export type Thresholds = z.infer<ReturnType<typeof thresholds>>;

/** The severity a figure reaches on thresholds that it crosses going up. */
export function severityAtLeast(value: number, { warning, major }: Thresholds): Severity | undefined {
  return value >= major ? 'MAJOR' : value >= warning ? 'WARNING' : undefined;
}

/** The threshold a severity was reached at, or the first one while none is. */
export const thresholdFor = (severity: Severity | undefined, limits: Thresholds): number =>
  severity === 'MAJOR' ? limits.major : limits.warning;

/** A counter's growth within its window, e.g. "reallocated sectors 8 -> 24 within 3600 s (threshold 10)". */
export function growthFinding(counter: SampleWindow, what: string, limits: Thresholds, cause: string): Finding {
  const severity = counter.grewBy(limits.major) ? 'MAJOR' : counter.grewBy(limits.warning) ? 'WARNING' : undefined;
  const span = Math.round(counter.spanS());
  return {
    severity,
    cause,
    evidence: `${what} ${counter.oldest?.value} -> ${counter.latest?.value} within ${span} s (threshold ${thresholdFor(severity, limits)})`,
  };
}

const RANK: Record<Severity, number> = { WARNING: 1, MAJOR: 2 };
const SEVERITIES: Severity[] = ['MAJOR', 'WARNING'];

/** The worst severity among the findings, its cause, and the numbers (those that fired first). */
function assess(findings: Finding[]): {
  severity: Severity | undefined;
  cause: string | undefined;
  evidence: string[];
} {
  const fired = findings.filter((finding) => finding.severity !== undefined);
  const worst = SEVERITIES.map((severity) => fired.find((f) => f.severity === severity)).find(Boolean);
  const ordered = [...fired, ...findings.filter((finding) => finding.severity === undefined)];
  return {
    severity: worst?.severity,
    cause: worst?.cause,
    evidence: ordered.map((finding) => finding.evidence),
  };
}

/**
 * Turns each reading's findings into prediction transitions, never on one reading alone:
 * - predicted at a severity once every reading for `persistS` supported at least that severity;
 * - escalated from WARNING to MAJOR the same way (an escalation is a transition too);
 * - cleared once no reading for `persistS` supported any (hysteresis: a trend that comes and
 *   goes keeps its prediction). A prediction keeps its severity until cleared, so a trend that
 *   eases without ending does not flap between WARNING and MAJOR.
 */
export class PredictionLatch {
  private readonly atLeast: Record<Severity, Persistence> = { WARNING: new Persistence(), MAJOR: new Persistence() };
  private readonly healthy = new Persistence();
  private reported: { severity: Severity; probableCause: string } | undefined;

  constructor(private readonly persistS: number) {}

  observe(atS: number, findings: Finding[]): Prediction | undefined {
    const { severity, cause, evidence } = assess(findings);
    const rank = severity ? RANK[severity] : 0;
    for (const level of SEVERITIES) this.atLeast[level].update(atS, rank >= RANK[level]);
    this.healthy.update(atS, rank === 0);

    const held = SEVERITIES.find((level) => this.atLeast[level].heldFor(atS, this.persistS));
    if (held && cause && (!this.reported || RANK[held] > RANK[this.reported.severity])) {
      // The cause of a persisting level, not necessarily this reading's worst (which may be newer).
      const probableCause = findings.find((finding) => finding.severity === held)?.cause ?? cause;
      this.reported = { severity: held, probableCause };
      return { predicted: true, ...this.reported, evidence };
    }
    if (this.reported && this.healthy.heldFor(atS, this.persistS)) {
      const cleared = this.reported;
      this.reported = undefined;
      return { predicted: false, ...cleared, evidence };
    }
    return undefined;
  }
}
