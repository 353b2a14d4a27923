import {
  instanceGroupConstraint,
  type InstanceConstraint,
  type InstanceGroupConstraint,
} from '../constraints/constraints';
import type { PlannedStep, PlanRequest, Session, WaitingHosts } from '../session/session';
import { planStep } from './drain-planner';
import { plannerInput, type Move, type PlannerInput, type PlannerState, type StepDecision } from './model';

/** What the VIM and the constraints store say of the cluster when a session asks for its next step. */
export interface ClusterSnapshot {
  /** Compute hosts: enabled and up ones may receive instances. */
  hosts: { name: string; enabled: boolean; up: boolean; aggregates: string[] }[];
  /** Every instance on those hosts, of every project. */
  instances: { id: string; project_id: string; host: string }[];
  instanceConstraints: InstanceConstraint[];
  groupConstraints: InstanceGroupConstraint[];
  /** Instances a host can hold (the unit of capacity; every instance counts 1). */
  slotsPerHost: number;
}

/** Planning again when a group's recovery window has no known end. */
const RETRY_S = 30;
const seconds = (iso: string) => Date.parse(iso) / 1000;
const iso = (s: number) => new Date(s * 1000).toISOString();

/**
 * The session's next step from the drain planner. The planner may start draining a host whose
 * instances cannot all move yet (a group's max_impacted_members or recovery_time); a session step
 * moves all of its instances at once, so a step takes only the hosts whose every move may start
 * now, and the others wait for a later step. When none may, the session waits until the earliest
 * recovery ends; when no host has room, the tenants are asked to scale in once, then the plan fails.
 */
export function planSessionStep(
  session: Session,
  request: PlanRequest,
  cluster: ClusterSnapshot,
  now: string,
): PlannedStep {
  const input = inputOf(session, request, cluster);
  const state = stateOf(session, request, input, seconds(now));
  const decision = planStep(input, state);
  const waiting = waitingOf(decision);
  const moving = new Set(decision.moves.map((m) => m.instanceId));
  const ready = decision.startDraining.filter(({ targets }) => Object.keys(targets).every((id) => moving.has(id)));
  if (ready.length > 0) {
    const projectOf = new Map(input.instances.map((i) => [i.id, i.project_id]));
    const leadTimeOf = new Map(input.instances.map((i) => [i.id, i.lead_time]));
    for (const { host } of decision.startDraining.filter((d) => !ready.includes(d)))
      waiting[host] = [...(waiting[host] ?? []), 'waits for a later step: not all its instances may move now'];
    return {
      kind: 'drain',
      hosts: ready.map((d) => d.host),
      moves: ready.flatMap(({ host, targets }) =>
        Object.entries(targets).map(([id, to]) => ({
          instance_id: id,
          project_id: projectOf.get(id) as string,
          from_host: host,
          to_host: to,
          ...(leadTimeOf.get(id) ? { lead_time_s: leadTimeOf.get(id) } : {}),
        })),
      ),
      waiting,
    };
  }
  if (decision.startDraining.length > 0) {
    const recoveries = state.moves.map((m) => m.recoveredAt).filter((t) => t > state.now);
    const until = recoveries.length > 0 ? Math.min(...recoveries) : state.now + RETRY_S;
    return { kind: 'wait', until: iso(until), waiting };
  }
  if (!session.history.some((h) => h.to === 'SCALE_IN')) return { kind: 'scale-in', waiting };
  const reasons = Object.entries(waiting).map(([host, why]) => `${host}: ${why.join('; ')}`);
  return { kind: 'infeasible', reason: reasons.join(' | ') || 'no host can be emptied' };
}

/**
 * The hosts the session maintains and those that may receive their instances: enabled hosts up,
 * in an aggregate of a maintained host when those are in aggregates (instances stay where their
 * flavors and images may run).
 */
function inputOf(session: Session, request: PlanRequest, cluster: ClusterSnapshot): PlannerInput {
  const sessionHosts = new Set(Object.keys(session.hosts));
  const pending = new Set(request.pending_hosts);
  const aggregates = new Set(cluster.hosts.filter((h) => sessionHosts.has(h.name)).flatMap((h) => h.aggregates));
  const receives = (h: ClusterSnapshot['hosts'][number]) =>
    h.enabled && h.up && (aggregates.size === 0 || h.aggregates.some((a) => aggregates.has(a)));
  // A maintained host receives only once it is back (enabled and up): maintenance may leave it down.
  const hosts = cluster.hosts.filter(
    (h) =>
      pending.has(h.name) || (receives(h) && (!sessionHosts.has(h.name) || request.maintained_hosts.includes(h.name))),
  );
  // A pending host that may not receive must still be emptied: room for what it holds, no more (an
  // empty one is emptied, so closed to others, before any host is given a target).
  const held = (host: string) => cluster.instances.filter((i) => i.host === host).length;
  const slotsOf = (h: ClusterSnapshot['hosts'][number]) =>
    receives(h) ? cluster.slotsPerHost : Math.max(1, held(h.name));
  const names = new Set(hosts.map((h) => h.name));
  const instances = cluster.instances.filter((i) => names.has(i.host));
  const constraintOf = new Map(cluster.instanceConstraints.map((c) => [c.instance_id, c]));
  const groupOf = new Map(cluster.groupConstraints.map((g) => [`${g.project_id}/${g.group_id}`, g]));
  const groups = new Map<string, InstanceGroupConstraint>();
  const planned = instances.map((i) => {
    const constraint = constraintOf.get(i.id);
    const groupId = constraint?.group_id;
    if (groupId !== undefined) {
      // Group ids are the tenant's own: the same id in two projects names two groups.
      const key = `${i.project_id}/${groupId}`;
      groups.set(
        key,
        groupOf.get(key) ?? instanceGroupConstraint.parse({ group_id: groupId, project_id: i.project_id }),
      );
    }
    return {
      id: i.id,
      project_id: i.project_id,
      host: i.host,
      ...(groupId !== undefined && { group_id: `${i.project_id}/${groupId}` }),
      migration_type: constraint?.migration_type ?? request.default_action,
      lead_time: constraint?.lead_time ?? 0,
    };
  });
  return plannerInput.parse({
    hosts: hosts.map((h) => ({ name: h.name, slots: slotsOf(h), maintain: pending.has(h.name) })),
    instances: planned,
    groups: [...groups].map(([key, g]) => ({ ...g, group_id: key })),
    maintenanceDuration: 0,
  });
}

/** Where the cluster is: pending hosts to drain, maintained ones done, and the moves still recovering. */
function stateOf(session: Session, request: PlanRequest, input: PlannerInput, now: number): PlannerState {
  const groupOf = new Map(input.instances.map((i) => [i.id, i.group_id]));
  const recoveryOf = new Map(input.groups.map((g) => [g.group_id, g.recovery_time]));
  const moves: Move[] = Object.entries(session.step?.moves ?? {}).flatMap(([id, m]) => {
    const groupId = groupOf.get(id);
    if (!m.done_at || groupId === undefined) return [];
    const done = seconds(m.done_at);
    return [
      {
        instanceId: id,
        groupId,
        type: m.action ?? request.default_action,
        from: m.from_host,
        to: m.to_host ?? '',
        startedAt: done,
        endsAt: done,
        recoveredAt: done + (recoveryOf.get(groupId) ?? 0),
      },
    ];
  });
  return {
    now,
    placement: Object.fromEntries(input.instances.map((i) => [i.id, i.host])),
    phases: Object.fromEntries([
      ...request.pending_hosts.map((h) => [h, 'PENDING' as const]),
      ...request.maintained_hosts.filter((h) => input.hosts.some((x) => x.name === h)).map((h) => [h, 'DONE' as const]),
    ]),
    targets: {},
    moves,
  };
}

function waitingOf(decision: StepDecision): WaitingHosts {
  return Object.fromEntries(decision.waiting.map((w) => [w.host, [...w.reasons]]));
}
