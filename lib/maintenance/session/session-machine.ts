import {
  SERVICE,
  splitReplyState,
  type HostNotification,
  type InstanceAction,
  type ReplyState,
  type SessionNotification,
  type SessionState,
  type TenantNotification,
} from '../../contracts/fenix';
import {
  instancesByProject,
  projectsOf,
  type Decision,
  type Effect,
  type IgnoreReason,
  type PlannedStep,
  type RejectReason,
  type Session,
  type SessionEvent,
  type WaitingFor,
} from './session';

const TERMINAL: ReadonlySet<SessionState> = new Set(['MAINTENANCE_DONE', 'MAINTENANCE_FAILED']);
const MOVE_ACTIONS: InstanceAction[] = ['MIGRATE', 'LIVE_MIGRATE', 'OWN_ACTION'];

const ignore = (reason: IgnoreReason, detail: string): Decision => ({ kind: 'ignored', reason, detail });
const reject = (reason: RejectReason, detail: string): Decision => ({ kind: 'rejected', reason, detail });

/** A decision in progress: a private copy of the session and the effects so far. */
interface Tx {
  s: Session;
  effects: Effect[];
  now: string;
}

const after = (now: string, seconds: number) => new Date(Date.parse(now) + seconds * 1000).toISOString();
const before = (a: string, b: string) => Date.parse(a) < Date.parse(b);

/**
 * The maintenance session state machine. Given the stored session (undefined before
 * `created`), one event and the time, decide the next session and the effects that carry
 * it out. Pure: the same input gives the same decision, and an event that was already
 * applied is ignored, so a retried invocation adds no effect.
 */
export function step(current: Session | undefined, event: SessionEvent, now: string): Decision {
  if (event.type === 'created') {
    return current ? ignore('duplicate', `session ${current.session_id} exists`) : create(event, now);
  }
  if (!current) return ignore('no-session', 'no such maintenance session');
  if (TERMINAL.has(current.state)) return ignore('session-ended', `session is ${current.state}`);
  const tx: Tx = { s: structuredClone(current), effects: [], now };
  const outcome = apply(tx, event);
  if (outcome) return outcome;
  return { kind: 'applied', session: { ...tx.s, version: current.version + 1, updated_at: now }, effects: tx.effects };
}

/** Applies the event to the draft, or says why not. */
function apply(tx: Tx, event: Exclude<SessionEvent, { type: 'created' }>): Decision | undefined {
  switch (event.type) {
    case 'tenant-reply':
      return onReply(tx, event);
    case 'deadline-passed':
      return onDeadline(tx);
    case 'step-planned':
      return onPlan(tx, event.seq, event.plan);
    case 'host-drained':
      return onDrained(tx, event.host);
    case 'instance-action-done':
      return onInstanceDone(tx, event.instance_id);
    case 'host-maintenance-done':
      return onHostDone(tx, event.host);
    case 'host-maintenance-failed': {
      if (tx.s.hosts[event.host] !== 'IN_MAINTENANCE')
        return ignore('not-awaited', `${event.host} is not in maintenance`);
      return fail(tx, `maintenance of ${event.host} failed: ${event.reason}`);
    }
    case 'session-actions-done':
      return onSessionActionsDone(tx, event.phase);
    case 'session-actions-failed': {
      if (tx.s.phase_actions[event.phase] !== 'REQUESTED')
        return ignore('not-awaited', `the ${event.phase} plug-ins were not asked for`);
      return fail(tx, `the ${event.phase} action plug-ins failed: ${event.reason}`);
    }
    case 'vim-error':
      return fail(tx, `VIM error in ${event.operation}: ${event.message}`);
    case 'admin-delete':
      return fail(tx, 'cancelled by the administrator');
  }
}

function create(event: Extract<SessionEvent, { type: 'created' }>, now: string): Decision {
  const { request } = event;
  if (request.hosts.length === 0) return reject('no-hosts', 'resolve the hosts from the inventory before creating');
  const hostSet = new Set(request.hosts);
  const instances = Object.fromEntries(
    event.instances
      .filter((instance) => hostSet.has(instance.host))
      .map(({ instance_id, project_id, host }) => [instance_id, { project_id, host }]),
  );
  const s: Session = {
    session_id: event.session_id,
    version: 1,
    state: 'MAINTENANCE',
    waiting_for: 'NOTHING',
    created_at: now,
    updated_at: now,
    maintenance_at: request.maintenance_at,
    workflow: request.workflow,
    metadata: request.metadata,
    actions: request.actions,
    download: request.download,
    operator_answer_required: event.operator_answer_required ?? false,
    phase_actions: {},
    default_action: request.default_action,
    reply_timeout_s: request.reply_timeout_s,
    drain_timeout_s: request.drain_timeout_s,
    host_maintenance_timeout_s: request.host_maintenance_timeout_s,
    admin_project_id: event.admin_project_id,
    api_url: event.api_url.replace(/\/+$/, ''),
    hosts: Object.fromEntries(request.hosts.map((host) => [host, 'PENDING' as const])),
    instances,
    round_seq: 0,
    plan_seq: 0,
    history: [{ from: null, to: 'MAINTENANCE', at: now }],
  };
  // As Fenix: a maintenance_at sooner than the tenants' reply time waits for their answers (or
  // reply_at), then begins at once (Doctor's scenario asks for maintenance 30 s ahead).
  const tx: Tx = { s, effects: [], now };
  tx.effects.push({ type: 'notify-admin-session', payload: sessionNotice(s, null, now) });
  openRound(tx, 'MAINTENANCE', instancesByProject(s));
  return { kind: 'applied', session: tx.s, effects: tx.effects };
}

// --- tenant replies -------------------------------------------------------------------

function onReply(tx: Tx, event: Extract<SessionEvent, { type: 'tenant-reply' }>): Decision | undefined {
  const { s } = tx;
  const { verdict, state } = splitReplyState(event.body.state);
  const project = event.project_id;
  if (!projectsOf(s).has(project))
    return reject('not-a-participant', `project ${project} has no instances in the session`);
  const round = s.round;
  if (!round || round.state !== state) {
    const passed = s.history.some((h) => h.to === state);
    const awaited = round && s.waiting_for === 'REPLIES' ? `awaits replies to ${round.state}` : 'awaits no reply';
    return ignore(passed ? 'stale' : 'not-awaited', `${event.body.state}: the session ${awaited}`);
  }
  if (before(event.received_at, round.opened_at)) {
    return ignore('stale', `${event.body.state} was received before round ${round.seq} opened`);
  }
  const entry = round.projects[project];
  if (!entry) return reject('not-asked', `project ${project} has no instances concerned by ${state}`);
  if (entry.verdict === 'DEFAULT') return ignore('late', `reply_at passed; the default action applied`);
  if (event.instance_id !== undefined) return onInstanceReply(tx, event, entry, event.instance_id);
  if (entry.verdict) {
    const same = entry.verdict === verdict && sameActions(entry.instance_actions ?? {}, event.body.instance_actions);
    return ignore(same ? 'duplicate' : 'already-answered', `project ${project} answered ${entry.verdict}_${state}`);
  }
  const unknown = Object.keys(event.body.instance_actions).filter((id) => !entry.instance_ids.includes(id));
  if (unknown.length > 0) {
    return reject(
      'unknown-instance',
      `instance_actions name instances not concerned by ${state}: ${unknown.join(', ')}`,
    );
  }
  entry.verdict = verdict;
  entry.answered_at = event.received_at;
  entry.instance_actions = { ...entry.instance_actions, ...event.body.instance_actions };
  if (verdict === 'NACK') return fail(tx, `project ${project} answered NACK_${state}`);
  if (Object.values(round.projects).every((p) => p.verdict)) closeRound(tx);
  return undefined;
}

type RoundProject = NonNullable<Session['round']>['projects'][string];

/**
 * An answer about one instance (the vnf workflow's way; either workflow takes it): the instance's
 * own verdict and action, and the project's verdict once every instance it was asked about has one.
 */
function onInstanceReply(
  tx: Tx,
  event: Extract<SessionEvent, { type: 'tenant-reply' }>,
  entry: RoundProject,
  instanceId: string,
): Decision | undefined {
  const round = tx.s.round as NonNullable<Session['round']>;
  const { verdict, state } = splitReplyState(event.body.state);
  if (!entry.instance_ids.includes(instanceId)) {
    return reject('unknown-instance', `instance ${instanceId} is not asked about in ${state}`);
  }
  const stray = Object.keys(event.body.instance_actions).filter((id) => id !== instanceId);
  if (stray.length > 0) return reject('unknown-instance', `the reply for ${instanceId} names ${stray.join(', ')}`);
  const action = event.body.instance_actions[instanceId];
  const verdicts = (entry.instance_verdicts ??= {});
  const known = verdicts[instanceId];
  if (known) {
    const same = known === verdict && entry.instance_actions?.[instanceId] === action;
    return ignore(same ? 'duplicate' : 'already-answered', `instance ${instanceId} answered ${known}_${state}`);
  }
  if (entry.verdict)
    return ignore('already-answered', `project ${event.project_id} answered ${entry.verdict}_${state}`);
  verdicts[instanceId] = verdict;
  if (action) entry.instance_actions = { ...entry.instance_actions, [instanceId]: action };
  if (verdict === 'NACK') {
    return fail(tx, `project ${event.project_id} answered NACK_${state} for instance ${instanceId}`);
  }
  if (entry.instance_ids.every((id) => verdicts[id])) {
    entry.verdict = 'ACK';
    entry.answered_at = event.received_at;
  }
  if (Object.values(round.projects).every((p) => p.verdict)) closeRound(tx);
  return undefined;
}

function sameActions(a: Record<string, InstanceAction>, b: Record<string, InstanceAction>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

// --- deadlines ------------------------------------------------------------------------

function onDeadline(tx: Tx): Decision | undefined {
  const { s, now } = tx;
  if (!s.deadline_at || before(now, s.deadline_at)) return ignore('not-due', `deadline ${s.deadline_at ?? 'none'}`);
  switch (s.waiting_for) {
    case 'REPLIES':
      closeRound(tx);
      return undefined;
    case 'MAINTENANCE_AT':
      beginHosts(tx);
      return undefined;
    case 'PLAN':
      requestPlan(tx);
      return undefined;
    case 'SESSION_ACTIONS': {
      const phase = s.phase_actions.post === 'REQUESTED' ? 'post' : 'pre';
      return fail(tx, `no answer from the ${phase} action plug-ins within ${s.host_maintenance_timeout_s} s`);
    }
    case 'LEAD_TIME':
      startDueMoves(tx);
      return undefined;
    case 'DRAIN': {
      const full = (s.step?.hosts ?? []).filter((host) => !s.step?.drained.includes(host));
      return fail(tx, `${full.join(', ')} not empty after ${s.drain_timeout_s} s`);
    }
    // HOST_MAINTENANCE (NOTHING sets no deadline).
    default: {
      const open = Object.keys(s.hosts).filter((host) => s.hosts[host] === 'IN_MAINTENANCE');
      return fail(tx, `no answer from the maintenance of ${open.join(', ')} within ${s.host_maintenance_timeout_s} s`);
    }
  }
}

// --- rounds ---------------------------------------------------------------------------

const ALLOWED_ACTIONS: Record<ReplyState, InstanceAction[]> = {
  MAINTENANCE: [],
  SCALE_IN: [],
  PREPARE_MAINTENANCE: MOVE_ACTIONS,
  PLANNED_MAINTENANCE: MOVE_ACTIONS,
  MAINTENANCE_COMPLETE: [],
};

const projectUrl = (s: Session, project: string) => `${s.api_url}/v1/maintenance/${s.session_id}/${project}`;

/** Notifies each project of the state and waits for all to answer by reply_at. */
function openRound(tx: Tx, state: ReplyState, instanceIds: Map<string, string[]>) {
  const { s, now } = tx;
  const replyAt = after(now, s.reply_timeout_s);
  const actionsAt = state === 'MAINTENANCE' ? s.maintenance_at : replyAt;
  s.round_seq += 1;
  s.round = {
    seq: s.round_seq,
    state,
    opened_at: now,
    reply_at: replyAt,
    actions_at: actionsAt,
    projects: Object.fromEntries([...instanceIds].map(([project, ids]) => [project, { instance_ids: ids }])),
  };
  if (instanceIds.size === 0) {
    closeRound(tx);
    return;
  }
  if (perInstance(s, state)) {
    // Fenix's vnf workflow: one notification per instance, each its own actions_at (lead_time).
    for (const [project, ids] of instanceIds) for (const id of ids) notifyInstance(tx, project, id, state, replyAt);
  } else {
    for (const project of instanceIds.keys())
      notifyProject(tx, project, {
        state,
        allowed_actions: ALLOWED_ACTIONS[state],
        actions_at: actionsAt,
        reply_at: replyAt,
      });
  }
  wait(tx, 'REPLIES', replyAt);
}

/** The vnf workflow asks about each instance on its own in the states that move instances. */
const perInstance = (s: Session, state: ReplyState) =>
  s.workflow === 'vnf' && (state === 'PREPARE_MAINTENANCE' || state === 'PLANNED_MAINTENANCE');

/**
 * When an instance of the current step may move: once answered, unless its lead_time (how long
 * ahead its tenant must be told) runs longer. Its notice's actions_at says the later of that and
 * reply_at.
 */
function timesOf(s: Session, instanceId: string, replyAt: string, openedAt: string) {
  const startAt = after(openedAt, s.step?.moves[instanceId]?.lead_time_s ?? 0);
  return { startAt, actionsAt: before(replyAt, startAt) ? startAt : replyAt };
}

/** maintenance.scheduled about one instance, as Fenix's vnf workflow sends it. */
function notifyInstance(tx: Tx, project: string, instanceId: string, state: ReplyState, replyAt: string) {
  const { startAt, actionsAt } = timesOf(tx.s, instanceId, replyAt, tx.now);
  const move = tx.s.step?.moves[instanceId];
  if (move) move.start_at = startAt;
  notifyProject(
    tx,
    project,
    { state, allowed_actions: ALLOWED_ACTIONS[state], actions_at: actionsAt, reply_at: replyAt },
    instanceId,
  );
}

/** Everyone answered or reply_at passed: silence means the default, then the state's work. */
function closeRound(tx: Tx) {
  const { s, now } = tx;
  const round = s.round as NonNullable<Session['round']>;
  for (const entry of Object.values(round.projects)) {
    if (!entry.verdict) {
      entry.verdict = 'DEFAULT';
      entry.answered_at = now;
    }
  }
  // (An instance left unanswered in a per-instance round gets the default action, in startMoves.)
  switch (round.state) {
    case 'MAINTENANCE':
      if (before(now, s.maintenance_at)) wait(tx, 'MAINTENANCE_AT', s.maintenance_at);
      else beginHosts(tx);
      return;
    case 'SCALE_IN':
      requestPlan(tx);
      return;
    case 'PREPARE_MAINTENANCE':
    case 'PLANNED_MAINTENANCE':
      startMoves(tx, round);
      return;
    case 'MAINTENANCE_COMPLETE':
      transition(tx, 'MAINTENANCE_DONE');
      wait(tx, 'NOTHING');
      return;
  }
}

// --- planning and draining ------------------------------------------------------------

function requestPlan(tx: Tx) {
  const { s } = tx;
  s.plan_seq += 1;
  wait(tx, 'PLAN');
  tx.effects.push({
    type: 'plan-next-step',
    request: {
      session_id: s.session_id,
      seq: s.plan_seq,
      pending_hosts: hostsIn(s, 'PENDING'),
      maintained_hosts: hostsIn(s, 'MAINTENANCE_COMPLETE'),
      default_action: s.default_action,
    },
  });
}

function onPlan(tx: Tx, seq: number, plan: PlannedStep): Decision | undefined {
  const { s } = tx;
  if (seq !== s.plan_seq) return ignore('stale', `plan ${seq} answers an earlier request; awaiting plan ${s.plan_seq}`);
  if (s.waiting_for !== 'PLAN' || s.deadline_at) return ignore('duplicate', `plan ${seq} was already applied`);
  if (plan.kind === 'infeasible') return fail(tx, `no maintenance plan: ${plan.reason}`);
  s.waiting_hosts = plan.waiting ?? {};
  if (plan.kind === 'wait') {
    wait(tx, 'PLAN', plan.until);
    return undefined;
  }
  if (plan.kind === 'scale-in') {
    transition(tx, 'SCALE_IN');
    openRound(tx, 'SCALE_IN', instancesByProject(s));
    return undefined;
  }
  const invalid = planProblem(s, plan);
  if (invalid) return fail(tx, `invalid maintenance plan: ${invalid}`);
  for (const m of plan.moves) s.instances[m.instance_id] = { project_id: m.project_id, host: m.from_host };
  s.step = {
    seq,
    hosts: plan.hosts,
    moves: Object.fromEntries(
      plan.moves.map(({ instance_id, lead_time_s, ...m }) => [
        instance_id,
        { ...m, status: 'AWAITING_REPLY' as const, ...(lead_time_s ? { lead_time_s } : {}) },
      ]),
    ),
    drained: [],
  };
  for (const host of plan.hosts) {
    s.hosts[host] = 'DRAINING';
    // Nothing new may land on a host about to be emptied.
    tx.effects.push(
      { type: 'disable-host', host, reason: `maintenance session ${s.session_id}` },
      { type: 'await-host-empty', host },
    );
  }
  if (plan.moves.length === 0) {
    wait(tx, 'DRAIN', after(tx.now, s.drain_timeout_s));
    return undefined;
  }
  // As Fenix: PREPARE_MAINTENANCE empties the first host, PLANNED_MAINTENANCE each later one.
  const state = hostsIn(s, 'MAINTENANCE_COMPLETE').length === 0 ? 'PREPARE_MAINTENANCE' : 'PLANNED_MAINTENANCE';
  transition(tx, state);
  const byProject = new Map<string, string[]>();
  for (const m of plan.moves) byProject.set(m.project_id, [...(byProject.get(m.project_id) ?? []), m.instance_id]);
  openRound(tx, state, byProject);
  return undefined;
}

function planProblem(s: Session, plan: Extract<PlannedStep, { kind: 'drain' }>): string | undefined {
  if (plan.hosts.length === 0) return 'no hosts';
  const notPending = plan.hosts.filter((host) => s.hosts[host] !== 'PENDING');
  if (notPending.length > 0) return `${notPending.join(', ')} not pending in this session`;
  const stray = plan.moves.filter((m) => !plan.hosts.includes(m.from_host)).map((m) => m.instance_id);
  if (stray.length > 0) return `moves of ${stray.join(', ')} are not off the planned hosts`;
  if (new Set(plan.moves.map((m) => m.instance_id)).size !== plan.moves.length) return 'an instance moves twice';
  return undefined;
}

/**
 * The tenants answered: move what the VIM must move, then wait for the hosts to be empty. In the
 * vnf workflow a move whose instance's lead_time has not passed waits for it (LEAD_TIME).
 */
function startMoves(tx: Tx, round: NonNullable<Session['round']>) {
  const { s } = tx;
  const stepNow = s.step as NonNullable<Session['step']>;
  for (const [instanceId, m] of Object.entries(stepNow.moves)) {
    const action = round.projects[m.project_id]?.instance_actions?.[instanceId] ?? s.default_action;
    m.action = action;
    if (action === 'OWN_ACTION') m.status = 'OWN_ACTION';
    else
      m.status =
        perInstance(s, round.state) && m.start_at && before(tx.now, m.start_at) ? 'AWAITING_LEAD_TIME' : 'REQUESTED';
    if (m.status === 'REQUESTED') requestMove(tx, instanceId, m);
  }
  afterMovesStarted(tx);
}

/** The moves whose lead_time has passed, started. */
function startDueMoves(tx: Tx) {
  const stepNow = tx.s.step as NonNullable<Session['step']>;
  for (const [instanceId, m] of Object.entries(stepNow.moves)) {
    if (m.status !== 'AWAITING_LEAD_TIME' || (m.start_at && before(tx.now, m.start_at))) continue;
    m.status = 'REQUESTED';
    requestMove(tx, instanceId, m);
  }
  afterMovesStarted(tx);
}

function afterMovesStarted(tx: Tx) {
  const { s } = tx;
  const stepNow = s.step as NonNullable<Session['step']>;
  const waiting = Object.values(stepNow.moves)
    .filter((m) => m.status === 'AWAITING_LEAD_TIME')
    .map((m) => m.start_at as string)
    .sort();
  if (waiting.length > 0) wait(tx, 'LEAD_TIME', waiting[0]);
  else if (stepDone(stepNow)) startMaintenance(tx);
  else wait(tx, 'DRAIN', after(tx.now, s.drain_timeout_s));
}

function requestMove(tx: Tx, instanceId: string, m: NonNullable<Session['step']>['moves'][string]) {
  tx.effects.push({
    type: 'move-instance',
    instance_id: instanceId,
    project_id: m.project_id,
    from_host: m.from_host,
    ...(m.to_host ? { to_host: m.to_host } : {}),
    action: m.action as Exclude<InstanceAction, 'OWN_ACTION'>,
  });
}

function onInstanceDone(tx: Tx, instanceId: string): Decision | undefined {
  const { s } = tx;
  const m = s.step?.moves[instanceId];
  if (!m) return ignore('unknown-instance', `${instanceId} is not moved in this step`);
  if (m.status === 'DONE') return ignore('duplicate', `${instanceId} already reported moved`);
  if (m.status !== 'REQUESTED') return ignore('not-awaited', `${instanceId} was not asked to move`);
  m.status = 'DONE';
  m.done_at = tx.now;
  const url = projectUrl(s, m.project_id);
  tx.effects.push({
    type: 'notify-tenant',
    project_id: m.project_id,
    payload: {
      service: SERVICE,
      session_id: s.session_id,
      project_id: m.project_id,
      state: 'INSTANCE_ACTION_DONE',
      instance_ids: [instanceId],
      allowed_actions: [],
      actions_at: null,
      reply_at: null,
      reply_url: url,
      metadata: {},
    },
  });
  const current = s.step as NonNullable<Session['step']>;
  if (s.waiting_for === 'DRAIN' && stepDone(current)) startMaintenance(tx);
  return undefined;
}

function onDrained(tx: Tx, host: string): Decision | undefined {
  const { s } = tx;
  const current = s.step;
  if (!current || !current.hosts.includes(host)) return ignore('unknown-host', `${host} is not being emptied`);
  if (current.drained.includes(host) || s.hosts[host] !== 'DRAINING') {
    return ignore('duplicate', `${host} already reported empty`);
  }
  current.drained.push(host);
  // While tenants are still answering, the host waits for the round to close.
  if (s.waiting_for === 'DRAIN' && stepDone(current)) startMaintenance(tx);
  return undefined;
}

/**
 * A step is done when the VIM shows its hosts empty and every move it asked for finished: a
 * cold-migrated instance is listed on its new host before its resize is confirmed, and its group
 * counts it as impacted until then.
 */
const stepDone = (current: NonNullable<Session['step']>) =>
  current.hosts.every((host) => current.drained.includes(host)) &&
  Object.values(current.moves).every((m) => m.status !== 'REQUESTED' && m.status !== 'AWAITING_LEAD_TIME');

// --- host maintenance -----------------------------------------------------------------

const HOST_ACTION_TYPES = new Set(['host', 'compute']);

/**
 * The step's hosts are empty: each is marked in maintenance and its host action plug-ins run
 * through the operator hook. A session that names none counts each emptied host as maintained at
 * once, as Fenix does, unless the stage asks the operator for every host.
 */
function startMaintenance(tx: Tx) {
  const { s } = tx;
  const actions = s.actions
    .filter((a) => HOST_ACTION_TYPES.has(a.type))
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const atOnce = actions.length === 0 && !s.operator_answer_required;
  transition(
    tx,
    'START_MAINTENANCE',
    atOnce ? 'no host action plug-in: each emptied host counts as maintained at once' : undefined,
  );
  const hosts = (s.step as NonNullable<Session['step']>).hosts;
  for (const host of hosts) {
    s.hosts[host] = 'IN_MAINTENANCE';
    tx.effects.push(
      { type: 'mark-in-maintenance', host },
      { type: 'notify-admin-host', payload: hostNotice(s, host, 'IN_MAINTENANCE') },
    );
    if (!atOnce)
      tx.effects.push({ type: 'host-maintenance-hook', session_id: s.session_id, host, metadata: s.metadata, actions });
  }
  if (!atOnce) {
    wait(tx, 'HOST_MAINTENANCE', after(tx.now, s.host_maintenance_timeout_s));
    return;
  }
  for (const host of hosts) onHostDone(tx, host);
}

function onHostDone(tx: Tx, host: string): Decision | undefined {
  const { s } = tx;
  const progress = s.hosts[host];
  if (progress === undefined) return ignore('unknown-host', `${host} is not in this session`);
  if (progress === 'MAINTENANCE_COMPLETE') return ignore('duplicate', `${host} already maintained`);
  if (progress !== 'IN_MAINTENANCE') return ignore('not-awaited', `${host} is ${progress}`);
  s.hosts[host] = 'MAINTENANCE_COMPLETE';
  tx.effects.push(
    { type: 'notify-admin-host', payload: hostNotice(s, host, 'MAINTENANCE_COMPLETE') },
    { type: 'clear-in-maintenance', host },
    { type: 'enable-host', host },
  );
  if (hostsIn(s, 'IN_MAINTENANCE').length > 0) return undefined;
  if (hostsIn(s, 'PENDING').length > 0) {
    requestPlan(tx);
    return undefined;
  }
  if (!requestSessionActions(tx, 'post')) complete(tx);
  return undefined;
}

function complete(tx: Tx) {
  transition(tx, 'MAINTENANCE_COMPLETE');
  openRound(tx, 'MAINTENANCE_COMPLETE', instancesByProject(tx.s));
}

// --- pre and post plug-ins -------------------------------------------------------------

/** maintenance_at came and the tenants answered: the pre plug-ins first, if any, then the first plan. */
function beginHosts(tx: Tx) {
  if (!requestSessionActions(tx, 'pre')) requestPlan(tx);
}

/** Asks the operator hook to run the session's plug-ins of the phase, once; false when there are none. */
function requestSessionActions(tx: Tx, phase: 'pre' | 'post'): boolean {
  const { s } = tx;
  const actions = s.actions.filter((a) => a.type === phase).sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  if (actions.length === 0 || s.phase_actions[phase] === 'DONE') return false;
  s.phase_actions[phase] = 'REQUESTED';
  tx.effects.push({ type: 'session-actions-hook', session_id: s.session_id, phase, metadata: s.metadata, actions });
  wait(tx, 'SESSION_ACTIONS', after(tx.now, s.host_maintenance_timeout_s));
  return true;
}

function onSessionActionsDone(tx: Tx, phase: 'pre' | 'post'): Decision | undefined {
  const { s } = tx;
  const state = s.phase_actions[phase];
  if (state === 'DONE') return ignore('duplicate', `the ${phase} plug-ins already reported done`);
  if (state !== 'REQUESTED' || s.waiting_for !== 'SESSION_ACTIONS')
    return ignore('not-awaited', `the ${phase} plug-ins were not asked for`);
  s.phase_actions[phase] = 'DONE';
  if (phase === 'pre') requestPlan(tx);
  else complete(tx);
  return undefined;
}

// --- failure --------------------------------------------------------------------------

/** Ends the session: every host taken out of service goes back, and everyone told is told why. */
function fail(tx: Tx, reason: string): undefined {
  const { s } = tx;
  for (const host of Object.keys(s.hosts)) {
    const progress = s.hosts[host];
    if (progress !== 'DRAINING' && progress !== 'IN_MAINTENANCE') continue;
    if (progress === 'IN_MAINTENANCE') tx.effects.push({ type: 'clear-in-maintenance', host });
    tx.effects.push({ type: 'enable-host', host });
    s.hosts[host] = 'BACK_IN_SERVICE';
  }
  s.reason = reason;
  transition(tx, 'MAINTENANCE_FAILED', reason);
  wait(tx, 'NOTHING');
  for (const project of projectsOf(s))
    notifyProject(tx, project, {
      state: 'MAINTENANCE_FAILED',
      allowed_actions: [],
      actions_at: null,
      reply_at: null,
      reason,
    });
  return undefined;
}

// --- helpers --------------------------------------------------------------------------

type ProjectNotice =
  | Pick<Extract<TenantNotification, { state: ReplyState }>, 'state' | 'allowed_actions' | 'actions_at' | 'reply_at'>
  | Pick<
      Extract<TenantNotification, { state: 'MAINTENANCE_FAILED' }>,
      'state' | 'allowed_actions' | 'actions_at' | 'reply_at' | 'reason'
    >;

/**
 * maintenance.scheduled to one project: where to read its instances and where to reply; or, about
 * one `instance` (the vnf workflow), that instance and its own reply URL.
 */
function notifyProject(tx: Tx, project: string, notice: ProjectNotice, instance?: string) {
  const { s } = tx;
  const url = projectUrl(s, project);
  tx.effects.push({
    type: 'notify-tenant',
    project_id: project,
    payload: {
      service: SERVICE,
      session_id: s.session_id,
      project_id: project,
      instance_ids: instance ? [instance] : url,
      reply_url: instance ? `${url}/${instance}` : url,
      metadata: s.metadata,
      ...notice,
    } as TenantNotification,
  });
}

function transition(tx: Tx, to: SessionState, reason?: string) {
  const { s, now } = tx;
  const from = s.state;
  if (from === to) return;
  s.state = to;
  s.history.push({ from, to, at: now, ...(reason ? { reason } : {}) });
  tx.effects.push({ type: 'notify-admin-session', payload: sessionNotice(s, from, now) });
}

/** What the session waits for, and until when: the sweeper finds it by `deadline_at`. */
function wait(tx: Tx, what: WaitingFor, deadline?: string) {
  tx.s.waiting_for = what;
  if (deadline) tx.s.deadline_at = deadline;
  else delete tx.s.deadline_at;
}

const sessionNotice = (s: Session, previous: SessionState | null, at: string): SessionNotification => ({
  service: SERVICE,
  project_id: s.admin_project_id,
  session_id: s.session_id,
  state: s.state,
  previous_state: previous,
  ...(s.reason ? { reason: s.reason } : {}),
  hosts: { ...s.hosts },
  at,
});

const hostNotice = (s: Session, host: string, state: HostNotification['state']): HostNotification => ({
  service: SERVICE,
  project_id: s.admin_project_id,
  session_id: s.session_id,
  host,
  state,
});

const hostsIn = (s: Session, progress: Session['hosts'][string]) =>
  Object.keys(s.hosts).filter((host) => s.hosts[host] === progress);
