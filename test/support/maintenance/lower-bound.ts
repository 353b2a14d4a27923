import { moveDuration } from '../../../lib/maintenance/planner/drain-planner';
import type { PlannerInput, PlannerInstance } from '../../../lib/maintenance/planner/model';

export interface LowerBound {
  /** No schedule within the constraints maintains every host sooner; Infinity if none can. */
  makespan: number;
  /** Longest single host: the moves off it, then its maintenance. */
  host: number;
  /** Longest group: its members' moves, max_impacted_members at a time, then one maintenance. */
  group: number;
  /** Maintenances, at most `hostsAtOnce` at a time, after the first host can be empty. */
  parallel: number;
  /** All moves within maxMovesAtOnce, then one maintenance (0 without that cap). */
  moves: number;
  /** Most hosts that can be in maintenance at once, as slots, groups and maxHostsAtOnce allow. */
  hostsAtOnce: number;
}

/**
 * A lower bound on the makespan of any schedule that keeps the constraints, whatever the planner.
 * Each part holds for every schedule, so their maximum does:
 * - host: every instance on a host to maintain must leave it (a move of at least its duration,
 *   starting at 0 or later) before that host's maintenance starts;
 * - group: a member is impacted from the start of its move until recovery_time after its end, and at
 *   most max_impacted_members are impacted at once, so those windows fall into that many lanes; the
 *   busiest lane holds ceil(m / max) windows one after another, each at least the shortest move plus
 *   recovery_time, and the host the last member left is maintained after its move ends. The same
 *   holds for the members on one host, before that host's maintenance (part of `host`);
 * - parallel: hosts in maintenance are empty, so the other hosts hold every instance (total slots
 *   minus the smallest maintained hosts' slots must cover all sizes), keep each anti-affinity group
 *   one member per host and each max_instances_per_host group within its limit. With at most p
 *   maintenances of equal length D overlapping, the one started (k*p+1)-th cannot start before k*D
 *   after the first, and the first cannot start before some host can be empty;
 * - moves: with at most c moves at once, the moves' total duration takes at least its c-th part.
 */
export function makespanLowerBound(input: PlannerInput): LowerBound {
  const D = input.maintenanceDuration;
  const maintained = input.hosts.filter((h) => h.maintain);
  const moving = input.instances.filter((i) => maintained.some((h) => h.name === i.host));
  const duration = (i: PlannerInstance) => moveDuration(input, i);
  const cap = input.maxMovesAtOnce;
  const movesTime = (instances: PlannerInstance[]) =>
    cap === undefined ? 0 : instances.reduce((sum, i) => sum + duration(i), 0) / cap;
  const groupTime = (instances: PlannerInstance[]) =>
    Math.max(
      0,
      ...instances.map(duration),
      ...input.groups.map((g) => {
        const members = instances.filter((i) => i.group_id === g.group_id).map(duration);
        if (members.length === 0) return 0;
        const shortest = Math.min(...members);
        return (Math.ceil(members.length / g.max_impacted_members) - 1) * (shortest + g.recovery_time) + shortest;
      }),
    );
  const drain = (host: string) => {
    const residents = moving.filter((i) => i.host === host);
    return Math.max(groupTime(residents), movesTime(residents));
  };

  if (maintained.length === 0) return { makespan: 0, host: 0, group: 0, parallel: 0, moves: 0, hostsAtOnce: 0 };
  const host = Math.max(...maintained.map((h) => drain(h.name) + D));
  const group = groupTime(moving) + D;
  const moves = cap === undefined ? 0 : movesTime(moving) + D;

  const spare = sum(input.hosts.map((h) => h.slots)) - sum(input.instances.map((i) => i.size));
  const smallestFirst = maintained.map((h) => h.slots).sort((a, b) => a - b);
  let bySlots = 0;
  while (bySlots < smallestFirst.length && sum(smallestFirst.slice(0, bySlots + 1)) <= spare) bySlots += 1;
  const hostsNeeded = input.groups.map((g) => {
    const members = input.instances.filter((i) => i.group_id === g.group_id).length;
    if (g.anti_affinity_group) return members;
    return g.max_instances_per_host > 0 ? Math.ceil(members / g.max_instances_per_host) : 0;
  });
  const hostsAtOnce = Math.max(
    0,
    Math.min(bySlots, input.hosts.length - Math.max(0, ...hostsNeeded), input.maxHostsAtOnce ?? Infinity),
  );
  const parallel =
    hostsAtOnce === 0
      ? Infinity
      : Math.min(...maintained.map((h) => drain(h.name))) + Math.ceil(maintained.length / hostsAtOnce) * D;

  return { makespan: Math.max(host, group, parallel, moves), host, group, parallel, moves, hostsAtOnce };
}

const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);
