import { HOST_MAINTENANCE_REQUESTED } from '../../../lib/contracts/bus-events';
import { createSessionBody, type TenantReplyState } from '../../../lib/contracts/fenix';
import type { HostDrain, HostedInstance, MoveProgress, MoveType } from '../../../lib/maintenance/host-drain';
import type { ClusterSnapshot } from '../../../lib/maintenance/planner/session-planner';
import type { Session, SessionEvent } from '../../../lib/maintenance/session/session';
import { MaintenanceWorkflow } from '../../../lib/maintenance/workflow/maintenance-workflow';
import {
  ConcurrentSessionUpdateError,
  type ClusterSource,
  type InventoryRefresh,
  type MaintenanceMarks,
  type OutboxEntry,
  type SessionRecord,
  type SessionStore,
  type WorkflowBus,
} from '../../../lib/maintenance/workflow/ports';
import { type Notifier, type Publication } from '../../../lib/notifier/ports';

/*
 * In-memory fakes of the workflow's ports: enough to specify the orchestration. The real
 * adapters (DynamoDB, SNS, Nova, EventBridge) are specified by the integration tests.
 */

/** Sessions with their outboxes; a save succeeds only on the version it was decided from. */
class MemoryStore implements SessionStore {
  readonly records = new Map<string, SessionRecord>();
  /** Runs once before the next save is checked: a concurrent writer's chance. */
  beforeNextSave?: () => Promise<void>;
  /** Sessions whose record cannot be read (the store fails for them). */
  readonly unreadable = new Set<string>();
  /** Who may carry out each session's effects, and until when. */
  readonly leases = new Map<string, { holder: string; until: number }>();

  async load(sessionId: string): Promise<SessionRecord | undefined> {
    if (this.unreadable.has(sessionId)) throw new Error(`store unavailable for ${sessionId}`);
    const record = this.records.get(sessionId);
    return record && structuredClone(record);
  }

  async save(next: Session, expectedVersion: number | undefined, outbox: OutboxEntry[]): Promise<void> {
    const hook = this.beforeNextSave;
    this.beforeNextSave = undefined;
    await hook?.();
    if (this.records.get(next.session_id)?.session.version !== expectedVersion)
      throw new ConcurrentSessionUpdateError(next.session_id);
    this.records.set(next.session_id, structuredClone({ session: next, outbox }));
  }

  async settle(sessionId: string, done: string[]): Promise<void> {
    const record = this.records.get(sessionId);
    if (record) record.outbox = record.outbox.filter((entry) => !done.includes(entry.id));
  }

  async due(now: Date): Promise<string[]> {
    return [...this.records.values()]
      .filter(({ session: s, outbox }) => {
        if (outbox.length > 0) return true;
        if (s.state === 'MAINTENANCE_DONE' || s.state === 'MAINTENANCE_FAILED') return false;
        return s.waiting_for === 'DRAIN' || (s.deadline_at !== undefined && Date.parse(s.deadline_at) <= now.getTime());
      })
      .map(({ session: s }) => s.session_id);
  }

  async claim(sessionId: string, holder: string, now: Date, until: Date): Promise<boolean> {
    const lease = this.leases.get(sessionId);
    if (lease && lease.holder !== holder && lease.until > now.getTime()) return false;
    this.leases.set(sessionId, { holder, until: until.getTime() });
    return true;
  }

  async release(sessionId: string, holder: string): Promise<void> {
    if (this.leases.get(sessionId)?.holder === holder) this.leases.delete(sessionId);
  }

  session(sessionId: string): Session {
    const record = this.records.get(sessionId);
    if (!record) throw new Error(`no session ${sessionId}`);
    return record.session;
  }

  outbox(sessionId: string): OutboxEntry['effect']['type'][] {
    return (this.records.get(sessionId)?.outbox ?? []).map((entry) => entry.effect.type);
  }
}

/** A VIM refusal: the same call would fail the same way again. */
class Refusal extends Error {}

/** A small cloud: compute hosts and where each instance runs, as Nova would report them. */
class FakeCloud implements HostDrain, ClusterSource {
  readonly hosts = new Map<string, { enabled: boolean; up: boolean }>();
  readonly instances = new Map<string, { projectId: string; host: string }>();
  /** VIM calls, in order: "disable h1", "MIGRATE vm-a1 h1->spare"... */
  readonly calls: string[] = [];
  /** Calls the VIM refuses. */
  readonly refuse = new Set<string>();
  /** Calls that fail while the VIM is unavailable. */
  readonly unavailable = new Set<string>();
  /** While set, moves started are still in progress. */
  holdMoves = false;
  /** The reason each host was last disabled with, as operators see it. */
  readonly disabledFor = new Map<string, string>();
  private readonly moving = new Map<string, string>();

  constructor(hosts: string[], instances: Record<string, { project: string; host: string }>) {
    for (const host of hosts) this.hosts.set(host, { enabled: true, up: true });
    for (const [id, { project, host }] of Object.entries(instances))
      this.instances.set(id, { projectId: project, host });
  }

  private call(text: string) {
    this.calls.push(text);
    if (this.refuse.has(text)) throw new Refusal(`${text} refused`);
    if (this.unavailable.has(text)) throw new Error('Nova unavailable');
  }

  async disable(host: string, reason: string): Promise<void> {
    this.call(`disable ${host}`);
    this.disabledFor.set(host, reason);
    this.hosts.get(host)!.enabled = false;
  }

  async enable(host: string): Promise<void> {
    this.call(`enable ${host}`);
    this.hosts.get(host)!.enabled = true;
  }

  async instancesOn(host: string): Promise<HostedInstance[]> {
    return [...this.instances]
      .filter(([, i]) => i.host === host)
      .map(([id, i]) => ({ id, name: id, projectId: i.projectId }));
  }

  async startMove(instanceId: string, how: MoveType, from: string, to?: string): Promise<void> {
    this.call(`${how} ${instanceId} ${from}->${to ?? '?'}`);
    this.moving.set(instanceId, to ?? 'spare');
  }

  async moveProgress(instanceId: string, from: string): Promise<MoveProgress> {
    const to = this.moving.get(instanceId);
    const instance = this.instances.get(instanceId)!;
    if (to !== undefined && !this.holdMoves) {
      instance.host = to;
      this.moving.delete(instanceId);
    }
    return instance.host === from ? { kind: 'moving' } : { kind: 'done', host: instance.host };
  }

  async snapshot(): Promise<ClusterSnapshot> {
    return {
      hosts: [...this.hosts].map(([name, h]) => ({ name, ...h, aggregates: [] })),
      instances: [...this.instances].map(([id, i]) => ({ id, project_id: i.projectId, host: i.host })),
      instanceConstraints: [],
      groupConstraints: [],
      slotsPerHost: 4,
    };
  }

  /** The VNF manager moved its own instance. */
  moveItself(instanceId: string, to: string) {
    this.instances.get(instanceId)!.host = to;
  }
}

/** SNS: every message published; the publications numbered in `failing` (from 1) fail once. */
class FakeNotifier implements Notifier {
  readonly messages: Publication[] = [];
  readonly failing = new Set<number>();
  private publications = 0;

  async publish(messages: Publication[]): Promise<void> {
    this.publications += 1;
    if (this.failing.delete(this.publications)) throw new Error('SNS unavailable');
    this.messages.push(...messages);
  }

  /** [audience, state] of each message, e.g. ['tenant-a', 'PREPARE_MAINTENANCE'] or ['admin', 'MAINTENANCE']. */
  get sent(): [string, string][] {
    return this.messages.map((m) => [
      m.audience.kind === 'admin' ? 'admin' : m.audience.tenantId,
      (m.notification as { state: string }).state,
    ]);
  }

  statesTo(audience: string): string[] {
    return this.sent.filter(([to]) => to === audience).map(([, state]) => state);
  }
}

class FakeMarks implements MaintenanceMarks {
  readonly marked = new Set<string>();
  readonly calls: string[] = [];

  async setMaintenance(host: string, inMaintenance: boolean): Promise<void> {
    this.calls.push(`${inMaintenance ? 'mark' : 'clear'} ${host}`);
    if (inMaintenance) this.marked.add(host);
    else this.marked.delete(host);
  }
}

/** The fault correlator's inventory: how many times it was brought up to date. */
class FakeInventory implements InventoryRefresh {
  refreshes = 0;

  async refresh(): Promise<void> {
    this.refreshes += 1;
  }
}

class FakeBus implements WorkflowBus {
  readonly events: { detailType: string; detail: unknown }[] = [];

  async emit(event: { detailType: string; detail: unknown }): Promise<void> {
    this.events.push(event);
  }
}

// --- the scene ----------------------------------------------------------------------------

const SID = 'session-1';
const T0 = Date.parse('2026-03-01T10:00:00Z');
/** The time `seconds` after the session is created. */
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const MAINTENANCE_AT = 3600;
const HOST_MAINTENANCE_TIMEOUT_S = 7200;

/** h1 runs vm-a1 (tenant-a), h2 runs vm-b1 (tenant-b); spare is outside the session and empty. */
function scene() {
  const store = new MemoryStore();
  const cloud = new FakeCloud(['h1', 'h2', 'spare'], {
    'vm-a1': { project: 'tenant-a', host: 'h1' },
    'vm-b1': { project: 'tenant-b', host: 'h2' },
  });
  const notifier = new FakeNotifier();
  const marks = new FakeMarks();
  const bus = new FakeBus();
  const inventory = new FakeInventory();
  let now = T0;
  const workflow = new MaintenanceWorkflow({
    store,
    vim: cloud,
    cluster: cloud,
    notifier,
    marks,
    inventory,
    bus,
    clock: () => new Date(now),
    permanent: (error) => error instanceof Refusal,
    pollMs: 0,
  });

  const created = (sessionId = SID): SessionEvent => ({
    type: 'created',
    session_id: sessionId,
    request: createSessionBody.parse({
      hosts: ['h1', 'h2'],
      state: 'MAINTENANCE',
      maintenance_at: at(MAINTENANCE_AT),
      workflow: 'default',
      actions: [{ plugin: 'firmware-upgrade', type: 'host' }],
      host_maintenance_timeout_s: HOST_MAINTENANCE_TIMEOUT_S,
    }),
    instances: [
      { instance_id: 'vm-a1', project_id: 'tenant-a', host: 'h1' },
      { instance_id: 'vm-b1', project_id: 'tenant-b', host: 'h2' },
    ],
    admin_project_id: 'admin',
    api_url: 'https://maintenance.example',
  });

  const s = {
    store,
    cloud,
    notifier,
    marks,
    inventory,
    bus,
    workflow,
    /** Moves the clock to `seconds` after creation. */
    clockAt(seconds: number) {
      now = T0 + seconds * 1000;
    },
    created,
    /** Applies an event that must change the session, as the API or the workflow function would. */
    async apply(event: SessionEvent, sessionId = SID) {
      const decision = await workflow.apply(sessionId, event);
      if (decision.kind !== 'applied') throw new Error(`${event.type}: ${decision.kind}: ${decision.detail}`);
      return decision;
    },
    reply(project: string, state: TenantReplyState, sessionId = SID) {
      return s.apply(
        {
          type: 'tenant-reply',
          project_id: project,
          body: { state, instance_actions: {} },
          received_at: new Date(now).toISOString(),
        },
        sessionId,
      );
    },
    session: (sessionId = SID) => store.session(sessionId),
    /** Created, both tenants acknowledged, maintenance_at reached: the planner drained h1 and h2. */
    async atPrepareRound() {
      await s.apply(created());
      await workflow.drive(SID);
      await s.reply('tenant-a', 'ACK_MAINTENANCE');
      await s.reply('tenant-b', 'ACK_MAINTENANCE');
      s.clockAt(MAINTENANCE_AT);
      await workflow.sweep();
    },
  };
  return s;
}

describe('Maintenance workflow', () => {
  describe("carrying out a decision's effects", () => {
    it('notifies the admin of the session, then each tenant of maintenance.scheduled on its own topic, and empties the outbox', async () => {
      const s = scene();
      await s.apply(s.created());
      expect(s.store.outbox(SID)).toEqual(['notify-admin-session', 'notify-tenant', 'notify-tenant']);

      const pass = await s.workflow.drive(SID);

      expect(pass).toEqual({ session_id: SID, carriedOut: 3, refused: [], awaiting: false });
      expect(s.notifier.messages).toEqual([
        {
          audience: { kind: 'admin' },
          notification: expect.objectContaining({ session_id: SID, state: 'MAINTENANCE', previous_state: null }),
          attributes: { eventType: 'maintenance.session', state: 'MAINTENANCE' },
        },
        {
          audience: { kind: 'tenant', tenantId: 'tenant-a' },
          notification: expect.objectContaining({ project_id: 'tenant-a', state: 'MAINTENANCE' }),
          attributes: { eventType: 'maintenance.scheduled', state: 'MAINTENANCE', tenantId: 'tenant-a' },
        },
        {
          audience: { kind: 'tenant', tenantId: 'tenant-b' },
          notification: expect.objectContaining({ project_id: 'tenant-b', state: 'MAINTENANCE' }),
          attributes: { eventType: 'maintenance.scheduled', state: 'MAINTENANCE', tenantId: 'tenant-b' },
        },
      ]);
      expect(s.store.outbox(SID)).toEqual([]);
    });

    it('leaves a failed effect and the later ones in the outbox, and the next pass carries them out without repeating earlier ones', async () => {
      const s = scene();
      await s.apply(s.created());
      // The admin notice goes out, then SNS fails once on tenant-a's.
      s.notifier.failing.add(2);

      const first = await s.workflow.drive(SID);

      expect(first).toMatchObject({ carriedOut: 1, deferred: 'Error: SNS unavailable' });
      expect(s.notifier.sent).toEqual([['admin', 'MAINTENANCE']]);
      expect(s.store.outbox(SID)).toEqual(['notify-tenant', 'notify-tenant']);

      const second = await s.workflow.drive(SID);

      expect(second).toMatchObject({ carriedOut: 2 });
      expect(second.deferred).toBeUndefined();
      expect(s.notifier.sent).toEqual([
        ['admin', 'MAINTENANCE'],
        ['tenant-a', 'MAINTENANCE'],
        ['tenant-b', 'MAINTENANCE'],
      ]);
      expect(s.store.outbox(SID)).toEqual([]);
    });

    it('leaves a VIM call that failed transiently for the next pass, without failing the session', async () => {
      const s = scene();
      s.cloud.unavailable.add('disable h1');
      await s.atPrepareRound();
      expect(s.store.outbox(SID)[0]).toBe('disable-host');
      expect(s.session().state).toBe('PREPARE_MAINTENANCE');

      s.cloud.unavailable.clear();
      const pass = await s.workflow.drive(SID);

      expect(pass.deferred).toBeUndefined();
      expect(s.cloud.hosts.get('h1')?.enabled).toBe(false);
      expect(s.cloud.hosts.get('h2')?.enabled).toBe(false);
      expect(s.cloud.disabledFor.get('h1')).toBe(`maintenance session ${SID}`);
      expect(s.store.outbox(SID)).toEqual([]);
    });

    it('fails the session on a VIM refusal, and puts its hosts back in service', async () => {
      const s = scene();
      s.cloud.refuse.add('disable h1');

      await s.atPrepareRound();

      const session = s.session();
      expect(session.state).toBe('MAINTENANCE_FAILED');
      expect(session.reason).toBe('VIM error in disable: disable h1 refused');
      expect(session.hosts).toEqual({ h1: 'BACK_IN_SERVICE', h2: 'BACK_IN_SERVICE' });
      expect(s.cloud.hosts.get('h1')?.enabled).toBe(true);
      expect(s.cloud.hosts.get('h2')?.enabled).toBe(true);
      expect(s.cloud.calls.filter((c) => c.startsWith('enable'))).toEqual(['enable h1', 'enable h2']);
      // What the refused decision still had to do is dropped: no other host disabled, nothing moved.
      expect(s.cloud.calls.filter((c) => !c.startsWith('enable') && !c.startsWith('list'))).toEqual(['disable h1']);
      expect(s.notifier.statesTo('tenant-a')).not.toContain('PREPARE_MAINTENANCE');
      expect(s.notifier.statesTo('admin').at(-1)).toBe('MAINTENANCE_FAILED');
      expect(s.notifier.statesTo('tenant-a').at(-1)).toBe('MAINTENANCE_FAILED');
      expect(s.notifier.statesTo('tenant-b').at(-1)).toBe('MAINTENANCE_FAILED');
      expect(s.store.outbox(SID)).toEqual([]);
    });

    it('reports the refusal in the pass', async () => {
      const s = scene();
      s.cloud.refuse.add('disable h1');
      await s.apply(s.created());
      await s.reply('tenant-a', 'ACK_MAINTENANCE');
      await s.reply('tenant-b', 'ACK_MAINTENANCE');
      s.clockAt(MAINTENANCE_AT);
      await s.apply({ type: 'deadline-passed' });

      const pass = await s.workflow.drive(SID);

      expect(pass.refused).toEqual(['disable: disable h1 refused']);
    });
  });

  describe('deciding', () => {
    it('re-decides an event on the fresh session when another decision was stored first', async () => {
      const s = scene();
      await s.apply(s.created());
      // tenant-b's answer is stored while tenant-a's is being decided.
      s.store.beforeNextSave = async () => {
        await s.reply('tenant-b', 'ACK_MAINTENANCE');
      };

      const decision = await s.reply('tenant-a', 'ACK_MAINTENANCE');

      expect(decision.session.version).toBe(3);
      const session = s.session();
      expect(session.round?.projects).toMatchObject({
        'tenant-a': { verdict: 'ACK' },
        'tenant-b': { verdict: 'ACK' },
      });
      // Both answers in: the round closed and the session waits for maintenance_at.
      expect(session).toMatchObject({ waiting_for: 'MAINTENANCE_AT', deadline_at: at(MAINTENANCE_AT) });
    });

    it('answers an event the fresh session has moved past as ignored', async () => {
      const s = scene();
      await s.apply(s.created());
      s.store.beforeNextSave = async () => {
        await s.apply({ type: 'admin-delete' });
      };

      const decision = await s.workflow.apply(SID, {
        type: 'tenant-reply',
        project_id: 'tenant-a',
        body: { state: 'ACK_MAINTENANCE', instance_actions: {} },
        received_at: at(0),
      });

      expect(decision).toMatchObject({ kind: 'ignored', reason: 'session-ended' });
      expect(s.session().state).toBe('MAINTENANCE_FAILED');
    });

    it('keeps the effects of every stored decision in the outbox, and once the session failed drops those that would take it forward', async () => {
      const s = scene();
      await s.apply(s.created());
      await s.apply({ type: 'admin-delete' });

      expect(s.store.outbox(SID)).toEqual([
        'notify-admin-session',
        'notify-tenant',
        'notify-tenant',
        'notify-admin-session',
        'notify-tenant',
        'notify-tenant',
      ]);
      await s.workflow.drive(SID);
      // Tenants are not asked about a session that ended before the question went out.
      expect(s.notifier.sent).toEqual([
        ['admin', 'MAINTENANCE'],
        ['admin', 'MAINTENANCE_FAILED'],
        ['tenant-a', 'MAINTENANCE_FAILED'],
        ['tenant-b', 'MAINTENANCE_FAILED'],
      ]);
    });
  });

  describe('one runner at a time', () => {
    it('leaves the effects to the runner that holds the session, and says it skipped', async () => {
      const s = scene();
      await s.apply(s.created());
      await s.store.claim(SID, 'another-runner', new Date(T0), new Date(T0 + 60_000));

      const pass = await s.workflow.drive(SID);

      expect(pass).toMatchObject({ skipped: true, carriedOut: 0 });
      expect(s.notifier.messages).toEqual([]);
      expect(s.store.outbox(SID)).toHaveLength(3);
    });

    it('releases the session after its pass, even one cut short by a failure', async () => {
      const s = scene();
      await s.apply(s.created());
      s.notifier.failing.add(1);
      expect((await s.workflow.drive(SID)).deferred).toBeDefined();

      expect(await s.store.claim(SID, 'another-runner', new Date(T0), new Date(T0 + 60_000))).toBe(true);
    });
  });

  describe('following moves', () => {
    /** Both tenants acknowledged PREPARE_MAINTENANCE: the moves are started and still in progress. */
    async function movesStarted() {
      const s = scene();
      await s.atPrepareRound();
      s.cloud.holdMoves = true;
      s.clockAt(MAINTENANCE_AT + 10);
      await s.reply('tenant-a', 'ACK_PREPARE_MAINTENANCE');
      await s.reply('tenant-b', 'ACK_PREPARE_MAINTENANCE');
      const pass = await s.workflow.drive(SID);
      return { s, pass };
    }

    it('starts the moves the tenants agreed to, to the planned host, and keeps awaiting them', async () => {
      const { s, pass } = await movesStarted();

      expect(s.cloud.calls.filter((c) => c.startsWith('MIGRATE'))).toEqual([
        'MIGRATE vm-a1 h1->spare',
        'MIGRATE vm-b1 h2->spare',
      ]);
      expect(pass.awaiting).toBe(true);
      expect(s.session()).toMatchObject({ state: 'PREPARE_MAINTENANCE', waiting_for: 'DRAIN' });
      expect(s.notifier.statesTo('tenant-a')).not.toContain('INSTANCE_ACTION_DONE');
    });

    it('tells the tenant INSTANCE_ACTION_DONE once the VIM reports its instance moved', async () => {
      const { s } = await movesStarted();
      s.cloud.holdMoves = false;

      await s.workflow.drive(SID);

      const done = s.notifier.messages.filter(
        (m) => (m.notification as { state: string }).state === 'INSTANCE_ACTION_DONE',
      );
      expect(done).toEqual([
        {
          audience: { kind: 'tenant', tenantId: 'tenant-a' },
          notification: expect.objectContaining({ project_id: 'tenant-a', instance_ids: ['vm-a1'] }),
          attributes: { eventType: 'maintenance.scheduled', state: 'INSTANCE_ACTION_DONE', tenantId: 'tenant-a' },
        },
        {
          audience: { kind: 'tenant', tenantId: 'tenant-b' },
          notification: expect.objectContaining({ project_id: 'tenant-b', instance_ids: ['vm-b1'] }),
          attributes: { eventType: 'maintenance.scheduled', state: 'INSTANCE_ACTION_DONE', tenantId: 'tenant-b' },
        },
      ]);
    });

    it('puts an emptied host in maintenance: marked, the admin told, and the operator hook on the bus', async () => {
      const { s } = await movesStarted();
      s.cloud.holdMoves = false;
      s.clockAt(MAINTENANCE_AT + 20);

      const pass = await s.workflow.drive(SID);

      expect(pass.awaiting).toBe(false);
      const answerBy = at(MAINTENANCE_AT + 20 + HOST_MAINTENANCE_TIMEOUT_S);
      expect(s.session()).toMatchObject({
        state: 'START_MAINTENANCE',
        hosts: { h1: 'IN_MAINTENANCE', h2: 'IN_MAINTENANCE' },
        waiting_for: 'HOST_MAINTENANCE',
        deadline_at: answerBy,
      });
      expect([...s.marks.marked]).toEqual(['h1', 'h2']);
      // The fault correlator learns the instances left the hosts, so their faults are no longer theirs.
      expect(s.inventory.refreshes).toBe(2);
      expect(s.notifier.messages.filter((m) => m.attributes.eventType === 'maintenance.host')).toEqual([
        {
          audience: { kind: 'admin' },
          notification: expect.objectContaining({ host: 'h1', state: 'IN_MAINTENANCE', session_id: SID }),
          attributes: { eventType: 'maintenance.host', state: 'IN_MAINTENANCE', host: 'h1' },
        },
        {
          audience: { kind: 'admin' },
          notification: expect.objectContaining({ host: 'h2', state: 'IN_MAINTENANCE', session_id: SID }),
          attributes: { eventType: 'maintenance.host', state: 'IN_MAINTENANCE', host: 'h2' },
        },
      ]);
      expect(s.bus.events).toEqual([
        {
          detailType: HOST_MAINTENANCE_REQUESTED,
          detail: {
            session_id: SID,
            host: 'h1',
            metadata: {},
            actions: [{ plugin: 'firmware-upgrade', type: 'host', metadata: {} }],
            answer_by: answerBy,
          },
        },
        {
          detailType: HOST_MAINTENANCE_REQUESTED,
          detail: {
            session_id: SID,
            host: 'h2',
            metadata: {},
            actions: [{ plugin: 'firmware-upgrade', type: 'host', metadata: {} }],
            answer_by: answerBy,
          },
        },
      ]);
    });

    it('fails the session when the VIM reports a move failed', async () => {
      const { s } = await movesStarted();
      s.cloud.moveProgress = async (instanceId) =>
        instanceId === 'vm-a1' ? { kind: 'failed', reason: 'migration error' } : { kind: 'moving' };

      await s.workflow.drive(SID);

      expect(s.session()).toMatchObject({
        state: 'MAINTENANCE_FAILED',
        reason: 'VIM error in move vm-a1: migration error',
        hosts: { h1: 'BACK_IN_SERVICE', h2: 'BACK_IN_SERVICE' },
      });
      expect(s.cloud.hosts.get('h1')?.enabled).toBe(true);
    });

    it('waits for an instance its VNF manager moves itself, then maintains the emptied host', async () => {
      const s = scene();
      await s.atPrepareRound();
      await s.apply({
        type: 'tenant-reply',
        project_id: 'tenant-a',
        body: { state: 'ACK_PREPARE_MAINTENANCE', instance_actions: { 'vm-a1': 'OWN_ACTION' } },
        received_at: at(MAINTENANCE_AT),
      });
      await s.reply('tenant-b', 'ACK_PREPARE_MAINTENANCE');

      const waiting = await s.workflow.drive(SID);
      expect(waiting.awaiting).toBe(true);
      expect(s.session().hosts.h1).toBe('DRAINING');
      expect(s.cloud.calls.some((c) => c.includes('vm-a1'))).toBe(false);

      s.cloud.moveItself('vm-a1', 'spare');
      await s.workflow.drive(SID);
      expect(s.session().hosts).toEqual({ h1: 'IN_MAINTENANCE', h2: 'IN_MAINTENANCE' });
    });
  });

  describe('sweeping', () => {
    it('applies deadline-passed to every due session and carries out what it decides', async () => {
      const s = scene();
      await s.apply(s.created());
      await s.workflow.drive(SID);
      s.clockAt(300);

      const { passes, failures } = await s.workflow.sweep();

      expect(failures).toEqual([]);
      expect(passes.map((p) => p.session_id)).toEqual([SID]);
      // The tenants were silent: the default applies and the session waits for maintenance_at.
      expect(s.session().round?.projects).toMatchObject({
        'tenant-a': { verdict: 'DEFAULT' },
        'tenant-b': { verdict: 'DEFAULT' },
      });
      expect(s.session()).toMatchObject({ waiting_for: 'MAINTENANCE_AT', deadline_at: at(MAINTENANCE_AT) });
    });

    it('goes on with the other sessions when one fails, and reports it', async () => {
      const s = scene();
      await s.apply(s.created('broken'));
      await s.apply(s.created(SID));
      s.store.unreadable.add('broken');
      s.clockAt(300);

      const { passes, failures } = await s.workflow.sweep();

      expect(failures).toEqual([{ session_id: 'broken', error: 'Error: store unavailable for broken' }]);
      expect(passes.map((p) => p.session_id)).toEqual([SID]);
      expect(s.session(SID).waiting_for).toBe('MAINTENANCE_AT');
      expect(s.notifier.sent.filter(([to]) => to === 'admin')).toEqual([['admin', 'MAINTENANCE']]);
    });

    it('leaves a session whose deadline has not passed as it was', async () => {
      const s = scene();
      await s.apply(s.created());
      await s.workflow.drive(SID);
      const before = s.session();
      s.clockAt(299);

      expect(await s.workflow.sweep()).toEqual({ passes: [], failures: [] });
      expect(s.session()).toEqual(before);
    });
  });

  describe('a whole session', () => {
    it('maintains two hosts side by side, from MAINTENANCE to MAINTENANCE_DONE', async () => {
      const s = scene();
      // The administrator creates the session; the workflow is woken.
      await s.apply(s.created());
      await s.workflow.drive(SID);
      // The tenants acknowledge.
      s.clockAt(60);
      await s.reply('tenant-a', 'ACK_MAINTENANCE');
      await s.reply('tenant-b', 'ACK_MAINTENANCE');
      await s.workflow.drive(SID);
      // maintenance_at: the sweeper asks the planner, which drains both hosts onto spare.
      s.clockAt(MAINTENANCE_AT);
      await s.workflow.sweep();
      expect(s.session()).toMatchObject({ state: 'PREPARE_MAINTENANCE', hosts: { h1: 'DRAINING', h2: 'DRAINING' } });
      // The tenants let their instances be migrated; the VIM moves them.
      s.clockAt(MAINTENANCE_AT + 60);
      await s.reply('tenant-a', 'ACK_PREPARE_MAINTENANCE');
      await s.reply('tenant-b', 'ACK_PREPARE_MAINTENANCE');
      await s.workflow.drive(SID);
      expect(s.session().state).toBe('START_MAINTENANCE');
      // The operator's automation maintains each host and answers.
      s.clockAt(MAINTENANCE_AT + 600);
      for (const host of ['h1', 'h2']) {
        await s.apply({ type: 'host-maintenance-done', host });
        await s.workflow.drive(SID);
      }
      expect(s.session().state).toBe('MAINTENANCE_COMPLETE');
      // The tenants acknowledge the end.
      s.clockAt(MAINTENANCE_AT + 660);
      await s.reply('tenant-a', 'ACK_MAINTENANCE_COMPLETE');
      await s.reply('tenant-b', 'ACK_MAINTENANCE_COMPLETE');
      await s.workflow.drive(SID);

      const session = s.session();
      expect(session.history.map((h) => h.to)).toEqual([
        'MAINTENANCE',
        'PREPARE_MAINTENANCE',
        'START_MAINTENANCE',
        'MAINTENANCE_COMPLETE',
        'MAINTENANCE_DONE',
      ]);
      expect(session).toMatchObject({
        state: 'MAINTENANCE_DONE',
        waiting_for: 'NOTHING',
        hosts: { h1: 'MAINTENANCE_COMPLETE', h2: 'MAINTENANCE_COMPLETE' },
      });
      expect(s.store.outbox(SID)).toEqual([]);
      expect(await s.store.due(new Date(T0 + 10 * 86_400_000))).toEqual([]);
      // The cloud: instances on spare, both hosts back in scheduling, no maintenance mark left.
      expect(s.cloud.instances.get('vm-a1')?.host).toBe('spare');
      expect(s.cloud.instances.get('vm-b1')?.host).toBe('spare');
      expect(s.cloud.calls.filter((c) => !c.startsWith('MIGRATE'))).toEqual([
        'disable h1',
        'disable h2',
        'enable h1',
        'enable h2',
      ]);
      expect(s.marks.calls).toEqual(['mark h1', 'mark h2', 'clear h1', 'clear h2']);
      expect(s.bus.events.map((e) => (e.detail as { host: string }).host)).toEqual(['h1', 'h2']);
      // Who was told what.
      for (const tenant of ['tenant-a', 'tenant-b'])
        expect(s.notifier.statesTo(tenant)).toEqual([
          'MAINTENANCE',
          'PREPARE_MAINTENANCE',
          'INSTANCE_ACTION_DONE',
          'MAINTENANCE_COMPLETE',
        ]);
      expect(s.notifier.statesTo('admin')).toEqual([
        'MAINTENANCE',
        'PREPARE_MAINTENANCE',
        'START_MAINTENANCE',
        'IN_MAINTENANCE',
        'IN_MAINTENANCE',
        'MAINTENANCE_COMPLETE',
        'MAINTENANCE_COMPLETE',
        'MAINTENANCE_COMPLETE',
        'MAINTENANCE_DONE',
      ]);
    });
  });
});
