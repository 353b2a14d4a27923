import type { SessionView } from '../../../../lib/maintenance/api/session-view';
import { inTurn } from '../../adapters/openstack/fake-openstack';
import { CliHarness, jsonLinesOf, jsonOf, rowOf } from './cli-harness';

const SESSION = '6f1c2a9e-0d4b-4c1e-9a57-2b1f7d2c9e61';
const NOW = '2026-11-25T10:00:00.000Z';

/** A session as GET /v1/maintenance/{id} shows it, waiting for the tenants' first replies. */
function view(changes: Partial<SessionView> = {}): SessionView {
  return {
    session_id: SESSION,
    state: 'MAINTENANCE',
    maintenance_at: '2026-11-25T10:05:00.000Z',
    workflow: 'default',
    metadata: { ticket: 'CHG-1' },
    created_at: NOW,
    updated_at: NOW,
    waiting_for: 'REPLIES',
    deadline_at: '2026-11-25T10:05:00.000Z',
    hosts: { 'compute-1': 'PENDING', 'compute-2': 'PENDING' },
    waiting_hosts: {},
    replies: {
      state: 'MAINTENANCE',
      reply_at: '2026-11-25T10:05:00.000Z',
      projects: { 'tenant-a': { instance_ids: ['vm-a1', 'vm-a2'], reply: 'AWAITED' } },
    },
    history: [{ from: null, to: 'MAINTENANCE', at: NOW }],
    ...changes,
  };
}

const draining = view({
  state: 'PLANNED_MAINTENANCE',
  waiting_for: 'DRAIN',
  hosts: { 'compute-1': 'DRAINING', 'compute-2': 'PENDING' },
  waiting_hosts: { 'compute-2': ['anti-affinity group g1 allows one host at a time'] },
  replies: {
    state: 'PLANNED_MAINTENANCE',
    reply_at: '2026-11-25T10:06:00.000Z',
    projects: { 'tenant-a': { instance_ids: ['vm-a1'], reply: 'ACK', answered_at: '2026-11-25T10:05:30.000Z' } },
  },
  moves: { 'vm-a1': { from_host: 'compute-1', to_host: 'compute-3', action: 'MIGRATE', status: 'REQUESTED' } },
});
const done = view({
  state: 'MAINTENANCE_DONE',
  waiting_for: 'NOTHING',
  hosts: { 'compute-1': 'BACK_IN_SERVICE', 'compute-2': 'BACK_IN_SERVICE' },
  replies: undefined,
});
const failed = view({
  state: 'MAINTENANCE_FAILED',
  reason: 'drain of compute-1 timed out',
  waiting_for: 'NOTHING',
  hosts: { 'compute-1': 'BACK_IN_SERVICE', 'compute-2': 'BACK_IN_SERVICE' },
});

describe('nfvi-doctor maintenance', () => {
  let cli: CliHarness;

  beforeEach(async () => {
    cli = await CliHarness.start();
  });

  afterEach(async () => {
    await cli.stop();
  });

  describe('create', () => {
    beforeEach(() => cli.answer(() => ({ status: 200, body: { session_id: SESSION } })));

    it('POSTs the Fenix body: hosts, state MAINTENANCE, maintenance_at, workflow, metadata', async () => {
      // Act
      const result = await cli.run([
        'maintenance',
        'create',
        '--hosts',
        'compute-1,compute-2',
        '--in',
        '300',
        '--metadata',
        'ticket=CHG-1',
        '--metadata',
        'reason=firmware=2.1',
      ]);

      // Assess
      expect(result.code).toBe(0);
      expect(cli.apiCalls).toEqual([
        {
          method: 'POST',
          path: '/v1/maintenance',
          query: {},
          token: cli.token,
          body: {
            hosts: ['compute-1', 'compute-2'],
            state: 'MAINTENANCE',
            maintenance_at: '2026-11-25T10:05:00.000Z',
            workflow: 'default',
            metadata: { ticket: 'CHG-1', reason: 'firmware=2.1' },
          },
        },
      ]);
      expect(result.stdout).toBe(
        `created maintenance session ${SESSION} for compute-1, compute-2, maintenance at 2026-11-25T10:05:00.000Z\n`,
      );
    });

    it('sends --at as it is, and the workflow asked for; prints the session id as JSON with --json', async () => {
      // Act
      const result = await cli.run([
        'maintenance',
        'create',
        '--hosts',
        'compute-1',
        '--at',
        '2026-12-01 02:00:00',
        '--workflow',
        'vnf',
        '--json',
      ]);

      // Assess
      expect(jsonOf(result)).toEqual({ session_id: SESSION });
      expect(cli.apiCalls[0]?.body).toMatchObject({ maintenance_at: '2026-12-01 02:00:00', workflow: 'vnf' });
    });

    it('starts now when neither --at nor --in is given', async () => {
      // Act
      await cli.run(['maintenance', 'create', '--hosts', 'compute-1']);

      // Assess
      expect(cli.apiCalls[0]?.body).toMatchObject({ maintenance_at: NOW });
    });

    it.each([
      [['--hosts', 'compute-1', '--at', '2026-12-01T02:00:00Z', '--in', '60'], 'give --at or --in, not both'],
      [['--hosts', 'compute-1', '--at', 'tomorrow'], 'maintenance_at: expected a time like'],
      [['--hosts', 'compute-1,compute-1'], 'hosts: hosts must not repeat a host'],
      [['--hosts', 'compute-1', '--metadata', 'ticket'], '--metadata ticket: expected key=value'],
      [
        ['--hosts', 'compute-1', '--in', 'soon'],
        "option '--in <seconds>' argument 'soon' is invalid. expected seconds",
      ],
      [[], "required option '--hosts <hosts>' not specified"],
    ])('refuses %j before calling the API (exit 2)', async (args, message) => {
      // Act
      const result = await cli.run(['maintenance', 'create', ...args]);

      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(cli.apiCalls).toEqual([]);
    });

    it("shows the API's refusal as it is", async () => {
      // Prepare
      cli.answer(() => ({ status: 400, body: 'not compute hosts of the VIM: compute-99' }));

      // Act
      const result = await cli.run(['maintenance', 'create', '--hosts', 'compute-99']);

      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('error: the nfvi-doctor API answered 400: not compute hosts of the VIM: compute-99\n');
    });

    it('never sends the POST twice, even when the answer is lost', async () => {
      // Prepare
      cli.answer(() => ({ status: 503, body: 'Service Unavailable' }));

      // Act
      const result = await cli.run(['maintenance', 'create', '--hosts', 'compute-1']);

      // Assess
      expect(result.code).toBe(1);
      expect(cli.apiCalls).toHaveLength(1);
    });
  });

  it('list: one row per session, and the API answer with --json', async () => {
    // Prepare
    const sessions = [
      { session_id: SESSION, state: 'MAINTENANCE_DONE', hosts: ['compute-1', 'compute-2'], created_at: NOW },
    ];
    cli.answer(() => ({ status: 200, body: { sessions } }));

    // Act
    const table = await cli.run(['maintenance', 'list']);
    const json = await cli.run(['maintenance', 'list', '--json']);

    // Assess
    expect(cli.apiCalls[0]).toMatchObject({ method: 'GET', path: '/v1/maintenance' });
    expect(rowOf(table.stdout, SESSION)).toEqual([
      SESSION,
      'MAINTENANCE_DONE',
      'compute-1, compute-2',
      '2026-11-25T10:00:00Z',
    ]);
    expect(jsonOf(json)).toEqual({ sessions });
  });

  it("show: the session's state, per-host progress and why hosts wait, the replies, moves and history", async () => {
    // Prepare
    cli.answer(() => ({ status: 200, body: draining }));

    // Act
    const { stdout } = await cli.run(['maintenance', 'show', SESSION]);

    // Assess
    expect(cli.apiCalls[0]).toMatchObject({ method: 'GET', path: `/v1/maintenance/${SESSION}` });
    expect(rowOf(stdout, 'state')).toEqual(['state', 'PLANNED_MAINTENANCE']);
    expect(rowOf(stdout, 'metadata ticket')).toEqual(['metadata ticket', '"CHG-1"']);
    expect(rowOf(stdout, 'compute-1')).toEqual(['compute-1', 'DRAINING', '']);
    expect(rowOf(stdout, 'compute-2')).toEqual([
      'compute-2',
      'PENDING',
      'anti-affinity group g1 allows one host at a time',
    ]);
    expect(stdout).toContain('replies to PLANNED_MAINTENANCE (reply by 2026-11-25T10:06:00Z):');
    expect(rowOf(stdout, 'tenant-a')).toEqual(['tenant-a', '1', 'ACK', '2026-11-25T10:05:30Z']);
    expect(rowOf(stdout, 'vm-a1')).toEqual(['vm-a1', 'compute-1', 'compute-3', 'MIGRATE', 'REQUESTED']);
    expect(rowOf(stdout, '2026-11-25T10:00:00Z')).toEqual(['2026-11-25T10:00:00Z', '-', 'MAINTENANCE', '']);
  });

  it('show --json: the session as the API gave it', async () => {
    // Prepare
    cli.answer(() => ({ status: 200, body: draining }));

    // Act
    const result = await cli.run(['maintenance', 'show', SESSION, '--json']);

    // Assess
    expect(jsonOf(result)).toEqual(draining);
  });

  it("show: the API's 404 for a session it does not know", async () => {
    // Prepare
    cli.answer(() => ({ status: 404, body: 'no maintenance session nope' }));

    // Act
    const result = await cli.run(['maintenance', 'show', 'nope']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: the nfvi-doctor API answered 404: no maintenance session nope\n');
  });

  it('delete: DELETE /v1/maintenance/{id}, and the state the session is left in', async () => {
    // Prepare
    cli.answer(() => ({ status: 200, body: { session_id: SESSION, state: 'MAINTENANCE_FAILED' } }));

    // Act
    const result = await cli.run(['maintenance', 'delete', SESSION]);

    // Assess
    expect(cli.apiCalls).toEqual([
      { method: 'DELETE', path: `/v1/maintenance/${SESSION}`, query: {}, token: cli.token, body: undefined },
    ]);
    expect(result).toEqual({ code: 0, stdout: `maintenance session ${SESSION}: MAINTENANCE_FAILED\n`, stderr: '' });
  });

  describe('watch', () => {
    it('polls every 2 s, prints what changed, and exits 0 once the session is MAINTENANCE_DONE', async () => {
      // Prepare
      cli.answer(
        inTurn(
          { status: 200, body: view() },
          { status: 200, body: view() },
          { status: 200, body: draining },
          { status: 200, body: done },
        ),
      );

      // Act
      const result = await cli.run(['maintenance', 'watch', SESSION]);

      // Assess
      expect(result.code).toBe(0);
      expect(cli.apiCalls).toHaveLength(4);
      expect(cli.sleeps).toEqual([2000, 2000, 2000]);
      expect(result.stdout.split('\n')).toEqual([
        '2026-11-25T10:00:00Z  session  MAINTENANCE',
        '2026-11-25T10:00:00Z  host     compute-1  PENDING',
        '2026-11-25T10:00:00Z  host     compute-2  PENDING',
        '2026-11-25T10:00:00Z  reply    tenant-a to MAINTENANCE: AWAITED',
        '2026-11-25T10:00:00Z  session  PLANNED_MAINTENANCE',
        '2026-11-25T10:00:00Z  host     compute-1  DRAINING',
        '2026-11-25T10:00:00Z  host     compute-2  PENDING (waits: anti-affinity group g1 allows one host at a time)',
        '2026-11-25T10:00:00Z  reply    tenant-a to PLANNED_MAINTENANCE: ACK',
        '2026-11-25T10:00:00Z  move     vm-a1 compute-1 -> compute-3 MIGRATE REQUESTED',
        '2026-11-25T10:00:00Z  session  MAINTENANCE_DONE',
        '2026-11-25T10:00:00Z  host     compute-1  BACK_IN_SERVICE',
        '2026-11-25T10:00:00Z  host     compute-2  BACK_IN_SERVICE',
        '',
      ]);
    });

    it('exits 1 once the session is MAINTENANCE_FAILED, with the reason', async () => {
      // Prepare
      cli.answer(inTurn({ status: 200, body: view() }, { status: 200, body: failed }));

      // Act
      const result = await cli.run(['maintenance', 'watch', SESSION, '--interval', '0.5']);

      // Assess
      expect(result.code).toBe(1);
      expect(cli.sleeps).toEqual([500]);
      expect(result.stdout).toContain('session  MAINTENANCE_FAILED: drain of compute-1 timed out\n');
    });

    it('prints each change as a JSON line with --json', async () => {
      // Prepare
      cli.answer(inTurn({ status: 200, body: view() }, { status: 200, body: done }));

      // Act
      const result = await cli.run(['--json', 'maintenance', 'watch', SESSION]);

      // Assess
      const lines = jsonLinesOf(result);
      expect(lines[0]).toEqual({ at: NOW, session_id: SESSION, kind: 'session', state: 'MAINTENANCE' });
      expect(lines.at(-1)).toEqual({
        at: NOW,
        session_id: SESSION,
        kind: 'host',
        host: 'compute-2',
        progress: 'BACK_IN_SERVICE',
        waitsBecause: [],
      });
    });

    it('stops with the error when the session cannot be read', async () => {
      // Prepare
      cli.answer(inTurn({ status: 200, body: view() }, { status: 404, body: `no maintenance session ${SESSION}` }));

      // Act
      const result = await cli.run(['maintenance', 'watch', SESSION]);

      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`error: the nfvi-doctor API answered 404: no maintenance session ${SESSION}\n`);
    });
  });
});
