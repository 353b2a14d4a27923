import { createSessionBody, type TenantReplyState } from '../../../lib/contracts/fenix';
import {
  instanceConstraint,
  instanceGroupConstraint,
  type InstanceGroupConstraint,
} from '../../../lib/maintenance/constraints/constraints';
import { planSessionStep, type ClusterSnapshot } from '../../../lib/maintenance/planner/session-planner';
import {
  type Effect,
  type PlannedStep,
  type PlanRequest,
  type Session,
  type SessionEvent,
} from '../../../lib/maintenance/session/session';
import { step } from '../../../lib/maintenance/session/session-machine';

const SID = 'session-1';
const T0 = Date.parse('2026-03-01T10:00:00Z');
/** The time `seconds` after the session is created. */
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const REPLY_TIMEOUT_S = 300;
const MAINTENANCE_AT = 3600;

// --- the cluster ------------------------------------------------------------------------

interface HostSpec {
  name: string;
  enabled?: boolean;
  up?: boolean;
  aggregates?: string[];
}
interface VmSpec {
  id: string;
  host: string;
  project?: string;
  /** The instance's group, in its own project. */
  group?: string;
}
type GroupSpec = Partial<InstanceGroupConstraint> & { group_id: string; project_id?: string };

/** A snapshot as the VIM and the constraints store would give it; every instance of tenant-a unless told. */
function cluster(spec: { hosts: (string | HostSpec)[]; vms: VmSpec[]; groups?: GroupSpec[]; slotsPerHost?: number }) {
  const vms = spec.vms.map((vm) => ({ ...vm, project: vm.project ?? 'tenant-a' }));
  return {
    hosts: spec.hosts.map((h) => {
      const host = typeof h === 'string' ? { name: h } : h;
      return { enabled: true, up: true, aggregates: [], ...host };
    }),
    instances: vms.map((vm) => ({ id: vm.id, project_id: vm.project, host: vm.host })),
    instanceConstraints: vms
      .filter((vm) => vm.group !== undefined)
      .map((vm) => instanceConstraint.parse({ instance_id: vm.id, project_id: vm.project, group_id: vm.group })),
    groupConstraints: (spec.groups ?? []).map((g) => instanceGroupConstraint.parse({ project_id: 'tenant-a', ...g })),
    slotsPerHost: spec.slotsPerHost ?? 4,
  } satisfies ClusterSnapshot;
}

/** The same cluster after the VIM moved or removed instances. */
function after(snapshot: ClusterSnapshot, changes: { moved?: Record<string, string>; removed?: string[] }) {
  return {
    ...snapshot,
    instances: snapshot.instances
      .filter((i) => !changes.removed?.includes(i.id))
      .map((i) => ({ ...i, host: changes.moved?.[i.id] ?? i.host })),
  };
}

// --- the session, through the real reducer ------------------------------------------------

/** Feeds events to the session reducer, keeping the session and the last plan request it made. */
class Run {
  private current: Session | undefined;
  private lastRequest: PlanRequest | undefined;

  go(event: SessionEvent, now: string): Effect[] {
    const decision = step(this.current, event, now);
    if (decision.kind !== 'applied') throw new Error(`${event.type}: ${decision.kind}: ${decision.detail}`);
    this.current = decision.session;
    for (const effect of decision.effects) if (effect.type === 'plan-next-step') this.lastRequest = effect.request;
    return decision.effects;
  }

  get session(): Session {
    if (!this.current) throw new Error('no session yet');
    return this.current;
  }

  get request(): PlanRequest {
    if (!this.lastRequest) throw new Error('the session has asked for no plan');
    return this.lastRequest;
  }

  /** What the planner answers the session's latest request, on the cluster as it is at `now`. */
  plan(snapshot: ClusterSnapshot, now: string): PlannedStep {
    return planSessionStep(this.session, this.request, snapshot, now);
  }

  /** Gives the planner's answer to the session. */
  accept(plan: PlannedStep, now: string): Effect[] {
    return this.go({ type: 'step-planned', seq: this.request.seq, plan }, now);
  }

  reply(project: string, state: TenantReplyState, now: string) {
    return this.go(
      { type: 'tenant-reply', project_id: project, body: { state, instance_actions: {} }, received_at: now },
      now,
    );
  }

  tick(now: string) {
    return this.go({ type: 'deadline-passed' }, now);
  }
}

/**
 * A session maintaining `hosts` that has reached maintenance_at and asked for its first step:
 * created with the instances on its hosts, the tenants silent until reply_at (the default applies).
 */
function sessionAtMaintenance(snapshot: ClusterSnapshot, hosts: string[], body: Record<string, unknown> = {}): Run {
  const run = new Run();
  run.go(
    {
      type: 'created',
      session_id: SID,
      request: createSessionBody.parse({
        hosts,
        state: 'MAINTENANCE',
        maintenance_at: at(MAINTENANCE_AT),
        workflow: 'default',
        actions: [{ plugin: 'firmware-upgrade', type: 'host' }],
        reply_timeout_s: REPLY_TIMEOUT_S,
        ...body,
      }),
      instances: snapshot.instances.map((i) => ({ instance_id: i.id, project_id: i.project_id, host: i.host })),
      admin_project_id: 'admin',
      api_url: 'https://maintenance.example',
    },
    at(0),
  );
  if (run.session.waiting_for === 'REPLIES') run.tick(at(REPLY_TIMEOUT_S));
  run.tick(at(MAINTENANCE_AT));
  return run;
}

const firstPlan = (snapshot: ClusterSnapshot, hosts: string[], body: Record<string, unknown> = {}) =>
  sessionAtMaintenance(snapshot, hosts, body).plan(snapshot, at(MAINTENANCE_AT));

/** "instance -> target" of a drain plan, sorted. */
function movesOf(plan: PlannedStep): string[] {
  if (plan.kind !== 'drain') throw new Error(`expected a drain plan, got ${JSON.stringify(plan)}`);
  return plan.moves.map((m) => `${m.instance_id}:${m.from_host}->${m.to_host}`).sort();
}

describe('Session planner: the next step of a maintenance session', () => {
  describe('parallel drains', () => {
    const snapshot = cluster({
      hosts: ['h1', 'h2', 'spare'],
      vms: [
        { id: 'a1', host: 'h1' },
        { id: 'b1', host: 'h2', project: 'tenant-b' },
      ],
    });

    it('drains in one step every host whose instances have room elsewhere and no constraint against it', () => {
      const plan = firstPlan(snapshot, ['h1', 'h2']);

      expect(plan).toEqual({
        kind: 'drain',
        hosts: ['h1', 'h2'],
        moves: [
          { instance_id: 'a1', project_id: 'tenant-a', from_host: 'h1', to_host: 'spare' },
          { instance_id: 'b1', project_id: 'tenant-b', from_host: 'h2', to_host: 'spare' },
        ],
        waiting: {},
      });
    });

    it('gives a plan the session accepts: both hosts drain, each tenant is asked about its own instances', () => {
      const run = sessionAtMaintenance(snapshot, ['h1', 'h2']);
      const effects = run.accept(run.plan(snapshot, at(MAINTENANCE_AT)), at(MAINTENANCE_AT));

      expect(run.session.state).toBe('PREPARE_MAINTENANCE');
      expect(run.session.hosts).toEqual({ h1: 'DRAINING', h2: 'DRAINING' });
      expect(run.session.round?.projects).toEqual({
        'tenant-a': { instance_ids: ['a1'] },
        'tenant-b': { instance_ids: ['b1'] },
      });
      expect(effects.filter((e) => e.type === 'disable-host').map((e) => e.host)).toEqual(['h1', 'h2']);
    });

    it('drains an empty host with no moves', () => {
      const empty = cluster({ hosts: ['h1', 'h2'], vms: [{ id: 'x', host: 'h2' }] });

      expect(firstPlan(empty, ['h1'])).toEqual({ kind: 'drain', hosts: ['h1'], moves: [], waiting: {} });
    });
  });

  describe('where instances may go', () => {
    it('moves instances only to hosts that are enabled and up', () => {
      const snapshot = cluster({
        hosts: [
          'h1',
          { name: 'a-disabled', enabled: false },
          { name: 'b-down', up: false },
          { name: 'c-disabled-and-down', enabled: false, up: false },
          'd-ok',
        ],
        vms: [
          { id: 'a1', host: 'h1' },
          { id: 'a2', host: 'h1' },
        ],
      });

      expect(movesOf(firstPlan(snapshot, ['h1']))).toEqual(['a1:h1->d-ok', 'a2:h1->d-ok']);
    });

    it('asks to scale in rather than use a disabled host or one that is down, however much room they have', () => {
      const snapshot = cluster({
        hosts: ['h1', { name: 'disabled', enabled: false }, { name: 'down', up: false }],
        vms: [{ id: 'a1', host: 'h1' }],
      });

      expect(firstPlan(snapshot, ['h1'])).toMatchObject({ kind: 'scale-in' });
    });

    it('moves nothing to a host of the session that is down or disabled, though it has room', () => {
      const snapshot = cluster({
        hosts: ['h1', { name: 'h2', up: false }, { name: 'h3', enabled: false }],
        vms: [
          { id: 'a1', host: 'h1' },
          { id: 'a2', host: 'h2' },
          { id: 'a3', host: 'h3' },
        ],
      });
      const plan = firstPlan(snapshot, ['h1', 'h2', 'h3']);

      // Only h1 may receive: h2 and h3 are emptied onto it, and h1 waits for a later step.
      expect(plan).toMatchObject({ kind: 'drain', hosts: ['h2', 'h3'] });
      expect(movesOf(plan)).toEqual(['a2:h2->h1', 'a3:h3->h1']);
      expect(plan).toMatchObject({ waiting: { h1: [expect.stringContaining('no room for instance a1')] } });
    });

    it('moves nothing to an empty host of the session that is down; it is maintained at once', () => {
      const snapshot = cluster({ hosts: ['h1', { name: 'h2', up: false }], vms: [{ id: 'a1', host: 'h1' }] });

      expect(firstPlan(snapshot, ['h1', 'h2'])).toEqual({
        kind: 'drain',
        hosts: ['h2'],
        moves: [],
        waiting: { h1: [expect.stringContaining('no room for instance a1')] },
      });
    });

    it('moves nothing to a host already maintained that is not back up', () => {
      const snapshot = cluster({
        hosts: ['h1', 'h2', 'spare'],
        vms: [
          { id: 'a1', host: 'h1' },
          { id: 'a2', host: 'h2' },
        ],
        slotsPerHost: 1,
      });
      const run = sessionAtMaintenance(snapshot, ['h1', 'h2']);
      const first = run.plan(snapshot, at(MAINTENANCE_AT));
      expect(movesOf(first)).toEqual(['a1:h1->spare']);
      run.accept(first, at(MAINTENANCE_AT));
      run.reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3610));
      run.go({ type: 'instance-action-done', instance_id: 'a1' }, at(3620));
      run.go({ type: 'host-drained', host: 'h1' }, at(3621));
      run.go({ type: 'host-maintenance-done', host: 'h1' }, at(3700));

      const moved = after(snapshot, { moved: { a1: 'spare' } });
      const h1Down = { ...moved, hosts: moved.hosts.map((h) => (h.name === 'h1' ? { ...h, up: false } : h)) };
      expect(run.request).toMatchObject({ pending_hosts: ['h2'], maintained_hosts: ['h1'] });
      expect(run.plan(moved, at(3701))).toEqual({
        kind: 'drain',
        hosts: ['h2'],
        moves: [expect.objectContaining({ to_host: 'h1' })],
        waiting: {},
      });
      expect(run.plan(h1Down, at(3701))).toMatchObject({ kind: 'scale-in' });
    });

    it("keeps instances in the session hosts' aggregates when those hosts are in aggregates", () => {
      const snapshot = cluster({
        hosts: [
          { name: 'h1', aggregates: ['fast'] },
          { name: 'a-slow', aggregates: ['slow'] },
          'b-no-aggregate',
          { name: 'c-fast', aggregates: ['fast', 'slow'] },
        ],
        vms: [{ id: 'a1', host: 'h1' }],
      });

      expect(movesOf(firstPlan(snapshot, ['h1']))).toEqual(['a1:h1->c-fast']);
    });

    it('lets any enabled host that is up receive when the session hosts are in no aggregate', () => {
      const snapshot = cluster({
        hosts: ['h1', { name: 'a-slow', aggregates: ['slow'] }],
        vms: [{ id: 'a1', host: 'h1' }],
      });

      expect(movesOf(firstPlan(snapshot, ['h1']))).toEqual(['a1:h1->a-slow']);
    });
  });

  describe('group constraints', () => {
    it('never puts two members of an anti-affinity group on one host', () => {
      const snapshot = cluster({
        hosts: ['h1', 'a-spare', 'b-spare'],
        vms: [
          { id: 'w1', host: 'h1', group: 'web' },
          { id: 'w2', host: 'a-spare', group: 'web' },
        ],
        groups: [{ group_id: 'web', anti_affinity_group: true, max_impacted_members: 2 }],
      });

      // a-spare is fuller and first by name, so it would be preferred without the constraint.
      expect(movesOf(firstPlan(snapshot, ['h1']))).toEqual(['w1:h1->b-spare']);
    });

    it('asks to scale in, then gives up, rather than break anti-affinity', () => {
      const snapshot = cluster({
        hosts: ['h1', 'spare'],
        vms: [
          { id: 'w1', host: 'h1', group: 'web' },
          { id: 'w2', host: 'spare', group: 'web' },
        ],
        groups: [{ group_id: 'web', anti_affinity_group: true }],
      });
      const run = sessionAtMaintenance(snapshot, ['h1']);

      const first = run.plan(snapshot, at(MAINTENANCE_AT));
      expect(first).toEqual({
        kind: 'scale-in',
        waiting: { h1: [expect.stringContaining('anti-affinity of group tenant-a/web')] },
      });
      run.accept(first, at(MAINTENANCE_AT));
      run.reply('tenant-a', 'ACK_SCALE_IN', at(3610));

      const second = run.plan(snapshot, at(3610));
      expect(second).toEqual({
        kind: 'infeasible',
        reason: expect.stringContaining('h1: anti-affinity of group tenant-a/web'),
      });
    });

    it('takes into a step only the hosts whose every instance may move now, and says why the others wait', () => {
      const snapshot = cluster({
        hosts: ['h1', 'h2', 'spare'],
        vms: [
          { id: 'd1', host: 'h1', group: 'db' },
          { id: 'd2', host: 'h2', group: 'db' },
        ],
        groups: [{ group_id: 'db', max_impacted_members: 1 }],
        slotsPerHost: 4,
      });
      const plan = firstPlan(snapshot, ['h1', 'h2']);

      expect(plan).toEqual({
        kind: 'drain',
        hosts: ['h1'],
        moves: [{ instance_id: 'd1', project_id: 'tenant-a', from_host: 'h1', to_host: 'spare' }],
        waiting: {
          h2: [
            'instance d2 waits: group tenant-a/db already has 1 of max 1 impacted members',
            'waits for a later step: not all its instances may move now',
          ],
        },
      });
    });

    it('moves as many members of a group at once as max_impacted_members allows', () => {
      const snapshot = cluster({
        hosts: ['h1', 'h2', 'spare'],
        vms: [
          { id: 'd1', host: 'h1', group: 'db' },
          { id: 'd2', host: 'h2', group: 'db' },
        ],
        groups: [{ group_id: 'db', max_impacted_members: 2 }],
      });

      expect(firstPlan(snapshot, ['h1', 'h2'])).toMatchObject({ kind: 'drain', hosts: ['h1', 'h2'] });
    });

    it("gives a group without a constraint Fenix's default: one member impacted at a time", () => {
      const snapshot = cluster({
        hosts: ['h1', 'h2', 'spare'],
        vms: [
          { id: 'd1', host: 'h1', group: 'unregistered' },
          { id: 'd2', host: 'h2', group: 'unregistered' },
        ],
      });

      expect(firstPlan(snapshot, ['h1', 'h2'])).toMatchObject({ kind: 'drain', hosts: ['h1'] });
    });

    it('counts a group id used by two projects as two groups', () => {
      const snapshot = cluster({
        hosts: ['h1', 'h2', 'spare'],
        vms: [
          { id: 'a1', host: 'h1', group: 'db' },
          { id: 'b1', host: 'h2', group: 'db', project: 'tenant-b' },
        ],
        groups: [
          { group_id: 'db', project_id: 'tenant-a', max_impacted_members: 1 },
          { group_id: 'db', project_id: 'tenant-b', max_impacted_members: 1 },
        ],
      });

      // One group of two members would move one at a time; two groups of one move together.
      expect(movesOf(firstPlan(snapshot, ['h1', 'h2']))).toEqual(['a1:h1->spare', 'b1:h2->spare']);
    });

    it("does not apply one project's anti-affinity to another project's group of the same id", () => {
      const snapshot = cluster({
        hosts: ['h1', 'spare'],
        vms: [
          { id: 'a1', host: 'spare', group: 'web' },
          { id: 'b1', host: 'h1', group: 'web', project: 'tenant-b' },
        ],
        groups: [
          { group_id: 'web', project_id: 'tenant-a', anti_affinity_group: true },
          { group_id: 'web', project_id: 'tenant-b', anti_affinity_group: true },
        ],
      });

      expect(movesOf(firstPlan(snapshot, ['h1']))).toEqual(['b1:h1->spare']);
    });
  });

  describe('recovery_time', () => {
    // d1 and d2 of group db (one member at a time, 120 s to recover after a move) on h1 and h2.
    const snapshot = cluster({
      hosts: ['h1', 'h2', 'spare'],
      vms: [
        { id: 'd1', host: 'h1', group: 'db' },
        { id: 'd2', host: 'h2', group: 'db' },
      ],
      groups: [{ group_id: 'db', max_impacted_members: 1, recovery_time: 120 }],
    });
    const MOVED_AT = 3700;
    const movedD1 = after(snapshot, { moved: { d1: 'spare' } });

    /** The first step drained h1 (d1 moved at MOVED_AT) and h1 was maintained. */
    function afterFirstStep(): Run {
      const run = sessionAtMaintenance(snapshot, ['h1', 'h2']);
      run.accept(run.plan(snapshot, at(MAINTENANCE_AT)), at(MAINTENANCE_AT));
      run.reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3610));
      run.go({ type: 'instance-action-done', instance_id: 'd1' }, at(MOVED_AT));
      run.go({ type: 'host-drained', host: 'h1' }, at(MOVED_AT + 1));
      run.go({ type: 'host-maintenance-done', host: 'h1' }, at(MOVED_AT + 10));
      return run;
    }

    it('waits until the group has recovered from the move recorded in the step, then drains the next host', () => {
      const run = afterFirstStep();
      expect(run.session.step?.moves.d1?.done_at).toBe(at(MOVED_AT));

      const early = run.plan(movedD1, at(MOVED_AT + 20));
      expect(early).toEqual({
        kind: 'wait',
        until: at(MOVED_AT + 120),
        waiting: { h2: [expect.stringContaining('instance d2 waits: recovery_time of group tenant-a/db')] },
      });

      // The session waits until then and asks again.
      run.accept(early, at(MOVED_AT + 20));
      expect(run.session).toMatchObject({ waiting_for: 'PLAN', deadline_at: at(MOVED_AT + 120) });
      run.tick(at(MOVED_AT + 120));

      expect(movesOf(run.plan(movedD1, at(MOVED_AT + 120)))).toEqual(['d2:h2->spare']);
    });

    it('does not wait for a group whose recovery_time is over', () => {
      const run = afterFirstStep();

      expect(movesOf(run.plan(movedD1, at(MOVED_AT + 500)))).toEqual(['d2:h2->spare']);
    });
  });

  describe('when no host has room', () => {
    // Two full hosts of two slots, nowhere else to go.
    const snapshot = cluster({
      hosts: ['h1', 'h2'],
      vms: [
        { id: 'a1', host: 'h1' },
        { id: 'a2', host: 'h1' },
        { id: 'b1', host: 'h2', project: 'tenant-b' },
        { id: 'b2', host: 'h2', project: 'tenant-b' },
      ],
      slotsPerHost: 2,
    });

    /** The session asked to scale in; the tenants answered (and maybe scaled in). */
    function afterScaleIn(): Run {
      const run = sessionAtMaintenance(snapshot, ['h1', 'h2']);
      run.accept(run.plan(snapshot, at(MAINTENANCE_AT)), at(MAINTENANCE_AT));
      run.reply('tenant-a', 'ACK_SCALE_IN', at(3610));
      run.reply('tenant-b', 'ACK_SCALE_IN', at(3620));
      return run;
    }

    it('first asks the tenants to scale in, saying why each host waits', () => {
      expect(firstPlan(snapshot, ['h1', 'h2'])).toEqual({
        kind: 'scale-in',
        waiting: {
          h1: [expect.stringContaining('no room for instance a1')],
          h2: [expect.stringContaining('no room for instance b1')],
        },
      });
    });

    it('once the session went through SCALE_IN, declares the maintenance infeasible, with the reasons', () => {
      const run = afterScaleIn();
      expect(run.session.history.map((h) => h.to)).toContain('SCALE_IN');

      const plan = run.plan(snapshot, at(3620));
      expect(plan).toEqual({
        kind: 'infeasible',
        reason: expect.stringMatching(/^h1: no room for instance a1.* \| h2: no room for instance b1/),
      });
    });

    it('drains once the tenants have scaled in enough', () => {
      const run = afterScaleIn();

      expect(movesOf(run.plan(after(snapshot, { removed: ['a2', 'b2'] }), at(3620)))).toEqual(['a1:h1->h2']);
    });
  });

  describe('default action', () => {
    it('plans the moves of instances without constraints under the session default action, OWN_ACTION included', () => {
      const snapshot = cluster({ hosts: ['h1', 'spare'], vms: [{ id: 'a1', host: 'h1' }] });
      const run = sessionAtMaintenance(snapshot, ['h1'], { default_action: 'OWN_ACTION' });
      expect(run.request.default_action).toBe('OWN_ACTION');

      const plan = run.plan(snapshot, at(MAINTENANCE_AT));
      expect(movesOf(plan)).toEqual(['a1:h1->spare']);
      // The tenant, silent, gets the default: the move is its own.
      run.accept(plan, at(MAINTENANCE_AT));
      run.tick(at(MAINTENANCE_AT + REPLY_TIMEOUT_S));
      expect(run.session.step?.moves.a1).toMatchObject({
        action: 'OWN_ACTION',
        status: 'OWN_ACTION',
        to_host: 'spare',
      });
    });
  });
});
