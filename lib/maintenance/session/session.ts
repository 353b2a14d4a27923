import { z } from 'zod';
import {
  actionPlugin,
  hostProgress,
  instanceAction,
  replyState,
  sessionState,
  type ActionPlugin,
  type CreateSessionBody,
  type HostNotification,
  type InstanceAction,
  type SessionNotification,
  type TenantNotification,
  type TenantReplyBody,
} from '../../contracts/fenix';

/** What the session waits for next; the sweeper acts on `deadline_at` according to it. */
export const waitingFor = z.enum([
  'REPLIES',
  'MAINTENANCE_AT',
  'PLAN',
  /** vnf workflow: answered moves wait for their instance's lead_time. */
  'LEAD_TIME',
  'DRAIN',
  'HOST_MAINTENANCE',
  /** The operator hook runs the session's pre or post plug-ins. */
  'SESSION_ACTIONS',
  'NOTHING',
]);
export type WaitingFor = z.infer<typeof waitingFor>;

/** One project's part in a round: the instances it is asked about and its answer. */
export const roundProject = z.object({
  instance_ids: z.array(z.string()),
  /** DEFAULT: no answer by reply_at, so the session's default action applies. */
  verdict: z.enum(['ACK', 'NACK', 'DEFAULT']).optional(),
  answered_at: z.string().optional(),
  instance_actions: z.record(z.string(), instanceAction).optional(),
  /** vnf workflow: each instance's own answer (the project's verdict once every instance has one). */
  instance_verdicts: z.record(z.string(), z.enum(['ACK', 'NACK', 'DEFAULT'])).optional(),
});

/** One notification of a state to the tenants concerned, and their replies. */
const round = z.object({
  seq: z.number().int().positive(),
  state: replyState,
  opened_at: z.string(),
  reply_at: z.string(),
  actions_at: z.string(),
  projects: z.record(z.string(), roundProject),
});

export const move = z.object({
  project_id: z.string(),
  from_host: z.string(),
  to_host: z.string().optional(),
  /** Decided when the round closes: the tenant's choice or the session's default. */
  action: instanceAction.optional(),
  status: z.enum(['AWAITING_REPLY', 'AWAITING_LEAD_TIME', 'REQUESTED', 'OWN_ACTION', 'DONE']),
  /** The instance's lead_time (its constraint): how long ahead its tenant is told before it moves. */
  lead_time_s: z.number().nonnegative().optional(),
  /** vnf workflow: when the move may start (the notification's actions_at). */
  start_at: z.string().optional(),
  /** When the VIM reported it moved; the planner counts its group's recovery_time from here. */
  done_at: z.string().optional(),
});

/** The hosts the planner chose to empty and maintain together, and the moves that empty them. */
const planStep = z.object({
  seq: z.number().int().positive(),
  hosts: z.array(z.string()),
  moves: z.record(z.string(), move),
  /** Hosts the VIM reported empty. */
  drained: z.array(z.string()),
});

export const session = z.object({
  session_id: z.string(),
  /** Guards the conditional write: a store accepts a decision only on the version it read. */
  version: z.number().int().positive(),
  state: sessionState,
  waiting_for: waitingFor,
  deadline_at: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  maintenance_at: z.string(),
  workflow: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  actions: z.array(actionPlugin).default([]),
  download: z.array(z.object({ url: z.string(), size: z.string().optional() })).default([]),
  /** The stage asks the operator hook for every emptied host, even when no host plug-in is named. */
  operator_answer_required: z.boolean().default(false),
  /** The session's pre and post plug-ins: asked for, then done. */
  phase_actions: z
    .object({ pre: z.enum(['REQUESTED', 'DONE']).optional(), post: z.enum(['REQUESTED', 'DONE']).optional() })
    .default({}),
  default_action: instanceAction,
  reply_timeout_s: z.number().int().positive(),
  drain_timeout_s: z.number().int().positive(),
  host_maintenance_timeout_s: z.number().int().positive(),
  admin_project_id: z.string(),
  /** Base of reply_url and instance_ids in tenant notifications. */
  api_url: z.string(),
  hosts: z.record(z.string(), hostProgress),
  /**
   * Who takes part: the instances on the session's hosts at creation, and any instance the
   * planner moves (one booted since), each with the host it was last planned from.
   */
  instances: z.record(z.string(), z.object({ project_id: z.string(), host: z.string() })),
  round_seq: z.number().int().nonnegative(),
  plan_seq: z.number().int().nonnegative(),
  round: round.optional(),
  step: planStep.optional(),
  /** The planner's latest reasons why each host it did not start waits. */
  waiting_hosts: z.record(z.string(), z.array(z.string())).optional(),
  reason: z.string().optional(),
  history: z.array(
    z.object({ from: sessionState.nullable(), to: sessionState, at: z.string(), reason: z.string().optional() }),
  ),
});
export type Session = z.infer<typeof session>;

/** Sent by the reducer to the drain planner (lib/maintenance/planner/) through `plan-next-step`. */
export interface PlanRequest {
  session_id: string;
  /** Echoed in `step-planned`, so that a late or repeated plan is recognised. */
  seq: number;
  pending_hosts: string[];
  maintained_hosts: string[];
  default_action: InstanceAction;
}

export interface PlannedMove {
  instance_id: string;
  project_id: string;
  from_host: string;
  /** Unset: the VIM's scheduler chooses. */
  to_host?: string;
  /** The instance's lead_time constraint, seconds. */
  lead_time_s?: number;
}

/** Host -> why it waits. */
export type WaitingHosts = Record<string, string[]>;

/**
 * The planner's answer: which hosts to empty next and which instances move; or ask the tenants to
 * scale in; or plan again at `until` (a group still recovering); or why it cannot.
 */
export type PlannedStep =
  | { kind: 'drain'; hosts: string[]; moves: PlannedMove[]; waiting?: WaitingHosts }
  | { kind: 'wait'; until: string; waiting: WaitingHosts }
  | { kind: 'scale-in'; waiting?: WaitingHosts }
  | { kind: 'infeasible'; reason: string };

export type SessionEvent =
  | {
      type: 'created';
      session_id: string;
      request: CreateSessionBody;
      /** The instances on the requested hosts, from the inventory. */
      instances: { instance_id: string; project_id: string; host: string }[];
      admin_project_id: string;
      api_url: string;
      /** The stage's rule: the operator hook answers for every host, plug-in or not. */
      operator_answer_required?: boolean;
    }
  /** `instance_id`: an answer about that instance alone (`PUT .../{project_id}/{instance_id}`). */
  | { type: 'tenant-reply'; project_id: string; body: TenantReplyBody; received_at: string; instance_id?: string }
  /** The sweeper's tick; the reducer decides whether the deadline is due. */
  | { type: 'deadline-passed' }
  | { type: 'step-planned'; seq: number; plan: PlannedStep }
  | { type: 'host-drained'; host: string }
  | { type: 'instance-action-done'; instance_id: string }
  /** The operator's maintenance hook answered. */
  | { type: 'host-maintenance-done'; host: string }
  | { type: 'host-maintenance-failed'; host: string; reason: string }
  /** The operator hook ran (or failed) the session's pre or post plug-ins. */
  | { type: 'session-actions-done'; phase: 'pre' | 'post' }
  | { type: 'session-actions-failed'; phase: 'pre' | 'post'; reason: string }
  | { type: 'vim-error'; operation: string; message: string }
  | { type: 'admin-delete' };

/** Work for the adapters, in order, after the session is stored. */
export type Effect =
  | { type: 'notify-tenant'; project_id: string; payload: TenantNotification }
  | { type: 'notify-admin-session'; payload: SessionNotification }
  | { type: 'notify-admin-host'; payload: HostNotification }
  | { type: 'disable-host'; host: string; reason: string }
  | { type: 'enable-host'; host: string }
  /** Report `host-drained` once the VIM shows no instance on the host. */
  | { type: 'await-host-empty'; host: string }
  | {
      type: 'move-instance';
      instance_id: string;
      project_id: string;
      from_host: string;
      to_host?: string;
      action: Exclude<InstanceAction, 'OWN_ACTION'>;
    }
  /** While marked, faults on the host trigger no VIM fault actions. */
  | { type: 'mark-in-maintenance'; host: string }
  | { type: 'clear-in-maintenance'; host: string }
  /** The operator's hook does the maintenance and answers done or failed. */
  | {
      type: 'host-maintenance-hook';
      session_id: string;
      host: string;
      metadata: Record<string, unknown>;
      actions: ActionPlugin[];
    }
  | {
      type: 'session-actions-hook';
      session_id: string;
      phase: 'pre' | 'post';
      metadata: Record<string, unknown>;
      actions: ActionPlugin[];
    }
  | { type: 'plan-next-step'; request: PlanRequest };

export type IgnoreReason =
  | 'duplicate'
  | 'stale'
  | 'not-awaited'
  | 'late'
  | 'already-answered'
  | 'not-due'
  | 'session-ended'
  | 'no-session'
  | 'unknown-host'
  | 'unknown-instance';

export type RejectReason = 'not-a-participant' | 'not-asked' | 'unknown-instance' | 'no-hosts';

export type Decision =
  | { kind: 'applied'; session: Session; effects: Effect[] }
  /** Nothing to do: a repeat, or an event the session has moved past. */
  | { kind: 'ignored'; reason: IgnoreReason; detail: string }
  /** The caller's request is wrong (an API caller gets a 4xx). */
  | { kind: 'rejected'; reason: RejectReason; detail: string };

/** The projects that take part in the session. */
export const projectsOf = (s: Session) => new Set(Object.values(s.instances).map((i) => i.project_id));

/** Each project's instances in the session. */
export function instancesByProject(s: Session): Map<string, string[]> {
  const byProject = new Map<string, string[]>();
  for (const [id, { project_id }] of Object.entries(s.instances)) {
    byProject.set(project_id, [...(byProject.get(project_id) ?? []), id]);
  }
  return byProject;
}

/**
 * `GET /v1/maintenance/{session_id}/{project_id}`: the project's instances concerned by the
 * current round, else all its instances in the session, as Fenix's `state_instance_ids`;
 * undefined when the project takes no part.
 */
export function projectInstanceIds(s: Session, project: string): string[] | undefined {
  if (!projectsOf(s).has(project)) return undefined;
  return s.round?.projects[project]?.instance_ids ?? instancesByProject(s).get(project);
}
