import {
  createSessionBody,
  hostNotification,
  sessionNotification,
  tenantNotification,
  type TenantReplyState,
} from '../../../lib/contracts/fenix';
import {
  projectInstanceIds,
  session as sessionSchema,
  type Decision,
  type Effect,
  type PlannedMove,
  type PlannedStep,
  type Session,
  type SessionEvent,
} from '../../../lib/maintenance/session/session';
import { step } from '../../../lib/maintenance/session/session-machine';

const SID = 'b5f3a0f2-6e0d-4a55-9c3e-2f1d1c3f9a10';
const T0 = Date.parse('2026-03-01T10:00:00Z');
/** The time `seconds` after the session is created. */
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const MAINTENANCE_AT = at(3600);
const REPLY_TIMEOUT_S = 300;
const URL_A = `https://maintenance.example/v1/maintenance/${SID}/tenant-a`;

/** host-1 runs vm-a1 (tenant-a) and vm-b1 (tenant-b); host-2 runs vm-a2 (tenant-a). */
const created = (body: Record<string, unknown> = {}, instances = INSTANCES): SessionEvent => ({
  type: 'created',
  session_id: SID,
  request: createSessionBody.parse({
    hosts: ['host-1', 'host-2'],
    state: 'MAINTENANCE',
    maintenance_at: '2026-03-01 11:00:00',
    workflow: 'default',
    metadata: { openstack_version: 'Queens' },
    // The operator hook maintains each host (a session without a host plug-in has none).
    actions: [{ plugin: 'firmware-upgrade', type: 'host' }],
    reply_timeout_s: REPLY_TIMEOUT_S,
    ...body,
  }),
  instances,
  admin_project_id: 'admin',
  api_url: 'https://maintenance.example/',
});
const INSTANCES = [
  { instance_id: 'vm-a1', project_id: 'tenant-a', host: 'host-1' },
  { instance_id: 'vm-b1', project_id: 'tenant-b', host: 'host-1' },
  { instance_id: 'vm-a2', project_id: 'tenant-a', host: 'host-2' },
];

const reply = (
  project_id: string,
  state: TenantReplyState,
  received_at: string,
  instance_actions: Record<string, 'MIGRATE' | 'LIVE_MIGRATE' | 'OWN_ACTION'> = {},
): SessionEvent => ({ type: 'tenant-reply', project_id, body: { state, instance_actions }, received_at });
const planned = (seq: number, plan: PlannedStep): SessionEvent => ({ type: 'step-planned', seq, plan });
const drain = (hosts: string[], moves: PlannedMove[]): PlannedStep => ({ kind: 'drain', hosts, moves });
const moveOf = (instance_id: string, project_id: string, from_host: string, to_host?: string): PlannedMove => ({
  instance_id,
  project_id,
  from_host,
  ...(to_host ? { to_host } : {}),
});
const tick: SessionEvent = { type: 'deadline-passed' };

/** Feeds events to the reducer in order, keeping the session each applied decision stores. */
function run(start?: Session) {
  let session = start;
  return {
    apply(event: SessionEvent, now: string): Decision {
      const decision = step(session, event, now);
      if (decision.kind === 'applied') session = decision.session;
      return decision;
    },
    /** Applies an event that must change the session, and returns its effects. */
    go(event: SessionEvent, now: string): Effect[] {
      const decision = this.apply(event, now);
      if (decision.kind !== 'applied')
        throw new Error(`${event.type}: ${decision.kind} ${decision.reason}: ${decision.detail}`);
      return decision.effects;
    },
    get session(): Session {
      if (!session) throw new Error('no session yet');
      return session;
    },
  };
}

const ofType = <T extends Effect['type']>(effects: Effect[], type: T) =>
  effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
const tenantStates = (effects: Effect[]) =>
  ofType(effects, 'notify-tenant').map((e) => [e.project_id, e.payload.state]);
const sessionStates = (effects: Effect[]) => ofType(effects, 'notify-admin-session').map((e) => e.payload.state);
const hostStates = (effects: Effect[]) =>
  ofType(effects, 'notify-admin-host').map((e) => [e.payload.host, e.payload.state]);

/** A session through MAINTENANCE (both tenants ACK) and a first plan that drains host-1. */
function atPrepareRound(body: Record<string, unknown> = {}) {
  const r = run();
  r.go(created(body), at(0));
  r.go(reply('tenant-a', 'ACK_MAINTENANCE', at(10)), at(10));
  r.go(reply('tenant-b', 'ACK_MAINTENANCE', at(20)), at(20));
  r.go(tick, MAINTENANCE_AT);
  const effects = r.go(
    planned(
      1,
      drain(['host-1'], [moveOf('vm-a1', 'tenant-a', 'host-1', 'host-2'), moveOf('vm-b1', 'tenant-b', 'host-1')]),
    ),
    at(3601),
  );
  return { r, effects };
}

/** Then both tenants answer, the VIM moves their instances and host-1 goes into maintenance. */
function atHostMaintenance() {
  const { r } = atPrepareRound();
  r.go(reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3610), { 'vm-a1': 'MIGRATE' }), at(3610));
  r.go(reply('tenant-b', 'ACK_PREPARE_MAINTENANCE', at(3620), { 'vm-b1': 'MIGRATE' }), at(3620));
  r.go({ type: 'instance-action-done', instance_id: 'vm-a1' }, at(3680));
  r.go({ type: 'instance-action-done', instance_id: 'vm-b1' }, at(3690));
  r.go({ type: 'host-drained', host: 'host-1' }, at(3700));
  return r;
}

describe('Maintenance session', () => {
  describe('the whole workflow, from MAINTENANCE to MAINTENANCE_DONE', () => {
    const r = run();
    const effects = {
      created: r.go(created(), at(0)),
      ackMaintenanceA: r.go(reply('tenant-a', 'ACK_MAINTENANCE', at(10)), at(10)),
      ackMaintenanceB: r.go(reply('tenant-b', 'ACK_MAINTENANCE', at(20)), at(20)),
      maintenanceAt: r.go(tick, MAINTENANCE_AT),
      scaleIn: r.go(planned(1, { kind: 'scale-in' }), at(3601)),
      ackScaleInA: r.go(reply('tenant-a', 'ACK_SCALE_IN', at(3610)), at(3610)),
      ackScaleInB: r.go(reply('tenant-b', 'ACK_SCALE_IN', at(3620)), at(3620)),
      prepare: r.go(
        planned(
          2,
          drain(['host-1'], [moveOf('vm-a1', 'tenant-a', 'host-1', 'host-2'), moveOf('vm-b1', 'tenant-b', 'host-1')]),
        ),
        at(3621),
      ),
      ackPrepareA: r.go(reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3630), { 'vm-a1': 'LIVE_MIGRATE' }), at(3630)),
      ackPrepareB: r.go(reply('tenant-b', 'ACK_PREPARE_MAINTENANCE', at(3640), { 'vm-b1': 'MIGRATE' }), at(3640)),
      movedA1: r.go({ type: 'instance-action-done', instance_id: 'vm-a1' }, at(3650)),
      movedB1: r.go({ type: 'instance-action-done', instance_id: 'vm-b1' }, at(3660)),
      drained1: r.go({ type: 'host-drained', host: 'host-1' }, at(3670)),
      maintained1: r.go({ type: 'host-maintenance-done', host: 'host-1' }, at(4000)),
      planned2: r.go(planned(3, drain(['host-2'], [moveOf('vm-a2', 'tenant-a', 'host-2')])), at(4001)),
      ackPlannedA: r.go(reply('tenant-a', 'ACK_PLANNED_MAINTENANCE', at(4010), { 'vm-a2': 'OWN_ACTION' }), at(4010)),
      drained2: r.go({ type: 'host-drained', host: 'host-2' }, at(4100)),
      maintained2: r.go({ type: 'host-maintenance-done', host: 'host-2' }, at(4400)),
      ackCompleteA: r.go(reply('tenant-a', 'ACK_MAINTENANCE_COMPLETE', at(4410)), at(4410)),
      ackCompleteB: r.go(reply('tenant-b', 'ACK_MAINTENANCE_COMPLETE', at(4420)), at(4420)),
    };
    const final = r.session;
    const all = Object.values(effects).flat();

    it('passes through every state of the Fenix workflow in order and ends MAINTENANCE_DONE', () => {
      expect(final.history.map((h) => h.to)).toEqual([
        'MAINTENANCE',
        'SCALE_IN',
        'PREPARE_MAINTENANCE',
        'START_MAINTENANCE',
        'PLANNED_MAINTENANCE',
        'START_MAINTENANCE',
        'MAINTENANCE_COMPLETE',
        'MAINTENANCE_DONE',
      ]);
      expect(final).toMatchObject({ state: 'MAINTENANCE_DONE', waiting_for: 'NOTHING' });
      expect(final.hosts).toEqual({ 'host-1': 'MAINTENANCE_COMPLETE', 'host-2': 'MAINTENANCE_COMPLETE' });
    });

    it('tells the admin of every session state change with maintenance.session', () => {
      expect(sessionStates(all)).toEqual(final.history.map((h) => h.to));
      expect(ofType(effects.prepare, 'notify-admin-session')[0]?.payload).toEqual({
        service: 'nfvi-doctor',
        project_id: 'admin',
        session_id: SID,
        state: 'PREPARE_MAINTENANCE',
        previous_state: 'SCALE_IN',
        hosts: { 'host-1': 'DRAINING', 'host-2': 'PENDING' },
        at: at(3621),
      });
    });

    it('on creation, asks every tenant with instances on the hosts to ACK_MAINTENANCE before maintenance_at', () => {
      expect(ofType(effects.created, 'notify-tenant').map((e) => e.payload)).toEqual([
        {
          service: 'nfvi-doctor',
          session_id: SID,
          project_id: 'tenant-a',
          state: 'MAINTENANCE',
          instance_ids: URL_A,
          allowed_actions: [],
          actions_at: MAINTENANCE_AT,
          reply_at: at(REPLY_TIMEOUT_S),
          reply_url: URL_A,
          metadata: { openstack_version: 'Queens' },
        },
        expect.objectContaining({ project_id: 'tenant-b', state: 'MAINTENANCE' }),
      ]);
    });

    it('waits for the replies until reply_at, then for maintenance_at', () => {
      const waits = run();
      waits.go(created(), at(0));
      expect(waits.session).toMatchObject({ waiting_for: 'REPLIES', deadline_at: at(REPLY_TIMEOUT_S) });
      waits.go(reply('tenant-a', 'ACK_MAINTENANCE', at(10)), at(10));
      waits.go(reply('tenant-b', 'ACK_MAINTENANCE', at(20)), at(20));
      expect(waits.session).toMatchObject({ waiting_for: 'MAINTENANCE_AT', deadline_at: MAINTENANCE_AT });
    });

    it('waits for every tenant, then for maintenance_at, before asking the planner for a step', () => {
      expect(effects.ackMaintenanceA).toEqual([]);
      expect(effects.ackMaintenanceB).toEqual([]);
      expect(effects.maintenanceAt).toEqual([
        {
          type: 'plan-next-step',
          request: {
            session_id: SID,
            seq: 1,
            pending_hosts: ['host-1', 'host-2'],
            maintained_hosts: [],
            default_action: 'MIGRATE',
          },
        },
      ]);
    });

    it('asks every tenant to ACK_SCALE_IN when the planner needs capacity, then plans again', () => {
      expect(tenantStates(effects.scaleIn)).toEqual([
        ['tenant-a', 'SCALE_IN'],
        ['tenant-b', 'SCALE_IN'],
      ]);
      expect(ofType(effects.scaleIn, 'notify-tenant')[0]?.payload).toMatchObject({
        allowed_actions: [],
        actions_at: at(3601 + REPLY_TIMEOUT_S),
        reply_at: at(3601 + REPLY_TIMEOUT_S),
      });
      expect(ofType(effects.ackScaleInB, 'plan-next-step')[0]?.request).toMatchObject({ seq: 2 });
    });

    it('disables the planned host and asks the tenants whose instances move to ACK_PREPARE_MAINTENANCE', () => {
      expect(ofType(effects.prepare, 'disable-host')).toEqual([
        { type: 'disable-host', host: 'host-1', reason: `maintenance session ${SID}` },
      ]);
      expect(ofType(effects.prepare, 'await-host-empty')).toEqual([{ type: 'await-host-empty', host: 'host-1' }]);
      expect(ofType(effects.prepare, 'notify-tenant').map((e) => e.payload)).toEqual([
        expect.objectContaining({ project_id: 'tenant-a', state: 'PREPARE_MAINTENANCE' }),
        expect.objectContaining({ project_id: 'tenant-b', state: 'PREPARE_MAINTENANCE' }),
      ]);
      expect(ofType(effects.prepare, 'notify-tenant')[0]?.payload).toMatchObject({
        allowed_actions: ['MIGRATE', 'LIVE_MIGRATE', 'OWN_ACTION'],
      });
    });

    it("moves each instance the way its tenant chose, once every tenant answered, to the planner's host", () => {
      expect(effects.ackPrepareA).toEqual([]);
      expect(ofType(effects.ackPrepareB, 'move-instance')).toEqual([
        {
          type: 'move-instance',
          instance_id: 'vm-a1',
          project_id: 'tenant-a',
          from_host: 'host-1',
          to_host: 'host-2',
          action: 'LIVE_MIGRATE',
        },
        { type: 'move-instance', instance_id: 'vm-b1', project_id: 'tenant-b', from_host: 'host-1', action: 'MIGRATE' },
      ]);
    });

    it('tells the tenant INSTANCE_ACTION_DONE for each instance moved, with the instance id', () => {
      expect(ofType(effects.movedA1, 'notify-tenant').map((e) => e.payload)).toEqual([
        {
          service: 'nfvi-doctor',
          session_id: SID,
          project_id: 'tenant-a',
          state: 'INSTANCE_ACTION_DONE',
          instance_ids: ['vm-a1'],
          allowed_actions: [],
          actions_at: null,
          reply_at: null,
          reply_url: URL_A,
          metadata: {},
        },
      ]);
      expect(tenantStates(effects.movedB1)).toEqual([['tenant-b', 'INSTANCE_ACTION_DONE']]);
    });

    it('puts an emptied host IN_MAINTENANCE: marked against fault actions, admin told, operator hook called', () => {
      expect(effects.drained1).toEqual([
        expect.objectContaining({ type: 'notify-admin-session' }),
        { type: 'mark-in-maintenance', host: 'host-1' },
        {
          type: 'notify-admin-host',
          payload: {
            service: 'nfvi-doctor',
            project_id: 'admin',
            session_id: SID,
            host: 'host-1',
            state: 'IN_MAINTENANCE',
          },
        },
        {
          type: 'host-maintenance-hook',
          session_id: SID,
          host: 'host-1',
          metadata: { openstack_version: 'Queens' },
          actions: [{ plugin: 'firmware-upgrade', type: 'host', metadata: {} }],
        },
      ]);
    });

    it('returns a maintained host to service, tells the admin MAINTENANCE_COMPLETE and plans the next step', () => {
      expect(effects.maintained1).toEqual([
        {
          type: 'notify-admin-host',
          payload: expect.objectContaining({ host: 'host-1', state: 'MAINTENANCE_COMPLETE' }),
        },
        { type: 'clear-in-maintenance', host: 'host-1' },
        { type: 'enable-host', host: 'host-1' },
        expect.objectContaining({
          type: 'plan-next-step',
          request: expect.objectContaining({ seq: 3, pending_hosts: ['host-2'], maintained_hosts: ['host-1'] }),
        }),
      ]);
    });

    it('asks for PLANNED_MAINTENANCE once a host is maintained, and does not move an OWN_ACTION instance', () => {
      expect(tenantStates(effects.planned2)).toEqual([['tenant-a', 'PLANNED_MAINTENANCE']]);
      expect(ofType(effects.ackPlannedA, 'move-instance')).toEqual([]);
      expect(final.step?.moves['vm-a2']).toMatchObject({ action: 'OWN_ACTION', status: 'OWN_ACTION' });
      expect(hostStates(effects.drained2)).toEqual([['host-2', 'IN_MAINTENANCE']]);
    });

    it('asks every tenant to ACK_MAINTENANCE_COMPLETE after the last host, then ends', () => {
      expect(tenantStates(effects.maintained2)).toEqual([
        ['tenant-a', 'MAINTENANCE_COMPLETE'],
        ['tenant-b', 'MAINTENANCE_COMPLETE'],
      ]);
      expect(sessionStates(effects.ackCompleteB)).toEqual(['MAINTENANCE_DONE']);
    });

    it('publishes only notifications that match their schemas', () => {
      for (const e of ofType(all, 'notify-tenant')) expect(tenantNotification.parse(e.payload)).toEqual(e.payload);
      for (const e of ofType(all, 'notify-admin-host')) expect(hostNotification.parse(e.payload)).toEqual(e.payload);
      for (const e of ofType(all, 'notify-admin-session')) {
        expect(sessionNotification.parse(e.payload)).toEqual(e.payload);
      }
    });

    it('stores a session that matches its schema, one version per applied event', () => {
      expect(sessionSchema.parse(final)).toEqual(final);
      expect(final.version).toBe(Object.keys(effects).length);
    });
  });

  describe('idempotence', () => {
    it('applying each event of the workflow twice adds no effect and no version the second time', () => {
      const r = run();
      const events: [SessionEvent, string][] = [
        [created(), at(0)],
        [reply('tenant-a', 'ACK_MAINTENANCE', at(10)), at(10)],
        [reply('tenant-b', 'ACK_MAINTENANCE', at(20)), at(20)],
        [tick, MAINTENANCE_AT],
        [planned(1, { kind: 'scale-in' }), at(3601)],
        [reply('tenant-a', 'ACK_SCALE_IN', at(3610)), at(3610)],
        [reply('tenant-b', 'ACK_SCALE_IN', at(3620)), at(3620)],
        [planned(2, drain(['host-1'], [moveOf('vm-a1', 'tenant-a', 'host-1')])), at(3621)],
        [reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3630), { 'vm-a1': 'MIGRATE' }), at(3630)],
        [{ type: 'instance-action-done', instance_id: 'vm-a1' }, at(3650)],
        [{ type: 'host-drained', host: 'host-1' }, at(3670)],
        [{ type: 'host-maintenance-done', host: 'host-1' }, at(4000)],
        [planned(3, drain(['host-2'], [])), at(4001)],
        [{ type: 'host-drained', host: 'host-2' }, at(4002)],
        [{ type: 'host-maintenance-done', host: 'host-2' }, at(4400)],
        [reply('tenant-a', 'ACK_MAINTENANCE_COMPLETE', at(4410)), at(4410)],
        [reply('tenant-b', 'ACK_MAINTENANCE_COMPLETE', at(4420)), at(4420)],
      ];
      const repeats = events.map(([event, now]) => {
        r.go(event, now);
        return [event.type, r.apply(event, now).kind];
      });
      expect(repeats.filter(([, kind]) => kind === 'applied')).toEqual([]);
      expect(r.session).toMatchObject({ state: 'MAINTENANCE_DONE', version: events.length });
    });

    it('ignores an identical second reply as a duplicate', () => {
      const { r } = atPrepareRound();
      const ack = reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3610), { 'vm-a1': 'MIGRATE' });
      r.go(ack, at(3610));
      expect(r.apply(ack, at(3611))).toMatchObject({ kind: 'ignored', reason: 'duplicate' });
    });

    it('keeps the first answer when a tenant answers the same state differently', () => {
      const { r } = atPrepareRound();
      r.go(reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3610)), at(3610));
      expect(r.apply(reply('tenant-a', 'NACK_PREPARE_MAINTENANCE', at(3611)), at(3611))).toEqual({
        kind: 'ignored',
        reason: 'already-answered',
        detail: 'project tenant-a answered ACK_PREPARE_MAINTENANCE',
      });
      expect(r.session.state).toBe('PREPARE_MAINTENANCE');
    });

    it('ignores a plan that answers an earlier request', () => {
      const { r } = atPrepareRound();
      expect(r.apply(planned(0, { kind: 'scale-in' }), at(3700))).toMatchObject({ kind: 'ignored', reason: 'stale' });
    });

    it('ignores a second creation of the same session', () => {
      const r = run();
      r.go(created(), at(0));
      expect(r.apply(created(), at(1))).toMatchObject({ kind: 'ignored', reason: 'duplicate' });
    });
  });

  describe('out-of-order and unexpected replies', () => {
    it('ignores a reply to a state the session has passed as stale, with the reason', () => {
      const { r } = atPrepareRound();
      expect(r.apply(reply('tenant-a', 'ACK_MAINTENANCE', at(3610)), at(3610))).toEqual({
        kind: 'ignored',
        reason: 'stale',
        detail: 'ACK_MAINTENANCE: the session awaits replies to PREPARE_MAINTENANCE',
      });
    });

    it('ignores a reply to a state the session has not reached as not awaited', () => {
      const r = run();
      r.go(created(), at(0));
      expect(r.apply(reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(10)), at(10))).toEqual({
        kind: 'ignored',
        reason: 'not-awaited',
        detail: 'ACK_PREPARE_MAINTENANCE: the session awaits replies to MAINTENANCE',
      });
    });

    it('ignores a reply received before the current round opened, as it answers an earlier round', () => {
      const { r } = atPrepareRound();
      const decision = r.apply(reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3600)), at(3602));
      expect(decision).toMatchObject({ kind: 'ignored', reason: 'stale' });
    });

    it('ignores a reply after reply_at, once the default action applied', () => {
      const { r } = atPrepareRound();
      r.go(tick, at(3601 + REPLY_TIMEOUT_S));
      const late = reply('tenant-b', 'ACK_PREPARE_MAINTENANCE', at(3602 + REPLY_TIMEOUT_S), { 'vm-b1': 'OWN_ACTION' });
      expect(r.apply(late, at(3602 + REPLY_TIMEOUT_S))).toMatchObject({ kind: 'ignored', reason: 'late' });
    });

    it('rejects a reply from a project that has no instances in the session', () => {
      const r = run();
      r.go(created(), at(0));
      expect(r.apply(reply('tenant-c', 'ACK_MAINTENANCE', at(10)), at(10))).toEqual({
        kind: 'rejected',
        reason: 'not-a-participant',
        detail: 'project tenant-c has no instances in the session',
      });
    });

    it('rejects a reply from a project none of whose instances this step moves', () => {
      const r = run();
      r.go(created(), at(0));
      r.go(reply('tenant-a', 'ACK_MAINTENANCE', at(10)), at(10));
      r.go(reply('tenant-b', 'ACK_MAINTENANCE', at(20)), at(20));
      r.go(tick, MAINTENANCE_AT);
      r.go(planned(1, drain(['host-2'], [moveOf('vm-a2', 'tenant-a', 'host-2')])), at(3601));
      const decision = r.apply(reply('tenant-b', 'ACK_PREPARE_MAINTENANCE', at(3610)), at(3610));
      expect(decision).toMatchObject({ kind: 'rejected', reason: 'not-asked' });
    });

    it('accepts the reply of a tenant whose instance arrived on a host after the session was created', () => {
      const r = run();
      r.go(created(), at(0));
      r.go(tick, at(REPLY_TIMEOUT_S));
      r.go(tick, MAINTENANCE_AT);
      const effects = r.go(planned(1, drain(['host-2'], [moveOf('vm-c1', 'tenant-c', 'host-2')])), at(3601));
      expect(tenantStates(effects)).toEqual([['tenant-c', 'PREPARE_MAINTENANCE']]);
      r.go(reply('tenant-c', 'ACK_PREPARE_MAINTENANCE', at(3610), { 'vm-c1': 'LIVE_MIGRATE' }), at(3610));
      expect(r.session.waiting_for).toBe('DRAIN');
    });

    it('rejects instance actions for instances the tenant was not asked about', () => {
      const { r } = atPrepareRound();
      const decision = r.apply(
        reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3610), { 'vm-b1': 'MIGRATE' }),
        at(3610),
      );
      expect(decision).toEqual({
        kind: 'rejected',
        reason: 'unknown-instance',
        detail: 'instance_actions name instances not concerned by PREPARE_MAINTENANCE: vm-b1',
      });
    });
  });

  describe('reply deadline', () => {
    it('does nothing before reply_at', () => {
      const { r } = atPrepareRound();
      expect(r.apply(tick, at(3600 + REPLY_TIMEOUT_S))).toMatchObject({ kind: 'ignored', reason: 'not-due' });
    });

    it("gives a tenant that did not answer by reply_at the session's default action, and proceeds", () => {
      const { r } = atPrepareRound({ default_action: 'LIVE_MIGRATE' });
      r.go(reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3610), { 'vm-a1': 'MIGRATE' }), at(3610));
      const effects = r.go(tick, at(3601 + REPLY_TIMEOUT_S));
      expect(ofType(effects, 'move-instance').map((m) => [m.instance_id, m.action])).toEqual([
        ['vm-a1', 'MIGRATE'],
        ['vm-b1', 'LIVE_MIGRATE'],
      ]);
      expect(r.session.round?.projects['tenant-b']?.verdict).toBe('DEFAULT');
      expect(r.session.waiting_for).toBe('DRAIN');
    });

    it('proceeds past MAINTENANCE when nobody answered by reply_at', () => {
      const r = run();
      r.go(created(), at(0));
      expect(r.go(tick, at(REPLY_TIMEOUT_S))).toEqual([]);
      expect(r.session).toMatchObject({ waiting_for: 'MAINTENANCE_AT', deadline_at: MAINTENANCE_AT });
    });
  });

  describe('failure', () => {
    it('fails cleanly on a NACK: the host returns to service and everyone is told why', () => {
      const { r } = atPrepareRound();
      const effects = r.go(reply('tenant-b', 'NACK_PREPARE_MAINTENANCE', at(3610)), at(3610));
      const reason = 'project tenant-b answered NACK_PREPARE_MAINTENANCE';
      expect(r.session).toMatchObject({ state: 'MAINTENANCE_FAILED', reason, waiting_for: 'NOTHING' });
      expect(r.session.hosts).toEqual({ 'host-1': 'BACK_IN_SERVICE', 'host-2': 'PENDING' });
      expect(ofType(effects, 'enable-host')).toEqual([{ type: 'enable-host', host: 'host-1' }]);
      expect(ofType(effects, 'move-instance')).toEqual([]);
      expect(ofType(effects, 'notify-admin-session')[0]?.payload).toMatchObject({
        state: 'MAINTENANCE_FAILED',
        previous_state: 'PREPARE_MAINTENANCE',
        reason,
      });
      expect(ofType(effects, 'notify-tenant').map((e) => e.payload)).toEqual([
        expect.objectContaining({ project_id: 'tenant-a', state: 'MAINTENANCE_FAILED', reason }),
        expect.objectContaining({ project_id: 'tenant-b', state: 'MAINTENANCE_FAILED', reason }),
      ]);
    });

    it('fails on a NACK_MAINTENANCE with no host to return, since none was taken', () => {
      const r = run();
      r.go(created(), at(0));
      const effects = r.go(reply('tenant-a', 'NACK_MAINTENANCE', at(10)), at(10));
      expect(r.session.state).toBe('MAINTENANCE_FAILED');
      expect(ofType(effects, 'enable-host')).toEqual([]);
    });

    it('ignores every event after the session ended', () => {
      const { r } = atPrepareRound();
      r.go(reply('tenant-b', 'NACK_PREPARE_MAINTENANCE', at(3610)), at(3610));
      expect(r.apply(reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3611)), at(3611))).toMatchObject({
        kind: 'ignored',
        reason: 'session-ended',
      });
      expect(r.apply({ type: 'admin-delete' }, at(3612))).toMatchObject({ kind: 'ignored', reason: 'session-ended' });
    });

    it('cancels on an admin delete while hosts drain, returning them to service', () => {
      const { r } = atPrepareRound();
      r.go(reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3610)), at(3610));
      r.go(reply('tenant-b', 'ACK_PREPARE_MAINTENANCE', at(3620)), at(3620));
      const effects = r.go({ type: 'admin-delete' }, at(3630));
      expect(r.session).toMatchObject({ state: 'MAINTENANCE_FAILED', reason: 'cancelled by the administrator' });
      expect(ofType(effects, 'enable-host')).toEqual([{ type: 'enable-host', host: 'host-1' }]);
    });

    it('cancels on an admin delete during host maintenance, clearing the maintenance mark too', () => {
      const r = atHostMaintenance();
      const effects = r.go({ type: 'admin-delete' }, at(3800));
      expect(effects.slice(0, 2)).toEqual([
        { type: 'clear-in-maintenance', host: 'host-1' },
        { type: 'enable-host', host: 'host-1' },
      ]);
      expect(r.session.hosts['host-1']).toBe('BACK_IN_SERVICE');
    });

    it('fails with the VIM error as the reason', () => {
      const { r } = atPrepareRound();
      r.go({ type: 'vim-error', operation: 'disable-host host-1', message: 'HTTP 503 from nova' }, at(3605));
      expect(r.session).toMatchObject({
        state: 'MAINTENANCE_FAILED',
        reason: 'VIM error in disable-host host-1: HTTP 503 from nova',
        hosts: { 'host-1': 'BACK_IN_SERVICE' },
      });
    });

    it('fails when the maintenance hook does not answer in time', () => {
      const r = atHostMaintenance();
      expect(r.apply(tick, at(3700 + 7199))).toMatchObject({ kind: 'ignored', reason: 'not-due' });
      r.go(tick, at(3700 + 7200));
      expect(r.session).toMatchObject({
        state: 'MAINTENANCE_FAILED',
        reason: 'no answer from the maintenance of host-1 within 7200 s',
      });
    });

    it('fails when the maintenance hook reports a failure', () => {
      const r = atHostMaintenance();
      r.go({ type: 'host-maintenance-failed', host: 'host-1', reason: 'firmware update failed' }, at(3800));
      expect(r.session.reason).toBe('maintenance of host-1 failed: firmware update failed');
    });

    it('fails when a host is not empty by the drain deadline', () => {
      const { r } = atPrepareRound();
      r.go(reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3610)), at(3610));
      r.go(reply('tenant-b', 'ACK_PREPARE_MAINTENANCE', at(3620)), at(3620));
      r.go(tick, at(3620 + 1800));
      expect(r.session.reason).toBe('host-1 not empty after 1800 s');
    });

    it('fails when the planner finds no feasible step', () => {
      const r = run();
      r.go(created(), at(0));
      r.go(tick, at(REPLY_TIMEOUT_S));
      r.go(tick, MAINTENANCE_AT);
      r.go(planned(1, { kind: 'infeasible', reason: 'no capacity for vm-a1' }), at(3601));
      expect(r.session.reason).toBe('no maintenance plan: no capacity for vm-a1');
    });

    it('fails on a plan for a host outside the session rather than touching it', () => {
      const r = run();
      r.go(created(), at(0));
      r.go(tick, at(REPLY_TIMEOUT_S));
      r.go(tick, MAINTENANCE_AT);
      const effects = r.go(planned(1, drain(['host-9'], [])), at(3601));
      expect(r.session.reason).toBe('invalid maintenance plan: host-9 not pending in this session');
      expect(ofType(effects, 'disable-host')).toEqual([]);
    });
  });

  describe('creation', () => {
    it('begins a maintenance_at sooner than the reply time once the tenants answered, as Fenix does', () => {
      const r = run();
      r.go(created({ maintenance_at: '2026-03-01 10:00:30' }), at(0));
      r.go(reply('tenant-a', 'ACK_MAINTENANCE', at(10)), at(10));
      const effects = r.go(reply('tenant-b', 'ACK_MAINTENANCE', at(40)), at(40));
      expect(ofType(effects, 'plan-next-step')).toHaveLength(1);
    });

    it('rejects a session without hosts: the caller resolves "every host" first', () => {
      expect(step(undefined, created({ hosts: [] }), at(0))).toMatchObject({ kind: 'rejected', reason: 'no-hosts' });
    });

    it('asks nobody when no instance runs on the hosts, and waits for maintenance_at', () => {
      const r = run();
      const effects = r.go(created({}, []), at(0));
      expect(tenantStates(effects)).toEqual([]);
      expect(r.session).toMatchObject({ waiting_for: 'MAINTENANCE_AT', deadline_at: MAINTENANCE_AT });
    });
  });

  describe('draining', () => {
    it('starts maintenance of a host the planner found empty once the VIM confirms it', () => {
      const r = run();
      r.go(created({}, []), at(0));
      r.go(tick, MAINTENANCE_AT);
      const plannedEffects = r.go(planned(1, drain(['host-1'], [])), at(3601));
      expect(tenantStates(plannedEffects)).toEqual([]);
      expect(r.session).toMatchObject({ state: 'MAINTENANCE', waiting_for: 'DRAIN' });
      r.go({ type: 'host-drained', host: 'host-1' }, at(3602));
      expect(r.session).toMatchObject({ state: 'START_MAINTENANCE', hosts: { 'host-1': 'IN_MAINTENANCE' } });
    });

    it('holds a host reported empty before the tenants answered until the round closes', () => {
      const { r } = atPrepareRound();
      expect(r.go({ type: 'host-drained', host: 'host-1' }, at(3605))).toEqual([]);
      r.go(reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3610), { 'vm-a1': 'OWN_ACTION' }), at(3610));
      const effects = r.go(reply('tenant-b', 'ACK_PREPARE_MAINTENANCE', at(3620), { 'vm-b1': 'OWN_ACTION' }), at(3620));
      expect(hostStates(effects)).toEqual([['host-1', 'IN_MAINTENANCE']]);
    });

    it('ignores a move reported for an instance that was not asked to move', () => {
      const { r } = atPrepareRound();
      expect(r.apply({ type: 'instance-action-done', instance_id: 'vm-a2' }, at(3605))).toMatchObject({
        kind: 'ignored',
        reason: 'unknown-instance',
      });
    });
  });

  describe('planner waits', () => {
    const waiting = { 'host-1': ['instance vm-a1 waits: recovery_time of group mme until 1772362900'] };
    const waitingPlan = (): PlannedStep => ({ kind: 'wait', until: at(3700), waiting });

    it('keeps why each host waits and asks the planner again at the time it names', () => {
      const r = run();
      r.go(created({}, []), at(0));
      r.go(tick, MAINTENANCE_AT);
      expect(r.go(planned(1, waitingPlan()), at(3601))).toEqual([]);
      expect(r.session).toMatchObject({ waiting_for: 'PLAN', deadline_at: at(3700), waiting_hosts: waiting });
      expect(r.apply(tick, at(3650))).toMatchObject({ kind: 'ignored', reason: 'not-due' });
      expect(ofType(r.go(tick, at(3700)), 'plan-next-step')).toEqual([
        expect.objectContaining({ request: expect.objectContaining({ seq: 2, pending_hosts: ['host-1', 'host-2'] }) }),
      ]);
    });

    it('ignores the same waiting plan delivered twice', () => {
      const r = run();
      r.go(created({}, []), at(0));
      r.go(tick, MAINTENANCE_AT);
      r.go(planned(1, waitingPlan()), at(3601));
      expect(r.apply(planned(1, waitingPlan()), at(3602))).toMatchObject({ kind: 'ignored', reason: 'duplicate' });
    });

    it('records when each instance was moved, for the next plan to count recovery_time from', () => {
      const r = atHostMaintenance();
      expect(r.session.step?.moves['vm-a1']).toMatchObject({ status: 'DONE', done_at: at(3680) });
    });

    it('keeps an emptied host out of maintenance until every move of its step has finished', () => {
      // Prepare: a cold-migrated instance is listed on its new host before its resize is confirmed.
      const { r } = atPrepareRound();
      r.go(reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3610), { 'vm-a1': 'MIGRATE' }), at(3610));
      r.go(reply('tenant-b', 'ACK_PREPARE_MAINTENANCE', at(3620), { 'vm-b1': 'MIGRATE' }), at(3620));

      // Act
      const drained = r.go({ type: 'host-drained', host: 'host-1' }, at(3650));
      r.go({ type: 'instance-action-done', instance_id: 'vm-a1' }, at(3660));
      const lastDone = r.go({ type: 'instance-action-done', instance_id: 'vm-b1' }, at(3670));

      // Assess
      expect(ofType(drained, 'mark-in-maintenance')).toEqual([]);
      expect(ofType(lastDone, 'mark-in-maintenance')).toEqual([{ type: 'mark-in-maintenance', host: 'host-1' }]);
    });
  });

  describe('GET /v1/maintenance/{session_id}/{project_id}', () => {
    it("lists the project's instances concerned by the current state", () => {
      const { r } = atPrepareRound();
      expect(projectInstanceIds(r.session, 'tenant-a')).toEqual(['vm-a1']);
    });

    it('lists every instance of the project in the MAINTENANCE state', () => {
      const r = run();
      r.go(created(), at(0));
      expect(projectInstanceIds(r.session, 'tenant-a')).toEqual(['vm-a1', 'vm-a2']);
    });

    it('finds nothing for a project outside the session', () => {
      const { r } = atPrepareRound();
      expect(projectInstanceIds(r.session, 'tenant-c')).toBeUndefined();
    });
  });
});

describe('Maintenance session: action plug-ins', () => {
  const toMaintenance = (body: Record<string, unknown>, extra: Partial<SessionEvent> = {}) => {
    const r = run();
    r.go({ ...created(body), ...extra } as SessionEvent, at(0));
    r.go(reply('tenant-a', 'ACK_MAINTENANCE', at(10)), at(10));
    r.go(reply('tenant-b', 'ACK_MAINTENANCE', at(20)), at(20));
    r.go(tick, MAINTENANCE_AT);
    if (r.session.waiting_for === 'SESSION_ACTIONS') r.go({ type: 'session-actions-done', phase: 'pre' }, at(3600));
    r.go(planned(1, drain(['host-1'], [moveOf('vm-a1', 'tenant-a', 'host-1', 'host-2')])), at(3601));
    r.go(reply('tenant-a', 'ACK_PREPARE_MAINTENANCE', at(3610), { 'vm-a1': 'MIGRATE' }), at(3610));
    r.go({ type: 'instance-action-done', instance_id: 'vm-a1' }, at(3690));
    return { r, drained: r.go({ type: 'host-drained', host: 'host-1' }, at(3700)) };
  };

  it('counts an emptied host as maintained at once when the session names no host plug-in, as Fenix does, and says so', () => {
    // Act
    const { r, drained } = toMaintenance({ actions: [] });

    // Assess
    expect(ofType(drained, 'host-maintenance-hook')).toEqual([]);
    expect(hostStates(drained)).toEqual([
      ['host-1', 'IN_MAINTENANCE'],
      ['host-1', 'MAINTENANCE_COMPLETE'],
    ]);
    expect(ofType(drained, 'enable-host')).toEqual([{ type: 'enable-host', host: 'host-1' }]);
    expect(r.session.hosts['host-1']).toBe('MAINTENANCE_COMPLETE');
    expect(r.session.history.find((h) => h.to === 'START_MAINTENANCE')?.reason).toBe(
      'no host action plug-in: each emptied host counts as maintained at once',
    );
    expect(ofType(drained, 'plan-next-step')).toHaveLength(1);
  });

  it('asks the operator hook for every host when the stage requires an answer, plug-in or not', () => {
    // Act
    const { r, drained } = toMaintenance({ actions: [] }, { operator_answer_required: true });

    // Assess
    expect(ofType(drained, 'host-maintenance-hook')).toEqual([
      expect.objectContaining({ host: 'host-1', actions: [] }),
    ]);
    expect(r.session.waiting_for).toBe('HOST_MAINTENANCE');
  });

  it("hands the hook the session's host plug-ins in their order, and neither pre nor post ones", () => {
    // Act
    const { r, drained } = toMaintenance({
      actions: [
        { plugin: 'finalize', type: 'post' },
        { plugin: 'os_upgrade', type: 'host', order: 2, metadata: { upgrade: 'SW1' } },
        { plugin: 'esw_upgrade', type: 'compute', order: 1 },
        { plugin: 'prepare', type: 'pre' },
      ],
    });

    // Assess
    const [hook] = ofType(drained, 'host-maintenance-hook');
    expect(hook?.actions.map((a) => a.plugin)).toEqual(['esw_upgrade', 'os_upgrade']);
    expect(r.session.actions).toHaveLength(4);
  });
});

describe('Maintenance session: pre and post plug-ins', () => {
  const PLUGINS = [
    { plugin: 'prepare', type: 'pre' },
    { plugin: 'finalize', type: 'post', metadata: { report: true } },
  ];
  /** Through MAINTENANCE (both tenants ACK) to maintenance_at, in a session with pre and post plug-ins. */
  const atMaintenanceAt = () => {
    const r = run();
    r.go(created({ actions: PLUGINS }), at(0));
    r.go(reply('tenant-a', 'ACK_MAINTENANCE', at(10)), at(10));
    r.go(reply('tenant-b', 'ACK_MAINTENANCE', at(20)), at(20));
    return { r, effects: r.go(tick, MAINTENANCE_AT) };
  };

  it('runs the pre plug-ins through the operator hook once, before the first host is planned', () => {
    // Act
    const { r, effects } = atMaintenanceAt();
    const done = r.go({ type: 'session-actions-done', phase: 'pre' }, at(3650));

    // Assess
    expect(ofType(effects, 'session-actions-hook')).toEqual([
      {
        type: 'session-actions-hook',
        session_id: SID,
        phase: 'pre',
        metadata: { openstack_version: 'Queens' },
        actions: [{ plugin: 'prepare', type: 'pre', metadata: {} }],
      },
    ]);
    expect(ofType(effects, 'plan-next-step')).toEqual([]);
    expect(ofType(done, 'plan-next-step')).toHaveLength(1);
    expect(r.apply({ type: 'session-actions-done', phase: 'pre' }, at(3651))).toMatchObject({
      kind: 'ignored',
      reason: 'duplicate',
    });
  });

  it('runs the post plug-ins once the last host is maintained, then tells the tenants MAINTENANCE_COMPLETE', () => {
    // Prepare
    const { r } = atMaintenanceAt();
    r.go({ type: 'session-actions-done', phase: 'pre' }, at(3650));
    r.go(planned(1, drain(['host-1', 'host-2'], [])), at(3651));
    r.go({ type: 'host-drained', host: 'host-1' }, at(3660));

    // Act: no host plug-in, so the last host emptied is the last maintained.
    const lastHost = r.go({ type: 'host-drained', host: 'host-2' }, at(3661));
    const postDone = r.go({ type: 'session-actions-done', phase: 'post' }, at(3720));

    // Assess
    expect(ofType(lastHost, 'session-actions-hook').map((e) => e.phase)).toEqual(['post']);
    expect(sessionStates(lastHost)).toEqual(['START_MAINTENANCE']);
    expect(sessionStates(postDone)).toEqual(['MAINTENANCE_COMPLETE']);
    expect(tenantStates(postDone).map(([, state]) => state)).toEqual(['MAINTENANCE_COMPLETE', 'MAINTENANCE_COMPLETE']);
  });

  it('fails the session, every host back in service, when the pre plug-ins fail or never answer', () => {
    // Act
    const failed = atMaintenanceAt().r;
    failed.go({ type: 'session-actions-failed', phase: 'pre', reason: 'image not found' }, at(3650));
    const silent = atMaintenanceAt().r;
    silent.go(tick, at(3600 + 7200));

    // Assess
    expect(failed.session).toMatchObject({
      state: 'MAINTENANCE_FAILED',
      reason: 'the pre action plug-ins failed: image not found',
    });
    expect(silent.session).toMatchObject({
      state: 'MAINTENANCE_FAILED',
      reason: 'no answer from the pre action plug-ins within 7200 s',
    });
  });
});

describe('Maintenance session: the vnf workflow (one instance at a time)', () => {
  const URL_B = `https://maintenance.example/v1/maintenance/${SID}/tenant-b`;
  const instanceReply = (
    project_id: string,
    instance_id: string,
    state: TenantReplyState,
    received_at: string,
    action?: 'MIGRATE' | 'LIVE_MIGRATE' | 'OWN_ACTION',
  ): SessionEvent => ({
    type: 'tenant-reply',
    project_id,
    instance_id,
    body: { state, instance_actions: action ? { [instance_id]: action } : {} },
    received_at,
  });

  it('asks about each instance on its own in PREPARE_MAINTENANCE: instance_ids is that instance, the reply goes to its URL', () => {
    // Act
    const { effects } = atPrepareRound({ workflow: 'vnf' });

    // Assess
    const asked = ofType(effects, 'notify-tenant').map((e) => [
      e.project_id,
      e.payload.instance_ids,
      e.payload.reply_url,
    ]);
    expect(asked).toEqual([
      ['tenant-a', ['vm-a1'], `${URL_A}/vm-a1`],
      ['tenant-b', ['vm-b1'], `${URL_B}/vm-b1`],
    ]);
    for (const e of ofType(effects, 'notify-tenant'))
      expect(e.payload.allowed_actions).toEqual(['MIGRATE', 'LIVE_MIGRATE', 'OWN_ACTION']);
  });

  it('still asks each project once in MAINTENANCE, with the URL of its instances', () => {
    // Act
    const effects = run().go(created({ workflow: 'vnf' }), at(0));

    // Assess
    expect(ofType(effects, 'notify-tenant').map((e) => e.payload.instance_ids)).toEqual([URL_A, URL_B]);
  });

  it('moves each instance once every instance asked about has its answer, with the action answered for it', () => {
    // Prepare
    const { r } = atPrepareRound({ workflow: 'vnf' });

    // Act
    const first = r.go(
      instanceReply('tenant-a', 'vm-a1', 'ACK_PREPARE_MAINTENANCE', at(3610), 'LIVE_MIGRATE'),
      at(3610),
    );
    const second = r.go(instanceReply('tenant-b', 'vm-b1', 'ACK_PREPARE_MAINTENANCE', at(3620), 'MIGRATE'), at(3620));

    // Assess
    expect(ofType(first, 'move-instance')).toEqual([]);
    expect(ofType(second, 'move-instance').map((m) => [m.instance_id, m.action])).toEqual([
      ['vm-a1', 'LIVE_MIGRATE'],
      ['vm-b1', 'MIGRATE'],
    ]);
    expect(r.session.round?.projects['tenant-a']).toMatchObject({
      verdict: 'ACK',
      instance_verdicts: { 'vm-a1': 'ACK' },
    });
  });

  it('refuses an answer about an instance not asked about, or naming another instance, and ignores a repeat', () => {
    // Prepare
    const { r } = atPrepareRound({ workflow: 'vnf' });

    // Act
    const notAsked = r.apply(
      instanceReply('tenant-a', 'vm-a2', 'ACK_PREPARE_MAINTENANCE', at(3610), 'MIGRATE'),
      at(3610),
    );
    const other = r.apply(
      {
        ...(instanceReply('tenant-a', 'vm-a1', 'ACK_PREPARE_MAINTENANCE', at(3610)) as Extract<
          SessionEvent,
          { type: 'tenant-reply' }
        >),
        body: { state: 'ACK_PREPARE_MAINTENANCE', instance_actions: { 'vm-b1': 'MIGRATE' } },
      },
      at(3610),
    );
    r.go(instanceReply('tenant-a', 'vm-a1', 'ACK_PREPARE_MAINTENANCE', at(3611), 'MIGRATE'), at(3611));
    const repeat = r.apply(
      instanceReply('tenant-a', 'vm-a1', 'ACK_PREPARE_MAINTENANCE', at(3612), 'MIGRATE'),
      at(3612),
    );

    // Assess
    expect(notAsked).toMatchObject({
      kind: 'rejected',
      reason: 'unknown-instance',
      detail: 'instance vm-a2 is not asked about in PREPARE_MAINTENANCE',
    });
    expect(other).toMatchObject({ kind: 'rejected', reason: 'unknown-instance' });
    expect(repeat).toMatchObject({ kind: 'ignored', reason: 'duplicate' });
  });

  it('fails the session, its hosts back in service, when an instance is NACKed', () => {
    // Prepare
    const { r } = atPrepareRound({ workflow: 'vnf' });

    // Act
    const effects = r.go(instanceReply('tenant-b', 'vm-b1', 'NACK_PREPARE_MAINTENANCE', at(3610)), at(3610));

    // Assess
    expect(r.session).toMatchObject({
      state: 'MAINTENANCE_FAILED',
      reason: 'project tenant-b answered NACK_PREPARE_MAINTENANCE for instance vm-b1',
    });
    expect(ofType(effects, 'enable-host')).toEqual([{ type: 'enable-host', host: 'host-1' }]);
  });

  it('tells each instance its lead_time ahead and moves it only once that time has come', () => {
    // Prepare
    const r = run();
    r.go(created({ workflow: 'vnf' }), at(0));
    r.go(reply('tenant-a', 'ACK_MAINTENANCE', at(10)), at(10));
    r.go(reply('tenant-b', 'ACK_MAINTENANCE', at(20)), at(20));
    r.go(tick, MAINTENANCE_AT);
    const asked = r.go(
      planned(
        1,
        drain(
          ['host-1'],
          [
            { ...moveOf('vm-a1', 'tenant-a', 'host-1', 'host-2'), lead_time_s: 900 },
            moveOf('vm-b1', 'tenant-b', 'host-1'),
          ],
        ),
      ),
      at(3601),
    );

    // Act
    r.go(instanceReply('tenant-a', 'vm-a1', 'ACK_PREPARE_MAINTENANCE', at(3610), 'MIGRATE'), at(3610));
    const answered = r.go(instanceReply('tenant-b', 'vm-b1', 'ACK_PREPARE_MAINTENANCE', at(3620), 'MIGRATE'), at(3620));
    const early = r.apply(tick, at(3601 + 899));
    const due = r.go(tick, at(3601 + 900));

    // Assess
    const actionsAt = Object.fromEntries(
      ofType(asked, 'notify-tenant').map((e) => [e.payload.instance_ids[0], e.payload.actions_at]),
    );
    expect(actionsAt).toEqual({ 'vm-a1': at(3601 + 900), 'vm-b1': at(3601 + REPLY_TIMEOUT_S) });
    expect(ofType(answered, 'move-instance').map((m) => m.instance_id)).toEqual(['vm-b1']);
    expect(early).toMatchObject({ kind: 'ignored', reason: 'not-due' });
    expect(ofType(due, 'move-instance').map((m) => m.instance_id)).toEqual(['vm-a1']);
    expect(r.session.waiting_for).toBe('DRAIN');
  });
});
