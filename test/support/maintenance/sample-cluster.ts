import { plannerInput, type PlannerInput } from '../../../lib/maintenance/planner/model';
import { seeded } from '../seeded-random';

/**
 * A reproducible cluster for tests and the benchmark: `hostCount` hosts of 8, 12 or 16 slots, the first
 * one empty with 16 slots (the spare Fenix asks for, so the cluster can always be maintained one
 * host at a time), about 85% of hosts to maintain, instances in groups with random Fenix
 * constraints that the initial placement keeps.
 */
export function sampleCluster(seed: number, hostCount: number): PlannerInput {
  const random = seeded(seed);
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const hosts = Array.from({ length: hostCount }, (_, n) => ({
    name: `compute-${String(n).padStart(2, '0')}`,
    slots: n === 0 ? 16 : pick([8, 12, 16]),
    maintain: random() < 0.85,
  }));
  const groups = Array.from({ length: between(0, 6) }, (_, n) => {
    const anti = random() < 0.4;
    return {
      group_id: `group-${n}`,
      project_id: `project-${n % 3}`,
      anti_affinity_group: anti,
      max_instances_per_host: anti ? 0 : pick([0, 0, 2, 3]),
      max_impacted_members: pick([1, 1, 2, 3]),
      recovery_time: pick([0, 30, 60, 120]),
    };
  });

  const instances = hosts.slice(1).flatMap((host) => {
    const onHost: { id: string; size: number; group_id?: string }[] = [];
    let load = 0;
    // Hosts 40% to 75% full.
    const target = host.slots * (0.4 + random() * 0.35);
    while (load < target) {
      const size = random() < 0.8 ? 1 : 2;
      if (load + size > host.slots) break;
      // Only groups this host can still take, so the initial placement keeps the constraints.
      const fits = groups.filter((g) => {
        const members = onHost.filter((i) => i.group_id === g.group_id).length;
        return members < (g.anti_affinity_group ? 1 : g.max_instances_per_host || Infinity);
      });
      const group = fits.length > 0 && random() < 0.5 ? pick(fits) : undefined;
      onHost.push({ id: `${host.name}-vm-${onHost.length}`, size, ...(group && { group_id: group.group_id }) });
      load += size;
    }
    return onHost.map((i) => {
      const migration_type = pick(['LIVE_MIGRATE', 'LIVE_MIGRATE', 'MIGRATE', 'OWN_ACTION'] as const);
      return {
        ...i,
        host: host.name,
        project_id: i.group_id ? (groups.find((g) => g.group_id === i.group_id)?.project_id ?? '') : 'project-x',
        migration_type,
        lead_time: migration_type === 'OWN_ACTION' ? pick([30, 60, 120]) : pick([0, 0, 30]),
      };
    });
  });

  return plannerInput.parse({ hosts, instances, groups, maintenanceDuration: pick([300, 600, 900]) });
}
