import { MaintenanceApi } from '../../../lib/maintenance/api/maintenance-api';
import type { HostedInstance } from '../../../lib/maintenance/host-drain';
import { type Decision, type Session, type SessionEvent } from '../../../lib/maintenance/session/session';
import { step } from '../../../lib/maintenance/session/session-machine';
import type { Caller } from '../../../lib/platform/auth/keystone-authorizer';
import { httpView, type HttpView } from '../../support/http-outcome';

const T0 = Date.parse('2026-03-01T10:00:00Z');
/** The time `seconds` after the first session is created. */
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const MAINTENANCE_AT = 3600;

const caller = (projectId: string, isAdmin = false): Caller => ({
  userId: `user-of-${projectId}`,
  projectId,
  roles: isAdmin ? ['admin'] : ['member'],
  isAdmin,
});
const ADMIN = caller('admin', true);
const TENANT_A = caller('tenant-a');
const TENANT_B = caller('tenant-b');
const TENANT_C = caller('tenant-c');

/** h1 runs vm-a1 (tenant-a) and vm-b1 (tenant-b), h2 runs vm-a2 (tenant-a), h3 runs vm-c1 (tenant-c). */
const INSTANCES: Record<string, HostedInstance[]> = {
  h1: [
    { id: 'vm-a1', name: 'a1', projectId: 'tenant-a' },
    { id: 'vm-b1', name: 'b1', projectId: 'tenant-b' },
  ],
  h2: [{ id: 'vm-a2', name: 'a2', projectId: 'tenant-a' }],
  h3: [{ id: 'vm-c1', name: 'c1', projectId: 'tenant-c' }],
};

/** Sessions decided by the real reducer and kept in memory: the workflow's apply, without its effects. */
class Sessions {
  readonly stored = new Map<string, Session>();

  constructor(private readonly now: () => Date) {}

  async get(sessionId: string) {
    return this.stored.get(sessionId);
  }

  async list() {
    return [...this.stored.values()];
  }

  async apply(sessionId: string, event: SessionEvent): Promise<Decision> {
    const decision = step(this.stored.get(sessionId), event, this.now().toISOString());
    if (decision.kind === 'applied') this.stored.set(sessionId, decision.session);
    return decision;
  }
}

function scene() {
  let now = T0;
  let ids = 0;
  const sessions = new Sessions(() => new Date(now));
  const woken: string[] = [];
  const api = httpView(
    new MaintenanceApi({
      sessions,
      apply: (sessionId, event) => sessions.apply(sessionId, event),
      wake: async (sessionId) => {
        woken.push(sessionId);
      },
      vim: {
        instancesOn: async (host) => INSTANCES[host] ?? [],
        computeHosts: async () => ['h1', 'h2', 'h3'],
      },
      newId: () => `session-${++ids}`,
      clock: () => new Date(now),
      adminProjectId: 'admin',
      apiUrl: 'https://maintenance.example',
      operatorAnswerRequired: false,
    }),
  );
  const s = {
    api,
    sessions,
    woken,
    clockAt(seconds: number) {
      now = T0 + seconds * 1000;
    },
    /** Creates a session maintaining `hosts` as the administrator; returns its id. */
    async create(body: Record<string, unknown> = {}): Promise<string> {
      const outcome = await api.create(ADMIN, createBody(body));
      return (bodyOf(outcome) as { session_id: string }).session_id;
    },
    /** The tenants acknowledged, maintenance_at came, and the planner drained h1 (vm-a1 and vm-b1 to h3). */
    async atPrepareRound(sessionId: string) {
      await api.reply(TENANT_A, sessionId, 'tenant-a', { state: 'ACK_MAINTENANCE' });
      await api.reply(TENANT_B, sessionId, 'tenant-b', { state: 'ACK_MAINTENANCE' });
      s.clockAt(MAINTENANCE_AT);
      await sessions.apply(sessionId, { type: 'deadline-passed' });
      const planned = await sessions.apply(sessionId, {
        type: 'step-planned',
        seq: 1,
        plan: {
          kind: 'drain',
          hosts: ['h1'],
          moves: [
            { instance_id: 'vm-a1', project_id: 'tenant-a', from_host: 'h1', to_host: 'h3' },
            { instance_id: 'vm-b1', project_id: 'tenant-b', from_host: 'h1', to_host: 'h3' },
          ],
        },
      });
      expect(planned.kind).toBe('applied');
    },
  };
  return s;
}

const createBody = (body: Record<string, unknown> = {}) => ({
  hosts: ['h1', 'h2'],
  state: 'MAINTENANCE',
  maintenance_at: '2026-03-01 11:00:00',
  workflow: 'default',
  ...body,
});

const bodyOf = (outcome: HttpView) => {
  if (!('body' in outcome)) throw new Error(`${outcome.status} ${'message' in outcome ? outcome.message : ''}`);
  return outcome.body as Record<string, unknown>;
};

describe('Maintenance API', () => {
  describe('administrator routes', () => {
    it('are refused to a caller who is not an administrator', async () => {
      const s = scene();
      const sessionId = await s.create();
      s.woken.length = 0;

      const forbidden = { status: 403, message: 'this route is for administrators' };
      expect(await s.api.create(TENANT_A, createBody())).toEqual(forbidden);
      expect(await s.api.list(TENANT_A)).toEqual(forbidden);
      expect(await s.api.get(TENANT_A, sessionId)).toEqual(forbidden);
      expect(await s.api.delete(TENANT_A, sessionId)).toEqual(forbidden);
      expect([...s.sessions.stored.keys()]).toEqual([sessionId]);
      expect(s.sessions.stored.get(sessionId)?.state).toBe('MAINTENANCE');
      expect(s.woken).toEqual([]);
    });
  });

  describe('creating a session', () => {
    it('returns the new session id and wakes the workflow', async () => {
      const s = scene();

      const outcome = await s.api.create(ADMIN, createBody());

      expect(outcome).toEqual({ status: 200, body: { session_id: 'session-1' } });
      expect(s.woken).toEqual(['session-1']);
    });

    it('includes the instances on its hosts, as the VIM lists them, and asks their tenants', async () => {
      const s = scene();
      const sessionId = await s.create();

      const session = s.sessions.stored.get(sessionId);
      expect(session).toMatchObject({
        state: 'MAINTENANCE',
        hosts: { h1: 'PENDING', h2: 'PENDING' },
        instances: {
          'vm-a1': { project_id: 'tenant-a', host: 'h1' },
          'vm-b1': { project_id: 'tenant-b', host: 'h1' },
          'vm-a2': { project_id: 'tenant-a', host: 'h2' },
        },
        admin_project_id: 'admin',
        api_url: 'https://maintenance.example',
        maintenance_at: at(MAINTENANCE_AT),
      });
      expect(Object.keys(session?.round?.projects ?? {})).toEqual(['tenant-a', 'tenant-b']);
    });

    it('maintains every compute host when hosts is empty, as Fenix does', async () => {
      const s = scene();
      const sessionId = await s.create({ hosts: [] });

      expect(s.sessions.stored.get(sessionId)?.hosts).toEqual({ h1: 'PENDING', h2: 'PENDING', h3: 'PENDING' });
      expect(Object.keys(s.sessions.stored.get(sessionId)?.instances ?? {})).toContain('vm-c1');
    });

    it('refuses hosts that are not compute hosts of the VIM, and creates nothing', async () => {
      const s = scene();

      expect(await s.api.create(ADMIN, createBody({ hosts: ['h1', 'h9'] }))).toEqual({
        status: 400,
        message: 'not compute hosts of the VIM: h9',
      });
      expect(s.sessions.stored.size).toBe(0);
      expect(s.woken).toEqual([]);
    });

    it.each([
      { field: 'maintenance_at', problem: 'missing', change: { maintenance_at: undefined } },
      { field: 'maintenance_at', problem: 'not a time', change: { maintenance_at: 'tomorrow' } },
      { field: 'state', problem: 'not MAINTENANCE', change: { state: 'PLANNED_MAINTENANCE' } },
      { field: 'workflow', problem: 'empty', change: { workflow: '' } },
      { field: 'hosts', problem: 'a host twice', change: { hosts: ['h1', 'h1'] } },
      { field: 'default_action', problem: 'unknown', change: { default_action: 'EVACUATE' } },
      { field: 'reply_timeout_s', problem: 'zero', change: { reply_timeout_s: 0 } },
    ])('refuses an invalid body with 400 naming the field: $field $problem', async ({ field, change }) => {
      const s = scene();

      const outcome = await s.api.create(ADMIN, createBody(change));

      expect(outcome).toEqual({ status: 400, message: expect.stringContaining(`${field}: `) });
      expect(s.sessions.stored.size).toBe(0);
    });

    it("takes Doctor's session body: every compute host, maintenance 30 s ahead in Fenix's time format", async () => {
      const s = scene();
      const maintenanceAt = at(30).slice(0, 19).replace('T', ' ');

      const outcome = await s.api.create(ADMIN, {
        state: 'MAINTENANCE',
        maintenance_at: maintenanceAt,
        metadata: { openstack_version: 'Queens' },
        workflow: 'vnf',
        hosts: [],
      });

      const sessionId = (bodyOf(outcome) as { session_id: string }).session_id;
      expect(Object.keys(s.sessions.stored.get(sessionId)?.hosts ?? {})).toEqual(['h1', 'h2', 'h3']);
      expect(s.woken).toEqual([sessionId]);
    });
  });

  describe('reading and cancelling sessions', () => {
    it('lists the sessions in the order they were created', async () => {
      const s = scene();
      await s.create();
      s.clockAt(10);
      await s.create({ hosts: ['h3'] });

      expect(bodyOf(await s.api.list(ADMIN))).toEqual({
        sessions: [
          { session_id: 'session-1', state: 'MAINTENANCE', hosts: ['h1', 'h2'], created_at: at(0) },
          { session_id: 'session-2', state: 'MAINTENANCE', hosts: ['h3'], created_at: at(10) },
        ],
      });
    });

    it('shows the administrator the replies of each tenant in the current round', async () => {
      const s = scene();
      const sessionId = await s.create();
      s.clockAt(30);
      await s.api.reply(TENANT_A, sessionId, 'tenant-a', { state: 'ACK_MAINTENANCE' });

      expect(bodyOf(await s.api.get(ADMIN, sessionId))).toMatchObject({
        session_id: sessionId,
        state: 'MAINTENANCE',
        waiting_for: 'REPLIES',
        hosts: { h1: 'PENDING', h2: 'PENDING' },
        replies: {
          state: 'MAINTENANCE',
          reply_at: at(300),
          projects: {
            'tenant-a': { instance_ids: ['vm-a1', 'vm-a2'], reply: 'ACK', answered_at: at(30) },
            'tenant-b': { instance_ids: ['vm-b1'], reply: 'AWAITED' },
          },
        },
      });
    });

    it('shows the progress of each host and of each move', async () => {
      const s = scene();
      const sessionId = await s.create();
      await s.atPrepareRound(sessionId);

      expect(bodyOf(await s.api.get(ADMIN, sessionId))).toMatchObject({
        state: 'PREPARE_MAINTENANCE',
        hosts: { h1: 'DRAINING', h2: 'PENDING' },
        moves: {
          'vm-a1': { from_host: 'h1', to_host: 'h3', status: 'AWAITING_REPLY' },
          'vm-b1': { from_host: 'h1', to_host: 'h3', status: 'AWAITING_REPLY' },
        },
        replies: { state: 'PREPARE_MAINTENANCE' },
      });
    });

    it('answers 404 for a session that does not exist', async () => {
      const s = scene();

      expect(await s.api.get(ADMIN, 'session-9')).toEqual({
        status: 404,
        message: 'no maintenance session session-9',
      });
      expect(await s.api.delete(ADMIN, 'session-9')).toEqual({
        status: 404,
        message: 'no maintenance session session-9',
      });
    });

    it('cancels a session: it fails, its hosts back in service, and the workflow is woken to carry that out', async () => {
      const s = scene();
      const sessionId = await s.create();
      await s.atPrepareRound(sessionId);
      s.woken.length = 0;

      expect(await s.api.delete(ADMIN, sessionId)).toEqual({
        status: 200,
        body: { session_id: sessionId, state: 'MAINTENANCE_FAILED' },
      });
      expect(s.sessions.stored.get(sessionId)).toMatchObject({
        reason: 'cancelled by the administrator',
        hosts: { h1: 'BACK_IN_SERVICE', h2: 'PENDING' },
      });
      expect(s.woken).toEqual([sessionId]);
    });
  });

  describe("a project's view of a session", () => {
    it('shows a tenant the ids of its own instances in the session', async () => {
      const s = scene();
      const sessionId = await s.create();

      expect(await s.api.projectInstances(TENANT_A, sessionId, 'tenant-a')).toEqual({
        status: 200,
        body: { instance_ids: ['vm-a1', 'vm-a2'] },
      });
      expect(await s.api.projectInstances(TENANT_B, sessionId, 'tenant-b')).toEqual({
        status: 200,
        body: { instance_ids: ['vm-b1'] },
      });
    });

    it('shows only the instances the current round concerns', async () => {
      const s = scene();
      const sessionId = await s.create();
      await s.atPrepareRound(sessionId);

      // vm-a2 is on h2, not emptied in this step.
      expect(bodyOf(await s.api.projectInstances(TENANT_A, sessionId, 'tenant-a'))).toEqual({
        instance_ids: ['vm-a1'],
      });
    });

    it("refuses a tenant another project's instances", async () => {
      const s = scene();
      const sessionId = await s.create();

      expect(await s.api.projectInstances(TENANT_A, sessionId, 'tenant-b')).toEqual({
        status: 403,
        message: 'project tenant-a may not act for project tenant-b',
      });
    });

    it('answers a project that takes no part as if the session did not exist', async () => {
      const s = scene();
      const sessionId = await s.create();

      const notPart = await s.api.projectInstances(TENANT_C, sessionId, 'tenant-c');
      const noSession = await s.api.projectInstances(TENANT_C, 'session-9', 'tenant-c');

      expect(notPart).toEqual({ status: 404, message: `no maintenance session ${sessionId}` });
      expect(noSession).toEqual({ status: 404, message: 'no maintenance session session-9' });
    });

    it("lets an administrator read any project's instances", async () => {
      const s = scene();
      const sessionId = await s.create();

      expect(bodyOf(await s.api.projectInstances(ADMIN, sessionId, 'tenant-b'))).toEqual({ instance_ids: ['vm-b1'] });
    });
  });

  describe("a tenant's reply", () => {
    it('is accepted, recorded and wakes the workflow', async () => {
      const s = scene();
      const sessionId = await s.create();
      s.woken.length = 0;
      s.clockAt(30);

      const outcome = await s.api.reply(TENANT_A, sessionId, 'tenant-a', { state: 'ACK_MAINTENANCE' });

      expect(outcome).toEqual({
        status: 200,
        body: { session_id: sessionId, project_id: 'tenant-a', outcome: 'accepted' },
      });
      expect(s.sessions.stored.get(sessionId)?.round?.projects['tenant-a']).toMatchObject({
        verdict: 'ACK',
        answered_at: at(30),
      });
      expect(s.woken).toEqual([sessionId]);
    });

    it('accepts the instance actions the tenant chose for its instances', async () => {
      const s = scene();
      const sessionId = await s.create();
      await s.atPrepareRound(sessionId);

      const outcome = await s.api.reply(TENANT_A, sessionId, 'tenant-a', {
        state: 'ACK_PREPARE_MAINTENANCE',
        instance_actions: { 'vm-a1': 'LIVE_MIGRATE' },
      });

      expect(bodyOf(outcome)).toMatchObject({ outcome: 'accepted' });
      expect(s.sessions.stored.get(sessionId)?.round?.projects['tenant-a']?.instance_actions).toEqual({
        'vm-a1': 'LIVE_MIGRATE',
      });
    });

    it("answers a repeated reply like the first (200, outcome 'duplicate'), and changes nothing", async () => {
      const s = scene();
      const sessionId = await s.create();
      await s.api.reply(TENANT_A, sessionId, 'tenant-a', { state: 'ACK_MAINTENANCE' });
      const before = s.sessions.stored.get(sessionId);
      s.woken.length = 0;

      const outcome = await s.api.reply(TENANT_A, sessionId, 'tenant-a', { state: 'ACK_MAINTENANCE' });

      expect(outcome).toEqual({
        status: 200,
        body: { session_id: sessionId, project_id: 'tenant-a', outcome: 'duplicate' },
      });
      expect(s.sessions.stored.get(sessionId)).toBe(before);
      expect(s.woken).toEqual([]);
    });

    it.each([
      { field: 'state', problem: 'not ACK_ or NACK_ a state', body: { state: 'ACK' } },
      { field: 'state', problem: 'missing', body: { instance_actions: {} } },
      {
        field: 'instance_actions.vm-a1',
        problem: 'an unknown action',
        body: { state: 'ACK_MAINTENANCE', instance_actions: { 'vm-a1': 'EVACUATE' } },
      },
    ])('refuses an invalid body with 400 naming the field: $field $problem', async ({ field, body }) => {
      const s = scene();
      const sessionId = await s.create();

      expect(await s.api.reply(TENANT_A, sessionId, 'tenant-a', body)).toEqual({
        status: 400,
        message: expect.stringContaining(`${field}: `),
      });
      expect(s.sessions.stored.get(sessionId)?.round?.projects['tenant-a']?.verdict).toBeUndefined();
    });

    it("refuses instance actions naming another project's instance, and records nothing", async () => {
      const s = scene();
      const sessionId = await s.create();
      await s.atPrepareRound(sessionId);

      const outcome = await s.api.reply(TENANT_A, sessionId, 'tenant-a', {
        state: 'ACK_PREPARE_MAINTENANCE',
        instance_actions: { 'vm-a1': 'MIGRATE', 'vm-b1': 'OWN_ACTION' },
      });

      expect(outcome).toEqual({ status: 400, message: expect.stringContaining('vm-b1') });
      expect(s.sessions.stored.get(sessionId)?.round?.projects['tenant-a']?.verdict).toBeUndefined();
    });

    it('refuses a reply for another project, and answers one from a project that takes no part with 404', async () => {
      const s = scene();
      const sessionId = await s.create();

      expect(await s.api.reply(TENANT_A, sessionId, 'tenant-b', { state: 'ACK_MAINTENANCE' })).toMatchObject({
        status: 403,
      });
      expect(await s.api.reply(TENANT_C, sessionId, 'tenant-c', { state: 'ACK_MAINTENANCE' })).toMatchObject({
        status: 404,
      });
      expect(s.sessions.stored.get(sessionId)?.round?.projects['tenant-b']?.verdict).toBeUndefined();
    });

    it('answers 400 to a project id that cannot be one, naming it, before anything else', async () => {
      const s = scene();
      const sessionId = await s.create();

      expect(await s.api.reply(TENANT_A, sessionId, 'not a project!', { state: 'ACK_MAINTENANCE' })).toEqual({
        status: 400,
        message: expect.stringMatching(/^project_id: /),
      });
      expect(await s.api.projectInstances(TENANT_A, sessionId, '%00')).toMatchObject({ status: 400 });
    });

    it('answers 409 to a reply the session does not await, or a changed answer', async () => {
      const s = scene();
      const sessionId = await s.create();

      expect(await s.api.reply(TENANT_A, sessionId, 'tenant-a', { state: 'ACK_PREPARE_MAINTENANCE' })).toMatchObject({
        status: 409,
      });
      await s.api.reply(TENANT_A, sessionId, 'tenant-a', { state: 'ACK_MAINTENANCE' });
      expect(await s.api.reply(TENANT_A, sessionId, 'tenant-a', { state: 'NACK_MAINTENANCE' })).toMatchObject({
        status: 409,
      });
      expect(s.sessions.stored.get(sessionId)?.state).toBe('MAINTENANCE');
    });

    it('answers a reply after reply_at with 200, outcome late: the default action already applied', async () => {
      const s = scene();
      const sessionId = await s.create();
      s.clockAt(300);
      await s.sessions.apply(sessionId, { type: 'deadline-passed' });

      expect(bodyOf(await s.api.reply(TENANT_A, sessionId, 'tenant-a', { state: 'ACK_MAINTENANCE' }))).toMatchObject({
        outcome: 'late',
      });
    });

    it('fails the session on a NACK', async () => {
      const s = scene();
      const sessionId = await s.create();

      expect(bodyOf(await s.api.reply(TENANT_B, sessionId, 'tenant-b', { state: 'NACK_MAINTENANCE' }))).toMatchObject({
        outcome: 'accepted',
      });
      expect(s.sessions.stored.get(sessionId)).toMatchObject({
        state: 'MAINTENANCE_FAILED',
        reason: 'project tenant-b answered NACK_MAINTENANCE',
      });
    });
  });

  describe('action plug-ins and the detail route', () => {
    it("keeps the session's plug-ins and downloads and shows them, with every instance, to an administrator only", async () => {
      const s = scene();
      const actions = [{ plugin: 'os_upgrade', type: 'host', order: 1, metadata: { upgrade: 'SW1' } }];
      const download = [{ url: 'https://sw.example/SW1.tar.gz', size: '200M' }];
      const sessionId = await s.create({ actions, download });

      const detail = bodyOf(await s.api.detail(ADMIN, sessionId));

      expect(detail).toMatchObject({ session_id: sessionId, actions, download, state: 'MAINTENANCE' });
      expect(detail.instances).toEqual([
        { instance_id: 'vm-a1', project_id: 'tenant-a', host: 'h1' },
        { instance_id: 'vm-b1', project_id: 'tenant-b', host: 'h1' },
        { instance_id: 'vm-a2', project_id: 'tenant-a', host: 'h2' },
      ]);
      expect(await s.api.detail(TENANT_A, sessionId)).toEqual({
        status: 403,
        message: 'this route is for administrators',
      });
      expect(await s.api.detail(ADMIN, 'no-such-session')).toMatchObject({ status: 404 });
    });

    it.each([
      ['an unknown workflow', { workflow: 'rolling' }, 'workflow: unknown workflow "rolling": default or vnf'],
      ['a plug-in of an unknown type', { actions: [{ plugin: 'p', type: 'during' }] }, 'actions.0.type'],
      ['a plug-in without a name', { actions: [{ type: 'host' }] }, 'actions.0.plugin'],
    ])('refuses %s with a 400 naming it', async (_, body, problem) => {
      const s = scene();

      const outcome = await s.api.create(ADMIN, createBody(body));

      expect(outcome.status).toBe(400);
      expect(outcome.message).toContain(problem);
      expect(s.sessions.stored.size).toBe(0);
    });
  });

  describe('answers about one instance (the vnf workflow)', () => {
    it("takes Fenix's vnf reply for an instance asked about, and moves it once every instance is answered", async () => {
      const s = scene();
      const sessionId = await s.create({ workflow: 'vnf' });
      await s.atPrepareRound(sessionId);

      const a1 = await s.api.instanceReply(TENANT_A, sessionId, 'tenant-a', 'vm-a1', {
        state: 'ACK_PREPARE_MAINTENANCE',
        instance_action: 'MIGRATE',
      });
      const b1 = await s.api.instanceReply(TENANT_B, sessionId, 'tenant-b', 'vm-b1', {
        session_id: sessionId,
        state: 'ACK_PREPARE_MAINTENANCE',
        instance_actions: { 'vm-b1': 'LIVE_MIGRATE' },
      });

      expect(bodyOf(a1)).toMatchObject({ outcome: 'accepted' });
      expect(bodyOf(b1)).toMatchObject({ outcome: 'accepted' });
      const moves = s.sessions.stored.get(sessionId)?.step?.moves;
      expect([moves?.['vm-a1']?.action, moves?.['vm-b1']?.action]).toEqual(['MIGRATE', 'LIVE_MIGRATE']);
    });

    it('refuses an answer about an instance not asked about (400), or for another project (403)', async () => {
      const s = scene();
      const sessionId = await s.create({ workflow: 'vnf' });
      await s.atPrepareRound(sessionId);
      const ack = { state: 'ACK_PREPARE_MAINTENANCE', instance_action: 'MIGRATE' };

      const notAsked = await s.api.instanceReply(TENANT_A, sessionId, 'tenant-a', 'vm-a2', ack);
      const otherProject = await s.api.instanceReply(TENANT_A, sessionId, 'tenant-b', 'vm-b1', ack);
      const wrongSession = await s.api.instanceReply(TENANT_A, sessionId, 'tenant-a', 'vm-a1', {
        ...ack,
        session_id: 'another',
      });

      expect(notAsked).toEqual({ status: 400, message: 'instance vm-a2 is not asked about in PREPARE_MAINTENANCE' });
      expect(otherProject.status).toBe(403);
      expect(wrongSession).toMatchObject({ status: 400, message: expect.stringContaining('session_id') });
    });
  });
});
