import { z } from 'zod';

/*
 * The maintenance API and notifications, compatible with OpenStack Fenix. Confirmed in
 * openstack-archive/fenix:
 * - doc/source/api-ref/v1/samples/create-maintenance-session-post.json: the admin body
 *   `{hosts, state: "MAINTENANCE", maintenance_at: "2018-02-28 06:06:03", metadata, workflow}`
 *   (plus `download` and the `actions` plug-ins, kept with the session); `hosts: []` means
 *   every compute host (fenix/workflow/workflows/default.py `_init_hosts_by_services`).
 * - doc/source/api-ref/v1/samples/input-from-project-to-maintenance-session-put.json and
 *   parameters.yaml `workflow-state-reply`: the tenant reply `{state: "ACK_<STATE>" |
 *   "NACK_<STATE>", instance_actions: {<instance id>: "MIGRATE"}}`. Fenix's vnf workflow (and
 *   Tacker's Fenix plugin) answer `{state, instance_action: "MIGRATE"}` instead: `tenantReply`.
 * - fenix/workflow/workflow.py `_project_notify`: event type `maintenance.scheduled`, payload
 *   `{project_id, instance_ids, allowed_actions, state, actions_at, reply_at, session_id,
 *   metadata, reply_url}`, where `instance_ids` and `reply_url` are both
 *   `<url>/v1/maintenance/<session_id>/<project_id>`; `_admin_notify`: `maintenance.host`
 *   `{project_id, host, state, session_id}`. doc/source/notification/notifications.rst adds
 *   `service` to both and says `maintenance.session` is "not yet implemented" in Fenix.
 * - default.py: `allowed_actions` is [] for MAINTENANCE, SCALE_IN and MAINTENANCE_COMPLETE,
 *   and ['MIGRATE', 'LIVE_MIGRATE', 'OWN_ACTION'] for PREPARE_MAINTENANCE and
 *   PLANNED_MAINTENANCE (`confirm_host_to_be_emptied`); `actions_at` is `maintenance_at` for
 *   MAINTENANCE and equals `reply_at` otherwise; `notify_action_done` sends state
 *   INSTANCE_ACTION_DONE with `instance_ids: [<instance id>]`, `allowed_actions: []`,
 *   `actions_at` and `reply_at` None, `metadata` {}.
 * - opnfv/doctor doctor_tests/app_manager/sample.py (the sample VNF manager) answers
 *   ACK_MAINTENANCE, ACK_SCALE_IN, ACK_PREPARE_MAINTENANCE and ACK_PLANNED_MAINTENANCE (with
 *   `instance_actions`), ACK_MAINTENANCE_COMPLETE, and also sends `session_id` and
 *   `instance_ids` in its replies: unknown keys are accepted and dropped.
 */

/** Origin service name in every notification (Fenix puts "fenix" there; no consumer reads it). */
export const SERVICE = 'nfvi-doctor';

export const sessionState = z.enum([
  'MAINTENANCE',
  'SCALE_IN',
  'PREPARE_MAINTENANCE',
  'START_MAINTENANCE',
  'PLANNED_MAINTENANCE',
  'MAINTENANCE_COMPLETE',
  'MAINTENANCE_DONE',
  'MAINTENANCE_FAILED',
]);
export type SessionState = z.infer<typeof sessionState>;

/** The states in which tenants are asked and must answer ACK_<state> or NACK_<state>. */
export const replyState = z.enum([
  'MAINTENANCE',
  'SCALE_IN',
  'PREPARE_MAINTENANCE',
  'PLANNED_MAINTENANCE',
  'MAINTENANCE_COMPLETE',
]);
export type ReplyState = z.infer<typeof replyState>;

export const instanceAction = z.enum(['MIGRATE', 'LIVE_MIGRATE', 'OWN_ACTION']);
export type InstanceAction = z.infer<typeof instanceAction>;

export const hostProgress = z.enum([
  'PENDING',
  'DRAINING',
  'IN_MAINTENANCE',
  'MAINTENANCE_COMPLETE',
  'BACK_IN_SERVICE',
]);
export type HostProgress = z.infer<typeof hostProgress>;

const name = z.string().min(1).max(255);
const metadata = z.record(z.string(), z.unknown());

const ZONE = /(Z|[+-]\d{2}:\d{2})$/;
/** Fenix writes "2018-02-28 06:06:03" and means UTC; JavaScript would read it as local time. */
const asUtc = (time: string) => {
  const iso = time.replace(' ', 'T');
  return ZONE.test(iso) ? iso : `${iso}Z`;
};

/** A time as Fenix writes it or in ISO 8601, normalised to ISO 8601 UTC. */
export const fenixTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/,
    'expected a time like "2018-02-28 06:06:03" (UTC) or "2018-02-28T06:06:03Z"',
  )
  .refine((time) => !Number.isNaN(Date.parse(asUtc(time))), 'not a valid date and time')
  .transform((time) => new Date(Date.parse(asUtc(time))).toISOString());

/**
 * An action plug-in of a session (Fenix's `actions`): `pre` runs once before the first host,
 * `host` (`compute` in some Fenix deployments) on each emptied host, `post` once after the last.
 * nfvi-doctor runs each through the operator hook, which it names.
 */
export const actionPlugin = z
  .object({
    plugin: name,
    type: z.enum(['pre', 'host', 'compute', 'post']),
    /** Fenix runs the plug-ins of one type by order. */
    order: z.number().int().nonnegative().optional(),
    metadata: metadata.default({}),
  })
  .strict();
export type ActionPlugin = z.output<typeof actionPlugin>;

/** Fenix's workflows: `default` asks each project about its instances at once, `vnf` one instance at a time. */
export const workflowName = z.enum(['default', 'vnf'], {
  error: (issue) => `unknown workflow ${JSON.stringify(issue.input)}: default or vnf`,
});

/** `POST /v1/maintenance`. */
export const createSessionBody = z.object({
  /** Empty: every compute host, which the caller resolves from the inventory before creating. */
  hosts: z.array(name).refine((hosts) => new Set(hosts).size === hosts.length, 'hosts must not repeat a host'),
  state: z.literal('MAINTENANCE'),
  maintenance_at: fenixTime,
  workflow: workflowName,
  metadata: metadata.default({}),
  /** Action plug-ins, kept with the session and run through the operator hook. */
  actions: z.array(actionPlugin).default([]),
  /** Where the maintenance's software and plug-ins come from (Fenix's `download`): kept and shown. */
  download: z
    .array(z.object({ url: z.string().min(1).max(2048), size: z.string().max(64).optional() }).strict())
    .default([]),
  // nfvi-doctor's additions; Fenix keeps these in its configuration, not in the session.
  /** What a tenant that does not answer by reply_at gets for its instances. */
  default_action: instanceAction.default('MIGRATE'),
  reply_timeout_s: z.number().int().min(1).max(86_400).default(300),
  /** How long the moves off a host may take before the session fails. */
  drain_timeout_s: z.number().int().min(1).max(86_400).default(1_800),
  /** How long the operator's maintenance of one step's hosts may take. */
  host_maintenance_timeout_s: z.number().int().min(1).max(604_800).default(7_200),
});
export type CreateSessionBody = z.output<typeof createSessionBody>;

export const tenantReplyState = z.enum([
  'ACK_MAINTENANCE',
  'NACK_MAINTENANCE',
  'ACK_SCALE_IN',
  'NACK_SCALE_IN',
  'ACK_PREPARE_MAINTENANCE',
  'NACK_PREPARE_MAINTENANCE',
  'ACK_PLANNED_MAINTENANCE',
  'NACK_PLANNED_MAINTENANCE',
  'ACK_MAINTENANCE_COMPLETE',
  'NACK_MAINTENANCE_COMPLETE',
]);
export type TenantReplyState = z.infer<typeof tenantReplyState>;

/**
 * A tenant's reply as the session takes it: Fenix's default workflow's body, an action per
 * instance (`PUT /v1/maintenance/{session_id}/{project_id}` accepts `tenantReply`, read into this).
 */
export const tenantReplyBody = z.object({
  state: tenantReplyState,
  instance_actions: z.record(name, instanceAction).default({}),
});
export type TenantReplyBody = z.output<typeof tenantReplyBody>;

const NOT_BOTH =
  'give instance_actions (an action per instance) or instance_action (one action for the instances asked about), not both';

/**
 * Fenix's vnf workflow's reply (fenix/tools/vnfm.py; Doctor's doctor_tests/app_manager/vnfm.py
 * and Tacker's Fenix plugin send it too): `{state, instance_action}`, one action, and often the
 * `session_id` the notification gave.
 */
export const vnfWorkflowReply = z.object({
  session_id: z.string().optional(),
  state: tenantReplyState,
  instance_action: instanceAction,
  instance_actions: z.never({ error: NOT_BOTH }).optional(),
});

/** Fenix's default workflow's reply, `{state, instance_actions}`; Doctor's sample app manager adds `session_id`. */
export const defaultWorkflowReply = tenantReplyBody.extend({
  session_id: z.string().optional(),
  instance_action: z.never({ error: NOT_BOTH }).optional(),
});

/**
 * `PUT /v1/maintenance/{session_id}/{project_id}`: either shape (a body naming `instance_action`
 * is the vnf workflow's). A refused body is answered with the problems of the shape it has, not
 * of both. Other keys (Doctor's `instance_ids`) are accepted and dropped.
 */
export const tenantReply = z.union([vnfWorkflowReply, defaultWorkflowReply], {
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const { input } = issue;
    const shape = typeof input === 'object' && input !== null && 'instance_action' in input ? 0 : 1;
    return (issue.errors[shape] ?? [])
      .map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`)
      .join('; ');
  },
});
export type TenantReply = z.output<typeof tenantReply>;

export type Verdict = 'ACK' | 'NACK';

export function splitReplyState(state: TenantReplyState): { verdict: Verdict; state: ReplyState } {
  const verdict = state.startsWith('NACK_') ? 'NACK' : 'ACK';
  return { verdict, state: replyState.parse(state.slice(verdict.length + 1)) };
}

export const TENANT_EVENT_TYPE = 'maintenance.scheduled';

const tenantBase = {
  service: z.string(),
  session_id: z.string(),
  project_id: z.string(),
  reply_url: z.string(),
  metadata,
};

/**
 * A state the tenant must answer; `instance_ids` is the URL of the project's GET, or, in the vnf
 * workflow's PREPARE_MAINTENANCE and PLANNED_MAINTENANCE, the one instance asked about.
 */
export const tenantScheduled = z.object({
  ...tenantBase,
  state: replyState,
  instance_ids: z.union([z.string(), z.array(z.string()).length(1)]),
  allowed_actions: z.array(instanceAction),
  actions_at: z.string(),
  reply_at: z.string(),
});

/** Fenix's per-instance notice after it moved the instance: the id itself, in a list of one. */
export const tenantInstanceActionDone = z.object({
  ...tenantBase,
  state: z.literal('INSTANCE_ACTION_DONE'),
  instance_ids: z.array(z.string()).length(1),
  allowed_actions: z.array(instanceAction).length(0),
  actions_at: z.null(),
  reply_at: z.null(),
});

/** nfvi-doctor's addition: a tenant that scaled in for the session learns it ended early. */
export const tenantSessionFailed = z.object({
  ...tenantBase,
  state: z.literal('MAINTENANCE_FAILED'),
  instance_ids: z.string(),
  allowed_actions: z.array(instanceAction).length(0),
  actions_at: z.null(),
  reply_at: z.null(),
  reason: z.string(),
});

export const tenantNotification = z.discriminatedUnion('state', [
  tenantScheduled,
  tenantInstanceActionDone,
  tenantSessionFailed,
]);
export type TenantNotification = z.infer<typeof tenantNotification>;

export const HOST_EVENT_TYPE = 'maintenance.host';

export const hostNotification = z.object({
  service: z.string(),
  /** The workflow admin project, as in Fenix. */
  project_id: z.string(),
  session_id: z.string(),
  host: z.string(),
  state: z.enum(['IN_MAINTENANCE', 'MAINTENANCE_COMPLETE']),
});
export type HostNotification = z.infer<typeof hostNotification>;

export const SESSION_EVENT_TYPE = 'maintenance.session';

/** Sent on every session state change, so the admin need not poll `GET /v1/maintenance/{id}`. */
export const sessionNotification = z.object({
  service: z.string(),
  project_id: z.string(),
  session_id: z.string(),
  state: sessionState,
  previous_state: sessionState.nullable(),
  reason: z.string().optional(),
  hosts: z.record(z.string(), hostProgress),
  at: z.string(),
});
export type SessionNotification = z.infer<typeof sessionNotification>;
