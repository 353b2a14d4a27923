import { z } from 'zod';
import { instanceGroupConstraint, migrationType } from '../constraints/constraints';

/** The drain planner's view of a cluster. Durations are seconds; sizes are host slots. */
const name = z.string().min(1).max(255);
const seconds = z.number().nonnegative();

export const plannerHost = z.object({
  name,
  /** Room for instances, in the unit of instance `size`. */
  slots: z.number().int().positive(),
  /** Whether this session maintains the host; other hosts only receive instances. */
  maintain: z.boolean(),
});
export type PlannerHost = z.infer<typeof plannerHost>;

/**
 * An instance with its Fenix constraint. max_interruption_time is not here: the tenant chose the
 * migration type with it in mind, and the planner never changes that choice.
 */
export const plannerInstance = z.object({
  id: name,
  project_id: name,
  host: name,
  group_id: name.optional(),
  size: z.number().int().positive().default(1),
  migration_type: migrationType.default('MIGRATE'),
  /** Notice the VNF manager gets before its instance is moved (or, for OWN_ACTION, moves it itself). */
  lead_time: seconds.default(0),
});
export type PlannerInstance = z.infer<typeof plannerInstance>;

export const plannerGroup = instanceGroupConstraint;
export type PlannerGroup = z.infer<typeof plannerGroup>;

/** Estimated time a move takes once its lead time is over; OWN_ACTION is the VNF manager's, within its lead time. */
export const moveDurations = z.object({
  LIVE_MIGRATE: seconds.default(10),
  MIGRATE: seconds.default(30),
  OWN_ACTION: seconds.default(0),
});
export type MoveDurations = z.infer<typeof moveDurations>;

export const plannerInput = z
  .object({
    hosts: z.array(plannerHost).min(1),
    instances: z.array(plannerInstance),
    groups: z.array(plannerGroup).default([]),
    moveDurations: moveDurations.prefault({}),
    /** Time to maintain a host once it is empty. */
    maintenanceDuration: seconds,
    /** Operator's cap on hosts draining or in maintenance at once. */
    maxHostsAtOnce: z.number().int().positive().optional(),
    /** Operator's cap on instance moves in flight at once. */
    maxMovesAtOnce: z.number().int().positive().optional(),
  })
  .superRefine((input, ctx) => {
    const hosts = new Set(input.hosts.map((h) => h.name));
    const groups = new Set(input.groups.map((g) => g.group_id));
    const duplicate = <T>(items: T[], key: (item: T) => string) =>
      items.map(key).find((k, i, keys) => keys.indexOf(k) !== i);
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    const host = duplicate(input.hosts, (h) => h.name);
    if (host) issue(`host ${host} is listed twice`);
    const instance = duplicate(input.instances, (i) => i.id);
    if (instance) issue(`instance ${instance} is listed twice`);
    const group = duplicate(input.groups, (g) => g.group_id);
    if (group) issue(`group ${group} is listed twice`);
    for (const i of input.instances) {
      if (!hosts.has(i.host)) issue(`instance ${i.id} is on unknown host ${i.host}`);
      // An unknown group would silently lift its limits; the caller supplies Fenix's defaults instead.
      if (i.group_id !== undefined && !groups.has(i.group_id))
        issue(`instance ${i.id} names group ${i.group_id}, which has no constraint`);
    }
  });
export type PlannerInput = z.infer<typeof plannerInput>;

/** Where a host to maintain is in the session; hosts not maintained have no phase. */
export type HostPhase = 'PENDING' | 'DRAINING' | 'IN_MAINTENANCE' | 'DONE';

export interface Move {
  instanceId: string;
  groupId?: string;
  type: PlannerInstance['migration_type'];
  from: string;
  /** For OWN_ACTION, the room kept for the instance the VNF manager moves or re-creates. */
  to: string;
  startedAt: number;
  /** When the instance runs on `to`. */
  endsAt: number;
  /** When its group stops counting it as impacted: endsAt + the group's recovery_time. */
  recoveredAt: number;
}

/** What the planner knows at one moment; the session (or the simulation) keeps it. */
export interface PlannerState {
  now: number;
  /** Host of each instance; an instance being moved is already counted on its target. */
  placement: Record<string, string>;
  phases: Record<string, HostPhase>;
  /** Target reserved for each instance of a draining host that has not started its move. */
  targets: Record<string, string>;
  /** Moves whose instance still impacts its group (moving or recovering); older ones may be dropped. */
  moves: Move[];
}

export interface WaitingHost {
  host: string;
  phase: 'PENDING' | 'DRAINING';
  reasons: string[];
}

/** What to do now. Apply it with applyStep, then ask again once something has finished. */
export interface StepDecision {
  now: number;
  /** Hosts to take out of scheduling now, with the target reserved for each of their instances. */
  startDraining: { host: string; targets: Record<string, string> }[];
  moves: Move[];
  /** Empty hosts to put in maintenance now. */
  startMaintenance: string[];
  /** Hosts that cannot start, or whose instances cannot move yet, and why. */
  waiting: WaitingHost[];
}
