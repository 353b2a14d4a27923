/**
 * Maintenance makespan of simulated 20-host clusters under constraints (pure: no stack needed):
 * nfvi-doctor's drain planner against Fenix's one host at a time, and against the lower bound
 * the constraints allow. `npm run bench` includes it; `npm run bench:maintenance` runs it alone
 * and writes bench-results/maintenance.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makespanLowerBound } from '../support/maintenance/lower-bound';
import { sampleCluster } from '../support/maintenance/sample-cluster';
import { fenixBaseline, simulate } from '../support/maintenance/simulate';

export const MAINTENANCE_SEEDS = [1, 2, 3, 4, 5, 20];
const HOSTS = 20;

export function maintenanceMakespan() {
  return MAINTENANCE_SEEDS.map((seed) => {
    const input = sampleCluster(seed, HOSTS);
    const planned = simulate(input);
    const baseline = fenixBaseline(input);
    const bound = makespanLowerBound(input);
    return {
      seed,
      hosts: input.hosts.length,
      maintained: input.hosts.filter((h) => h.maintain).length,
      instances: input.instances.length,
      groups: input.groups.length,
      maintenanceS: input.maintenanceDuration,
      plannerS: planned.makespan,
      plannerComplete: planned.complete,
      fenixOneAtATimeS: baseline.makespan,
      lowerBoundS: bound.makespan,
      plannerOverBound: Math.round((planned.makespan / bound.makespan) * 100) / 100,
      fenixOverPlanner: Math.round((baseline.makespan / planned.makespan) * 10) / 10,
      moves: planned.moves.length,
    };
  });
}

export function printMaintenance(rows: ReturnType<typeof maintenanceMakespan>): void {
  process.stdout.write('maintenance makespan, 20-host clusters under constraints (simulated):\n');
  for (const r of rows)
    process.stdout.write(
      `  seed ${r.seed}: ${r.maintained} hosts / ${r.instances} instances / ${r.groups} groups: planner ${r.plannerS} s, Fenix one at a time ${r.fenixOneAtATimeS} s, lower bound ${r.lowerBoundS} s (planner ${r.plannerOverBound}x the bound, Fenix ${r.fenixOverPlanner}x the planner)\n`,
    );
}

if (require.main === module) {
  const rows = maintenanceMakespan();
  printMaintenance(rows);
  const dir = join(__dirname, '..', '..', 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'maintenance.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), rows }, null, 2)}\n`,
  );
  process.stdout.write('results written to bench-results/maintenance.json\n');
}
