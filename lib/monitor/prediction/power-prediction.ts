import { z } from 'zod';
import { persistence, PredictionLatch, type Finding, type Prediction, type Predictor } from './predictor';

export const powerPredictionConfig = z.object({
  persistS: persistence(60),
  /** How many power supplies the host has; by default the most seen since the collector started. */
  expectedPsus: z.number().int().min(1).optional(),
});
export type PowerPredictionConfig = z.infer<typeof powerPredictionConfig>;

/** The host's power supplies and its BMC's power redundancy sensors, as the BMC reports them. */
export type PowerReading = {
  psus: { name: string; ok: boolean; state: string }[];
  redundancy: { name: string; state: string }[];
};

/** IPMI redundancy states (IPMI 2.0 table 42-2, generic offsets of reading type 0Bh), as ipmitool prints them. */
const REDUNDANCY_LOST = /redundancy lost|non-redundant/i;
const REDUNDANCY_DEGRADED = /redundancy degraded/i;

/**
 * Predicts a power failure: a host that lost power supply redundancy goes down with the next
 * supply that fails. Major when at most one supply of several is ok or a redundancy sensor says
 * redundancy is lost; a warning when redundancy is degraded (an N+1 host down a supply, still
 * with two). A host with a single supply has no redundancy to lose: only its sensors count.
 */
export class PowerPredictor implements Predictor<PowerReading> {
  private mostSeen = 0;
  private readonly latch: PredictionLatch;

  constructor(private readonly config: PowerPredictionConfig) {
    this.latch = new PredictionLatch(config.persistS);
  }

  observe(atS: number, { psus, redundancy }: PowerReading): Prediction | undefined {
    this.mostSeen = Math.max(this.mostSeen, psus.length);
    const expected = this.config.expectedPsus ?? this.mostSeen;
    const findings: Finding[] = [];
    if (expected > 1) {
      const ok = psus.filter((psu) => psu.ok).length;
      const failing = psus.filter((psu) => !psu.ok).map((psu) => `${psu.name} (${psu.state || 'no state'})`);
      findings.push({
        severity: ok >= expected ? undefined : ok <= 1 ? 'MAJOR' : 'WARNING',
        cause: ok <= 1 ? 'power supply redundancy lost' : 'power supply redundancy degraded',
        evidence: `${ok} of ${expected} power supplies ok${failing.length > 0 ? `; not ok: ${failing.join(', ')}` : ''}`,
      });
    }
    for (const sensor of redundancy) {
      const lost = REDUNDANCY_LOST.test(sensor.state);
      findings.push({
        severity: lost ? 'MAJOR' : REDUNDANCY_DEGRADED.test(sensor.state) ? 'WARNING' : undefined,
        cause: lost ? 'power supply redundancy lost' : 'power supply redundancy degraded',
        evidence: `${sensor.name}: ${sensor.state}`,
      });
    }
    return this.latch.observe(atS, findings);
  }
}
