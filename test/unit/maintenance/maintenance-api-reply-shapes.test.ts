import { tenantReply } from '../../../lib/contracts/fenix';
import { MaintenanceApi } from '../../../lib/maintenance/api/maintenance-api';
import type { HostedInstance } from '../../../lib/maintenance/host-drain';
import { type Decision, type Session, type SessionEvent } from '../../../lib/maintenance/session/session';
import { step } from '../../../lib/maintenance/session/session-machine';
import type { Caller } from '../../../lib/platform/auth/keystone-authorizer';
import { httpView } from '../../support/http-outcome';

/*
 * PUT /v1/maintenance/{session_id}/{project_id} takes both reply shapes in use: Fenix's default
 * workflow's `{session_id?, state, instance_actions}` and its vnf workflow's `{state,
 * instance_action}` (also Doctor's vnfm.py and Tacker's Fenix plugin, which add session_id).
 */

const T0 = Date.parse('2026-03-01T10:00:00Z');
const caller = (projectId: string, isAdmin = false): Caller => ({
  userId: `user-of-${projectId}`,
  projectId,
  roles: isAdmin ? ['admin'] : ['member'],
  isAdmin,
});
const ADMIN = caller('admin', true);
const TENANT_A = caller('tenant-a');
const TENANT_B = caller('tenant-b');

/** h1 runs vm-a1 (tenant-a) and vm-b1 (tenant-b), h2 runs vm-a2 (tenant-a); h3 is free. */
const INSTANCES: Record<string, HostedInstance[]> = {
  h1: [
    { id: 'vm-a1', name: 'a1', projectId: 'tenant-a' },
    { id: 'vm-b1', name: 'b1', projectId: 'tenant-b' },
  ],
  h2: [{ id: 'vm-a2', name: 'a2', projectId: 'tenant-a' }],
};

/** A maintenance API over sessions kept in memory and decided by the real state machine. */
async function scene() {
  let now = T0;
  const stored = new Map<string, Session>();
  const apply = async (sessionId: string, event: SessionEvent): Promise<Decision> => {
    const decision = step(stored.get(sessionId), event, new Date(now).toISOString());
    if (decision.kind === 'applied') stored.set(sessionId, decision.session);
    return decision;
  };
  const api = httpView(
    new MaintenanceApi({
      sessions: { get: async (id) => stored.get(id), list: async () => [...stored.values()] },
      apply,
      wake: async () => undefined,
      vim: { instancesOn: async (host) => INSTANCES[host] ?? [], computeHosts: async () => ['h1', 'h2', 'h3'] },
      newId: () => 'session-1',
      clock: () => new Date(now),
      adminProjectId: 'admin',
      apiUrl: 'https://maintenance.example',
      operatorAnswerRequired: false,
    }),
  );
  await api.create(ADMIN, {
    hosts: ['h1', 'h2'],
    state: 'MAINTENANCE',
    maintenance_at: '2026-03-01 11:00:00',
    workflow: 'default',
  });
  const sessionId = 'session-1';
  return {
    api,
    sessionId,
    session: () => stored.get(sessionId) as Session,
    replyOf: (project: string) => stored.get(sessionId)?.round?.projects[project],
    /** Both tenants acknowledged, maintenance_at came, and the planner drains h1: vm-a1 and vm-b1 to h3. */
    async atPrepareRound() {
      await api.reply(TENANT_A, sessionId, 'tenant-a', { state: 'ACK_MAINTENANCE' });
      await api.reply(TENANT_B, sessionId, 'tenant-b', { state: 'ACK_MAINTENANCE' });
      now = T0 + 3600 * 1000;
      await apply(sessionId, { type: 'deadline-passed' });
      await apply(sessionId, {
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
    },
  };
}

const accepted = (sessionId: string, project: string, outcome = 'accepted') => ({
  status: 200,
  body: { session_id: sessionId, project_id: project, outcome },
});

describe("Maintenance API: a tenant's reply in either shape Fenix's workflows use", () => {
  describe("Fenix's default workflow: {session_id?, state, instance_actions}", () => {
    it('is accepted with the session_id of the path, as Doctor’s sample app manager sends it', async () => {
      const s = await scene();
      await s.atPrepareRound();

      const outcome = await s.api.reply(TENANT_A, s.sessionId, 'tenant-a', {
        session_id: s.sessionId,
        state: 'ACK_PREPARE_MAINTENANCE',
        instance_actions: { 'vm-a1': 'LIVE_MIGRATE' },
        instance_ids: ['vm-a1'],
      });

      expect(outcome).toEqual(accepted(s.sessionId, 'tenant-a'));
      expect(s.replyOf('tenant-a')).toMatchObject({ verdict: 'ACK', instance_actions: { 'vm-a1': 'LIVE_MIGRATE' } });
    });
  });

  describe("Fenix's vnf workflow: {state, instance_action}", () => {
    it('applies the one action to every instance the project is asked about in the round, and to no other', async () => {
      const s = await scene();
      await s.atPrepareRound();

      const outcome = await s.api.reply(TENANT_A, s.sessionId, 'tenant-a', {
        state: 'ACK_PREPARE_MAINTENANCE',
        instance_action: 'LIVE_MIGRATE',
      });

      expect(outcome).toEqual(accepted(s.sessionId, 'tenant-a'));
      // vm-a2 is on h2, which this step does not drain: the round does not ask about it.
      expect(s.replyOf('tenant-a')).toMatchObject({ verdict: 'ACK', instance_actions: { 'vm-a1': 'LIVE_MIGRATE' } });
    });

    it('moves the instances as the reply said once the round closes', async () => {
      const s = await scene();
      await s.atPrepareRound();

      await s.api.reply(TENANT_A, s.sessionId, 'tenant-a', {
        state: 'ACK_PREPARE_MAINTENANCE',
        instance_action: 'LIVE_MIGRATE',
      });
      await s.api.reply(TENANT_B, s.sessionId, 'tenant-b', {
        state: 'ACK_PREPARE_MAINTENANCE',
        instance_action: 'OWN_ACTION',
      });

      expect(s.session().step?.moves).toMatchObject({
        'vm-a1': { action: 'LIVE_MIGRATE' },
        'vm-b1': { action: 'OWN_ACTION' },
      });
    });

    it('is accepted with the session_id Tacker’s Fenix plugin adds, for every instance of a MAINTENANCE round', async () => {
      const s = await scene();

      const outcome = await s.api.reply(TENANT_A, s.sessionId, 'tenant-a', {
        session_id: s.sessionId,
        state: 'ACK_MAINTENANCE',
        instance_action: 'MIGRATE',
      });

      expect(outcome).toEqual(accepted(s.sessionId, 'tenant-a'));
      expect(s.replyOf('tenant-a')?.instance_actions).toEqual({ 'vm-a1': 'MIGRATE', 'vm-a2': 'MIGRATE' });
    });

    it("answers a repeated reply like the first (200, outcome 'duplicate'), and a changed action 409", async () => {
      const s = await scene();
      await s.atPrepareRound();
      const reply = { state: 'ACK_PREPARE_MAINTENANCE', instance_action: 'LIVE_MIGRATE' };
      await s.api.reply(TENANT_A, s.sessionId, 'tenant-a', reply);

      expect(await s.api.reply(TENANT_A, s.sessionId, 'tenant-a', reply)).toEqual(
        accepted(s.sessionId, 'tenant-a', 'duplicate'),
      );
      expect(
        await s.api.reply(TENANT_A, s.sessionId, 'tenant-a', { ...reply, instance_action: 'MIGRATE' }),
      ).toMatchObject({ status: 409 });
    });

    it('answers a reply to a state the session does not await 409, as in the other shape', async () => {
      const s = await scene();

      expect(
        await s.api.reply(TENANT_A, s.sessionId, 'tenant-a', {
          state: 'ACK_PREPARE_MAINTENANCE',
          instance_action: 'MIGRATE',
        }),
      ).toMatchObject({ status: 409 });
      expect(s.replyOf('tenant-a')?.verdict).toBeUndefined();
    });
  });

  describe('refusals (400, nothing recorded)', () => {
    it.each([
      [
        'a session_id that is not the path’s',
        { session_id: 'session-2', state: 'ACK_MAINTENANCE', instance_actions: {} },
        'session_id: the body names session "session-2", the path "session-1"',
      ],
      [
        'a session_id that is not the path’s, in the vnf shape',
        { session_id: '', state: 'ACK_MAINTENANCE', instance_action: 'MIGRATE' },
        'session_id: the body names session "", the path "session-1"',
      ],
      [
        'both instance_action and instance_actions',
        { state: 'ACK_MAINTENANCE', instance_action: 'MIGRATE', instance_actions: { 'vm-a1': 'MIGRATE' } },
        'instance_actions: give instance_actions (an action per instance) or instance_action (one action for the instances asked about), not both',
      ],
      ['an unknown instance_action', { state: 'ACK_MAINTENANCE', instance_action: 'EVACUATE' }, 'instance_action: '],
      [
        'an instance_action that is a list',
        { state: 'ACK_MAINTENANCE', instance_action: ['MIGRATE'] },
        'instance_action: ',
      ],
      ['a vnf reply without state', { instance_action: 'MIGRATE' }, 'state: '],
      ['a session_id that is not a string', { session_id: 7, state: 'ACK_MAINTENANCE' }, 'session_id: '],
    ])('%s', async (_, body, message) => {
      const s = await scene();

      const outcome = await s.api.reply(TENANT_A, s.sessionId, 'tenant-a', body);

      expect(outcome).toEqual({ status: 400, message: expect.stringContaining(message) });
      expect(s.replyOf('tenant-a')?.verdict).toBeUndefined();
    });

    it('names only the problems of the shape the body has', async () => {
      const s = await scene();

      const outcome = await s.api.reply(TENANT_A, s.sessionId, 'tenant-a', {
        state: 'ACK_MAINTENANCE',
        instance_action: 'EVACUATE',
      });

      expect(outcome.message).toMatch(/^instance_action: /);
      expect(outcome.message).not.toContain('instance_actions');
    });
  });

  describe('the schema (lib/contracts/fenix.ts tenantReply)', () => {
    it('reads each shape as itself, and drops keys it does not know', () => {
      expect(tenantReply.parse({ state: 'ACK_MAINTENANCE', instance_ids: ['vm-1'] })).toEqual({
        state: 'ACK_MAINTENANCE',
        instance_actions: {},
      });
      expect(
        tenantReply.parse({ session_id: 's-1', state: 'ACK_PLANNED_MAINTENANCE', instance_action: 'MIGRATE' }),
      ).toEqual({
        session_id: 's-1',
        state: 'ACK_PLANNED_MAINTENANCE',
        instance_action: 'MIGRATE',
      });
    });
  });
});
