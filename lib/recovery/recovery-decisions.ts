import { v5 as uuidv5 } from 'uuid';
import { type InstanceRecovery, type RecoveryAnswer, type RecoveryState } from '../contracts/recovery-notification';
import { TERMINAL_STATES, type Recovery } from './recovery';
import { graceOf, instancePolicy, type PolicyDefaults, type TenantPolicy } from './recovery-policy';

const RECOVERY_ID_NAMESPACE = '3f4b8a52-8f0e-4d0e-9a53-1b4f2b7f9c61';

export interface DeadHostInstance {
  id: string;
  name: string;
  tenantId: string;
  metadata: Record<string, string>;
}

/**
 * The recoveries a host's death calls for (pure): one per tenant with at least one instance
 * whose policy is not notify-only, its grace period starting now. Ids derive from the death
 * (its host alarm) and the tenant, so a redelivered event yields the same recoveries.
 */
export function recoveriesFor(
  death: { host: string; hostAlarmId: string },
  instances: DeadHostInstance[],
  policies: ReadonlyMap<string, TenantPolicy>,
  defaults: PolicyDefaults,
  now: Date,
): Recovery[] {
  const byTenant = new Map<string, InstanceRecovery[]>();
  for (const instance of instances) {
    const tenant = policies.get(instance.tenantId);
    const chosen = instancePolicy(instance.metadata, tenant, defaults);
    if (chosen.policy === 'notify-only') continue;
    const entry: InstanceRecovery = {
      instanceId: instance.id,
      name: instance.name,
      policy: chosen.policy,
      policySource: chosen.source,
      state: 'WAITING',
      attempts: 0,
      host: death.host,
      ...(chosen.note ? { note: chosen.note } : {}),
    };
    byTenant.set(instance.tenantId, [...(byTenant.get(instance.tenantId) ?? []), entry]);
  }
  return [...byTenant].map(([tenantId, tenantInstances]) => {
    const graceUntil = new Date(now.getTime() + graceOf(policies.get(tenantId), defaults) * 1000).toISOString();
    return {
      recoveryId: uuidv5(`${death.hostAlarmId}|${tenantId}`, RECOVERY_ID_NAMESPACE),
      tenantId,
      host: death.host,
      hostAlarmId: death.hostAlarmId,
      createdAt: now.toISOString(),
      graceUntil,
      state: 'GRACE',
      instances: tenantInstances,
      history: [{ at: now.toISOString(), state: 'GRACE', note: `the VIM recovers nothing before ${graceUntil}` }],
      wakeAt: graceUntil,
      version: 0,
    };
  });
}

/** A server as Nova shows it now (and its last failure, if Nova recorded one); null when it no longer exists. */
export type ServerNow = { status: string; host: string | null; fault?: { message: string; at?: string } } | null;

export interface RecoveryFacts {
  now: Date;
  /** When the dead host was fenced (powered off and read back), if it was. */
  fencedAt: string | undefined;
  /** When the dead host was seen back (its host-down alarm cleared), if it was. */
  hostBackAt: string | undefined;
  /** The recovering instances as Nova shows them; absent when not read. */
  servers?: ReadonlyMap<string, ServerNow>;
}

export interface RecoverySettings {
  /** How long an evacuation or a restart may take before it is tried again (or failed). */
  actionTimeoutS: number;
  maxAttempts: number;
  /** How often the workflow looks at instances being recovered. */
  pollS: number;
  /** How often an open recovery waiting for an event is looked at anyway. */
  sweepS: number;
}

export type RecoveryEffect = { kind: 'evacuate' | 'restart'; instanceIds: string[] };

export interface RecoveryStep {
  recovery: Recovery;
  effects: RecoveryEffect[];
  /** Whether anything the tenant sees changed: it is told. */
  changed: boolean;
}

const isOpen = (i: InstanceRecovery) => i.state === 'WAITING' || i.state === 'RECOVERING';

/**
 * The next step of a recovery (pure). Nothing happens during the grace period unless the tenant
 * answered; then each waiting instance starts as soon as what its policy needs is there
 * (evacuate: the host fenced; restart: the host back), and each instance being recovered is
 * judged on what Nova shows: evacuated = ACTIVE on another host, restarted = ACTIVE on its host.
 */
export function stepRecovery(current: Recovery, facts: RecoveryFacts, settings: RecoverySettings): RecoveryStep {
  if (TERMINAL_STATES.includes(current.state)) return { recovery: current, effects: [], changed: false };
  const now = facts.now.toISOString();
  const r: Recovery = {
    ...current,
    fencedAt: current.fencedAt ?? facts.fencedAt,
    hostBackAt: current.hostBackAt ?? facts.hostBackAt,
    instances: current.instances.map((i) => ({ ...i })),
  };
  const notes: string[] = [];
  const effects: RecoveryEffect[] = [];
  const graceOver = r.answer?.answer === 'PROCEED' || facts.now.getTime() >= Date.parse(r.graceUntil);

  if (r.answer?.answer === 'DECLINE') {
    for (const i of r.instances.filter((x) => x.state === 'WAITING'))
      Object.assign(i, { state: 'LEFT_TO_TENANT', note: 'the tenant declined recovery by the VIM', doneAt: now });
    notes.push('the tenant declined: it recovers its instances itself');
  } else if (graceOver) {
    for (const i of r.instances) {
      if (i.state === 'WAITING') startIfReady(i, r, now, settings, effects);
      else if (i.state === 'RECOVERING') judge(i, r, facts, settings, now, effects);
    }
  }
  return { ...settle(current, r, notes, graceOver, facts.now, settings), effects: merged(effects) };
}

/** The recovery's state from its instances', with a history entry when it changed. */
function settle(
  current: Recovery,
  r: Recovery,
  notes: string[],
  graceOver: boolean,
  now: Date,
  settings: RecoverySettings,
): Omit<RecoveryStep, 'effects'> {
  const state = stateOf(r, graceOver);
  const changed = state !== current.state || JSON.stringify(r.instances) !== JSON.stringify(current.instances);
  if (state !== current.state) notes.push(noteOf(state, r));
  const at = now.toISOString();
  const recovery: Recovery = {
    ...r,
    state,
    history: notes.length > 0 ? [...r.history, { at, state, note: notes.join('; ') }] : r.history,
  };
  const wakeAt = wakeOf(state, r, now, settings);
  if (wakeAt) recovery.wakeAt = wakeAt;
  else delete recovery.wakeAt;
  return { recovery, changed };
}

function startIfReady(
  i: InstanceRecovery,
  r: Recovery,
  now: string,
  settings: RecoverySettings,
  effects: RecoveryEffect[],
): void {
  // The host came back before it could be evacuated: it runs again, the tenant decides about its instance.
  if (i.policy === 'evacuate' && r.hostBackAt && !r.fencedAt) {
    Object.assign(i, { state: 'LEFT_TO_TENANT', note: 'the host came back before it was fenced', doneAt: now });
    return;
  }
  const ready = i.policy === 'evacuate' ? r.fencedAt : r.hostBackAt;
  if (!ready) return;
  // Nova kept not accepting the action (each refusal left it waiting): give up like a late one.
  if (i.attempts >= settings.maxAttempts) {
    Object.assign(i, {
      state: 'FAILED',
      note: `${i.note ?? i.policy}; gave up after ${i.attempts} attempts`,
      doneAt: now,
    });
    return;
  }
  Object.assign(i, { state: 'RECOVERING', attempts: i.attempts + 1, startedAt: now });
  effects.push({ kind: i.policy, instanceIds: [i.instanceId] });
}

function judge(
  i: InstanceRecovery,
  r: Recovery,
  facts: RecoveryFacts,
  settings: RecoverySettings,
  now: string,
  effects: RecoveryEffect[],
): void {
  const server = facts.servers?.get(i.instanceId);
  if (server === undefined) return;
  if (server === null) {
    Object.assign(i, { state: 'LEFT_TO_TENANT', note: 'the instance was deleted', doneAt: now });
    return;
  }
  i.host = server.host;
  const moved = server.host !== null && server.host !== r.host;
  const done = i.policy === 'evacuate' ? server.status === 'ACTIVE' && moved : server.status === 'ACTIVE';
  if (done) {
    Object.assign(i, { state: 'RECOVERED', doneAt: now });
    delete i.note;
    return;
  }
  if (server.status === 'ERROR' && (i.policy === 'restart' || moved)) {
    Object.assign(i, { state: 'FAILED', note: `ERROR on host ${server.host} after ${i.policy}`, doneAt: now });
    return;
  }
  const started = Date.parse(i.startedAt ?? now);
  // Nova recorded this attempt's failure (e.g. the rebuild failed on the chosen host): no need to wait it out.
  const failedAt = server.status === 'ERROR' && server.fault?.at ? Date.parse(server.fault.at) : NaN;
  const failed = failedAt >= Math.floor(started / 1000) * 1000;
  if (!failed && facts.now.getTime() - started < settings.actionTimeoutS * 1000) return;
  const why = failed
    ? `${i.policy} attempt ${i.attempts} failed: ${server.fault?.message}`
    : `${server.status} on host ${server.host} ${settings.actionTimeoutS} s after ${i.policy} attempt ${i.attempts}`;
  if (i.attempts >= settings.maxAttempts) {
    Object.assign(i, { state: 'FAILED', note: why, doneAt: now });
    return;
  }
  Object.assign(i, { attempts: i.attempts + 1, startedAt: now, note: `${why}: tried again` });
  effects.push({ kind: i.policy, instanceIds: [i.instanceId] });
}

/**
 * The VIM actions of a step that Nova did not accept: a refusal (4xx) fails its instance; an
 * action it could not take now (e.g. the host not yet forced down) waits for the next look.
 */
export function withFailures(
  r: Recovery,
  failures: readonly { instanceId: string; message: string; transient: boolean }[],
  now: Date,
  settings: RecoverySettings,
): Recovery {
  const byId = new Map(failures.map((f) => [f.instanceId, f]));
  const instances = r.instances.map((i): InstanceRecovery => {
    const failure = byId.get(i.instanceId);
    if (!failure || i.state !== 'RECOVERING') return i;
    return failure.transient
      ? { ...i, state: 'WAITING', note: `${i.policy} not accepted yet: ${failure.message}` }
      : { ...i, state: 'FAILED', note: `${i.policy} refused: ${failure.message}`, doneAt: now.toISOString() };
  });
  const settled = settle(r, { ...r, instances }, [], true, now, settings).recovery;
  // A transient refusal is tried again at the next poll, not a sweep later.
  const retry = instances.some((i) => i.state === 'WAITING' && byId.get(i.instanceId)?.transient);
  return retry ? { ...settled, wakeAt: new Date(now.getTime() + settings.pollS * 1000).toISOString() } : settled;
}

export type AnswerOutcome =
  | { outcome: 'answered'; recovery: Recovery }
  | { outcome: 'duplicate' }
  | { outcome: 'conflict'; reason: string };

/** The tenant's answer: accepted during the grace period only; the same answer again is a duplicate. */
export function answerRecovery(r: Recovery, answer: RecoveryAnswer, now: Date): AnswerOutcome {
  if (r.answer?.answer === answer) return { outcome: 'duplicate' };
  if (r.answer) return { outcome: 'conflict', reason: `already answered ${r.answer.answer}` };
  if (r.state !== 'GRACE' || now.getTime() >= Date.parse(r.graceUntil))
    return { outcome: 'conflict', reason: `the grace period is over (recovery ${r.state})` };
  const note = answer === 'PROCEED' ? 'the tenant asked the VIM to recover now' : 'the tenant declined';
  return {
    outcome: 'answered',
    recovery: {
      ...r,
      answer: { answer, answeredAt: now.toISOString() },
      history: [...r.history, { at: now.toISOString(), state: r.state, note }],
      wakeAt: now.toISOString(),
    },
  };
}

function stateOf(r: Recovery, graceOver: boolean): RecoveryState {
  if (r.answer?.answer === 'DECLINE') return 'DECLINED';
  if (!graceOver) return 'GRACE';
  const open = r.instances.filter(isOpen);
  if (open.length === 0) return r.instances.some((i) => i.state === 'FAILED') ? 'FAILED' : 'DONE';
  if (open.some((i) => i.state === 'RECOVERING')) return 'RECOVERING';
  if (open.some((i) => i.policy === 'evacuate') && !r.fencedAt) return 'WAITING_FOR_FENCING';
  if (open.some((i) => i.policy === 'restart') && !r.hostBackAt) return 'WAITING_FOR_HOST';
  // What the waiting instances need is there: an action Nova could not take yet, tried again at the next poll.
  return 'RECOVERING';
}

function noteOf(state: RecoveryState, r: Recovery): string {
  const counts = (s: InstanceRecovery['state']) => r.instances.filter((i) => i.state === s).length;
  switch (state) {
    case 'WAITING_FOR_FENCING':
      return `grace period over; evacuation waits until host ${r.host} is fenced`;
    case 'WAITING_FOR_HOST':
      return `grace period over; restart waits until host ${r.host} is back`;
    case 'RECOVERING':
      return `recovering ${counts('RECOVERING')} instance(s)`;
    case 'DONE':
      return `${counts('RECOVERED')} recovered, ${counts('LEFT_TO_TENANT')} left to the tenant`;
    case 'FAILED':
      return `${counts('FAILED')} instance(s) could not be recovered, ${counts('RECOVERED')} recovered`;
    default:
      return state;
  }
}

function wakeOf(state: RecoveryState, r: Recovery, now: Date, s: RecoverySettings): string | undefined {
  if (TERMINAL_STATES.includes(state)) return undefined;
  if (state === 'GRACE') return r.graceUntil;
  const after = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
  return state === 'RECOVERING' ? after(s.pollS) : after(s.sweepS);
}

function merged(effects: RecoveryEffect[]): RecoveryEffect[] {
  return (['evacuate', 'restart'] as const)
    .map((kind) => ({ kind, instanceIds: effects.filter((e) => e.kind === kind).flatMap((e) => e.instanceIds) }))
    .filter((e) => e.instanceIds.length > 0);
}
