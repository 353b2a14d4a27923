import { randomUUID } from 'node:crypto';
import {
  HOST_MAINTENANCE_REQUESTED,
  MAINTENANCE_ACTIONS_REQUESTED,
  type HostMaintenanceRequested,
  type MaintenanceActionsRequested,
} from '../../contracts/bus-events';
import { HOST_EVENT_TYPE, SESSION_EVENT_TYPE, TENANT_EVENT_TYPE } from '../../contracts/fenix';
import { type Notifier, type Publication } from '../../notifier/ports';
import type { HostDrain } from '../host-drain';
import { planSessionStep } from '../planner/session-planner';
import { type Decision, type Effect, type Session, type SessionEvent } from '../session/session';
import { step } from '../session/session-machine';
import {
  ConcurrentSessionUpdateError,
  type ClusterSource,
  type InventoryRefresh,
  type MaintenanceMarks,
  type OutboxEntry,
  type SessionStore,
  type WorkflowBus,
} from './ports';

/** The operator hook: put on the bus when hosts are empty; operator automation answers. */
export interface WorkflowDeps {
  store: SessionStore;
  vim: HostDrain;
  cluster: ClusterSource;
  notifier: Notifier;
  marks: MaintenanceMarks;
  inventory: InventoryRefresh;
  bus: WorkflowBus;
  clock: () => Date;
  /** Whether a failed VIM call would fail the same way again (a refusal, not an outage). */
  permanent: (error: unknown) => boolean;
  /** Between two looks at moves in flight. */
  pollMs?: number;
}

/** What a pass over a session did, for the handler's log. */
export interface Pass {
  session_id: string;
  carriedOut: number;
  /** Effects left for the next pass after a transient failure, with the error. */
  deferred?: string;
  /** VIM refusals, each fed back to the session as a vim-error. */
  refused: string[];
  awaiting: boolean;
  /** Another runner was carrying out the session's effects. */
  skipped?: true;
}

const ENDED = new Set<Session['state']>(['MAINTENANCE_DONE', 'MAINTENANCE_FAILED']);
const MAX_DECISION_ATTEMPTS = 5;
/** A bound on decisions chained in one pass (a plan answers a request, a drained host starts maintenance...). */
const MAX_OUTBOX_ROUNDS = 25;
/** A lease outlives the runner's planned work by this much, then another runner may take over. */
const LEASE_MARGIN_MS = 60_000;
const CLAIM_RETRY_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs maintenance sessions: applies events to the session state machine (lib/maintenance/session)
 * with a conditional write per decision, and carries out the decisions' effects from the outbox
 * stored with them. An effect is removed from the outbox only once carried out, so one whose
 * invocation died is carried out by the next pass (the sweeper's at the latest): effects happen
 * at least once, and each is safe to repeat (notifications carry ids the tenants already saw,
 * VIM calls check before they act, the reducer ignores repeated events).
 */
export class MaintenanceWorkflow {
  constructor(private readonly deps: WorkflowDeps) {}

  /** Decides the event on the stored session and stores the decision with its effects. */
  async apply(sessionId: string, event: SessionEvent): Promise<Decision> {
    for (let attempt = 1; ; attempt++) {
      const record = await this.deps.store.load(sessionId);
      const decision = step(record?.session, event, this.deps.clock().toISOString());
      if (decision.kind !== 'applied') return decision;
      const { version } = decision.session;
      const outbox: OutboxEntry[] = [
        ...(record?.outbox ?? []),
        ...decision.effects.map((effect, i) => ({ id: `${version}.${i}`, effect })),
      ];
      try {
        await this.deps.store.save(decision.session, record?.session.version, outbox);
        return decision;
      } catch (error) {
        if (!(error instanceof ConcurrentSessionUpdateError) || attempt >= MAX_DECISION_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Carries out the session's pending effects, then follows moves in flight and hosts being
   * emptied for up to `followMs` (0: one look). Only one runner at a time carries out a session's
   * effects: a runner that finds another at work waits up to `claimWaitMs` for it to finish, then
   * leaves the effects to it (it reads the outbox on every look at the moves) or to the sweeper.
   */
  async drive(sessionId: string, { followMs = 0, claimWaitMs = 0 } = {}): Promise<Pass> {
    const pass: Pass = { session_id: sessionId, carriedOut: 0, refused: [], awaiting: false };
    const { store, clock } = this.deps;
    const holder = randomUUID();
    const start = clock().getTime();
    const leaseUntil = new Date(start + followMs + LEASE_MARGIN_MS);
    while (!(await store.claim(sessionId, holder, clock(), leaseUntil))) {
      if (clock().getTime() - start >= claimWaitMs) return { ...pass, skipped: true };
      await sleep(CLAIM_RETRY_MS);
    }
    try {
      for (;;) {
        await this.runOutbox(pass);
        if (pass.deferred) return pass;
        pass.awaiting = await this.followMoves(pass);
        await this.runOutbox(pass);
        if (!pass.awaiting || pass.deferred || clock().getTime() - start >= followMs) return pass;
        await sleep(this.deps.pollMs ?? 1000);
      }
    } finally {
      await store.release(sessionId, holder);
    }
  }

  /** The scheduled pass: every session whose deadline passed, with effects left, or with moves awaited. */
  async sweep(): Promise<{ passes: Pass[]; failures: { session_id: string; error: string }[] }> {
    const passes: Pass[] = [];
    const failures: { session_id: string; error: string }[] = [];
    for (const sessionId of await this.deps.store.due(this.deps.clock())) {
      try {
        await this.apply(sessionId, { type: 'deadline-passed' });
        passes.push(await this.drive(sessionId));
      } catch (error) {
        // One session's trouble must not hold up the others; its item stays due for the next sweep.
        failures.push({ session_id: sessionId, error: String(error) });
      }
    }
    return { passes, failures };
  }

  private async runOutbox(pass: Pass): Promise<void> {
    for (let round = 0; round < MAX_OUTBOX_ROUNDS; round++) {
      const record = await this.deps.store.load(pass.session_id);
      if (!record || record.outbox.length === 0) return;
      const done: string[] = [];
      const failed = record.session.state === 'MAINTENANCE_FAILED';
      try {
        for (const entry of record.outbox) {
          const refusals = pass.refused.length;
          if (!(failed && advancesMaintenance(entry.effect))) await this.carryOut(record.session, entry.effect, pass);
          done.push(entry.id);
          // A refusal ended the session: what is left was decided before, read it again.
          if (pass.refused.length > refusals) break;
        }
      } catch (error) {
        pass.deferred = String(error);
        return;
      } finally {
        if (done.length > 0) await this.deps.store.settle(pass.session_id, done);
        pass.carriedOut += done.length;
      }
    }
  }

  private async carryOut(session: Session, effect: Effect, pass: Pass): Promise<void> {
    const { vim, notifier, marks, bus } = this.deps;
    const id = session.session_id;
    switch (effect.type) {
      case 'notify-tenant':
        return notifier.publish([
          message({ kind: 'tenant', tenantId: effect.project_id }, effect.payload, {
            eventType: TENANT_EVENT_TYPE,
            state: effect.payload.state,
            tenantId: effect.project_id,
          }),
        ]);
      case 'notify-admin-session':
        return notifier.publish([
          message({ kind: 'admin' }, effect.payload, { eventType: SESSION_EVENT_TYPE, state: effect.payload.state }),
        ]);
      case 'notify-admin-host':
        return notifier.publish([
          message({ kind: 'admin' }, effect.payload, {
            eventType: HOST_EVENT_TYPE,
            state: effect.payload.state,
            host: effect.payload.host,
          }),
        ]);
      case 'mark-in-maintenance':
        await marks.setMaintenance(effect.host, true);
        // The host is empty now: its former instances must no longer be told of its faults.
        return this.deps.inventory.refresh();
      case 'clear-in-maintenance':
        return marks.setMaintenance(effect.host, false);
      case 'host-maintenance-hook':
        return bus.emit({
          detailType: HOST_MAINTENANCE_REQUESTED,
          detail: {
            session_id: effect.session_id,
            host: effect.host,
            metadata: effect.metadata,
            actions: effect.actions,
            answer_by: session.deadline_at,
          } satisfies HostMaintenanceRequested,
        });
      case 'session-actions-hook':
        return bus.emit({
          detailType: MAINTENANCE_ACTIONS_REQUESTED,
          detail: {
            session_id: effect.session_id,
            phase: effect.phase,
            metadata: effect.metadata,
            actions: effect.actions,
            answer_by: session.deadline_at,
          } satisfies MaintenanceActionsRequested,
        });
      case 'disable-host':
        return this.onVim(id, 'disable', pass, () => vim.disable(effect.host, effect.reason));
      case 'enable-host':
        return this.onVim(id, 'enable', pass, () => vim.enable(effect.host));
      case 'move-instance':
        return this.onVim(id, `move ${effect.instance_id}`, pass, () =>
          vim.startMove(effect.instance_id, effect.action, effect.from_host, effect.to_host),
        );
      case 'await-host-empty':
        return this.onVim(id, `list ${effect.host}`, pass, async () => {
          if ((await vim.instancesOn(effect.host)).length === 0)
            await this.apply(id, { type: 'host-drained', host: effect.host });
        });
      case 'plan-next-step':
        return this.onVim(id, 'plan', pass, async () => {
          const cluster = await this.deps.cluster.snapshot();
          // The latest session: the request may have been carried out late.
          const current = (await this.deps.store.load(id))?.session ?? session;
          const plan = planSessionStep(current, effect.request, cluster, this.deps.clock().toISOString());
          await this.apply(id, { type: 'step-planned', seq: effect.request.seq, plan });
        });
    }
  }

  /** A VIM refusal fails the session (which returns its hosts); an outage leaves the effect for later. */
  private async onVim(sessionId: string, operation: string, pass: Pass, call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (!this.deps.permanent(error)) throw error;
      const text = error instanceof Error ? error.message : String(error);
      pass.refused.push(`${operation}: ${text}`);
      await this.apply(sessionId, { type: 'vim-error', operation, message: text });
    }
  }

  /** Reports moves the VIM finished and hosts it emptied; true while any is still awaited. */
  private async followMoves(pass: Pass): Promise<boolean> {
    const session = (await this.deps.store.load(pass.session_id))?.session;
    const current = session?.step;
    if (!session || !current || ENDED.has(session.state)) return false;
    let awaiting = false;
    for (const [instanceId, move] of Object.entries(current.moves)) {
      if (move.status !== 'REQUESTED') continue;
      const progress = await this.deps.vim.moveProgress(instanceId, move.from_host);
      if (progress.kind === 'done')
        await this.apply(pass.session_id, { type: 'instance-action-done', instance_id: instanceId });
      else if (progress.kind === 'failed')
        await this.apply(pass.session_id, {
          type: 'vim-error',
          operation: `move ${instanceId}`,
          message: progress.reason,
        });
      else awaiting = true;
    }
    for (const host of current.hosts) {
      if (session.hosts[host] !== 'DRAINING' || current.drained.includes(host)) continue;
      if ((await this.deps.vim.instancesOn(host)).length === 0)
        await this.apply(pass.session_id, { type: 'host-drained', host });
      else awaiting = true;
    }
    return awaiting;
  }
}

/**
 * Effects that take maintenance forward, decided before the session ended and left undone:
 * once it failed, they would disable hosts, move instances or ask tenants for nothing.
 */
function advancesMaintenance(effect: Effect): boolean {
  switch (effect.type) {
    case 'disable-host':
    case 'move-instance':
    case 'await-host-empty':
    case 'mark-in-maintenance':
    case 'host-maintenance-hook':
    case 'session-actions-hook':
    case 'plan-next-step':
      return true;
    case 'notify-tenant':
      return effect.payload.state !== 'MAINTENANCE_FAILED' && effect.payload.state !== 'INSTANCE_ACTION_DONE';
    default:
      return false;
  }
}

const message = (
  audience: Publication['audience'],
  notification: unknown,
  attributes: Record<string, string>,
): Publication => ({ audience, notification, attributes });
