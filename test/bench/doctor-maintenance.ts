import type { LocalCloud } from '../../infra/local/local-cloud';
import { runDoctorScenario, type Workflow } from '../support/maintenance/doctor-scenario';

export interface DoctorMaintenanceRow {
  workflow: Workflow;
  finalState: string;
  hosts: number;
  moves: number;
  /** maintenance_at -> MAINTENANCE_DONE, from the session's history. */
  maintenanceS: number;
  /** Session created -> Doctor's poll that saw it end (every 10 s). */
  toDoctorsPollS: number;
  violations: number;
}

/**
 * Doctor's maintenance scenario on the local OpenStack (test/support/maintenance/doctor-scenario.ts),
 * once per workflow: every compute host maintained with no plug-in, the VNF's pair and two more
 * instances moved under their constraints; how long the hosts' part takes, and what Doctor waits.
 */
export async function doctorMaintenance(cloud: LocalCloud): Promise<DoctorMaintenanceRow[]> {
  const rows: DoctorMaintenanceRow[] = [];
  const [a, b, c] = (await cloud.nova().listServices({ binary: 'nova-compute' })).map((s) => s.host).sort();
  if (!a || !b || !c) throw new Error("Doctor's maintenance scenario needs three compute hosts");
  for (const workflow of ['default', 'vnf'] as const) {
    const run = await runDoctorScenario(cloud, workflow, 'tenant-a', { ha: [a, b], other: c });
    try {
      rows.push({
        workflow,
        finalState: run.finalState,
        hosts: run.hosts,
        moves: run.moves,
        maintenanceS: Math.round(run.maintenanceS * 10) / 10,
        toDoctorsPollS: Math.round(run.elapsedS),
        violations: run.violations.length,
      });
    } finally {
      await run.cleanUp();
    }
  }
  return rows;
}

export function printDoctorMaintenance(rows: DoctorMaintenanceRow[]): void {
  for (const r of rows)
    process.stdout.write(
      `  ${r.workflow} workflow: ${r.finalState}, ${r.hosts} hosts, ${r.moves} instances moved; maintenance_at -> done ${r.maintenanceS} s; Doctor's poll saw it after ${r.toDoctorsPollS} s; ${r.violations} constraint violations seen in Nova\n`,
    );
}
