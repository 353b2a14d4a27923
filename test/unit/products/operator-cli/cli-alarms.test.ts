import type { Alarm } from '../../../../lib/contracts/etsi-alarm';
import { hardware, hostAlarmOf, linkDown, recordOf, replay } from '../../inspector/builders';
import { CliHarness, jsonOf, rowOf } from './cli-harness';

/** The administrator's alarm of a fault, as the alarm lifecycle raises it. */
const hostLost = (host: string): Alarm => hostAlarmOf(recordOf(replay([linkDown(1, { host })])));
const psuFailed = (host: string): Alarm => hostAlarmOf(recordOf(replay([hardware('psu', 'critical', 1, { host })])));

describe('nfvi-doctor alarms', () => {
  let cli: CliHarness;
  const lost = hostLost('compute-1');
  const power = psuFailed('compute-2');

  beforeEach(async () => {
    cli = await CliHarness.start();
  });

  afterEach(async () => {
    await cli.stop();
  });

  it("asks GET /v1/alarms for the active alarms with the caller's Keystone token", async () => {
    // Prepare
    cli.answer(() => ({ status: 200, body: [lost, power] }));

    // Act
    const result = await cli.run(['alarms']);

    // Assess
    expect(result.code).toBe(0);
    expect(cli.apiCalls).toEqual([
      { method: 'GET', path: '/v1/alarms', query: { state: 'active' }, token: cli.token, body: undefined },
    ]);
    expect(cli.token).toBeDefined();
  });

  it('passes every filter as the query parameter the fault API reads, and --all as state=all', async () => {
    // Prepare
    cli.answer(() => ({ status: 200, body: [] }));

    // Act
    const result = await cli.run([
      'alarms',
      '--tenant',
      'tenant-a',
      '--resource',
      'vm-a1',
      '--fault-type',
      'compute.host.down',
      '--min-severity',
      'MAJOR',
      '--since',
      '2026-11-25T09:00:00Z',
      '--until',
      '2026-11-25T10:00:00Z',
      '--all',
    ]);

    // Assess
    expect(result.code).toBe(0);
    expect(cli.apiCalls[0]?.query).toEqual({
      tenantId: 'tenant-a',
      resourceId: 'vm-a1',
      faultType: 'compute.host.down',
      minSeverity: 'MAJOR',
      since: '2026-11-25T09:00:00Z',
      until: '2026-11-25T10:00:00Z',
      state: 'all',
    });
  });

  it('shows one row per alarm: short id, severity, fault type, resource, host, raised, cleared, acknowledged', async () => {
    // Prepare
    cli.answer(() => ({ status: 200, body: [lost, power] }));

    // Act
    const { stdout } = await cli.run(['alarms']);

    // Assess
    expect(rowOf(stdout, lost.id.slice(0, 8))).toEqual([
      lost.id.slice(0, 8),
      'CRITICAL',
      'compute.host.down',
      'compute-1',
      'compute-1',
      lost.alarmRaisedTime.replace(/\.\d+Z$/, 'Z'),
      '-',
      'no',
    ]);
    expect(rowOf(stdout, power.id.slice(0, 8))).toEqual(
      expect.arrayContaining(['CRITICAL', 'compute.host.power.error', 'compute-2']),
    );
  });

  it("prints the API's alarms as JSON with --json, and nothing else on stdout", async () => {
    // Prepare
    cli.answer(() => ({ status: 200, body: [lost, power] }));

    // Act
    const result = await cli.run(['alarms', '--json']);

    // Assess
    expect(jsonOf(result)).toEqual([lost, power]);
    expect(result.stderr).toBe('');
  });

  it('refuses a --since that is not an ISO time before calling anything (exit 2)', async () => {
    // Act
    const result = await cli.run(['alarms', '--since', 'yesterday']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--since: /);
    expect(cli.apiCalls).toEqual([]);
  });

  it('refuses a severity that is not an ETSI one (exit 2)', async () => {
    // Act
    const result = await cli.run(['alarms', '--min-severity', 'BAD']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--min-severity <severity>' argument 'BAD' is invalid/);
  });

  it("shows the API's 4xx message as it is, and exits 1", async () => {
    // Prepare
    cli.answer(() => ({ status: 403, body: 'project tenant-a may not read project tenant-b' }));

    // Act
    const result = await cli.run(['alarms', '--tenant', 'tenant-b']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: the nfvi-doctor API answered 403: project tenant-a may not read project tenant-b\n',
    );
    expect(result.stdout).toBe('');
  });

  it('says an answer that is not a list of ETSI alarms is not what it expects', async () => {
    // Prepare
    cli.answer(() => ({ status: 200, body: [{ id: 'a1' }] }));

    // Act
    const result = await cli.run(['alarms']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /the nfvi-doctor API's answer to GET \/v1\/alarms is not what this CLI expects: 0\.managedObjectId/,
    );
  });

  describe('ack', () => {
    it('acknowledges an alarm by its id: PATCH /v1/alarms/{id} {"ackState":"ACKNOWLEDGED"}', async () => {
      // Prepare
      cli.answer(() => ({ status: 200, body: { ackState: 'ACKNOWLEDGED' } }));

      // Act
      const result = await cli.run(['alarms', 'ack', lost.id]);

      // Assess
      expect(result).toEqual({ code: 0, stdout: `alarm ${lost.id} acknowledged\n`, stderr: '' });
      expect(cli.apiCalls).toEqual([
        {
          method: 'PATCH',
          path: `/v1/alarms/${lost.id}`,
          query: {},
          token: cli.token,
          body: { ackState: 'ACKNOWLEDGED' },
        },
      ]);
    });

    it("finds the alarm of a short id among the caller's alarms, cleared ones included, under the tenant named", async () => {
      // Prepare
      cli.answer((request) =>
        request.method === 'GET'
          ? { status: 200, body: [lost, power] }
          : { status: 200, body: { ackState: 'ACKNOWLEDGED' } },
      );

      // Act
      const result = await cli.run(['alarms', 'ack', power.id.slice(0, 8), '--tenant', 'tenant-b', '--json']);

      // Assess
      expect(result.code).toBe(0);
      expect(jsonOf(result)).toEqual({ ackState: 'ACKNOWLEDGED' });
      expect(cli.apiCalls.map((c) => [c.method, c.path, c.query])).toEqual([
        ['GET', '/v1/alarms', { tenantId: 'tenant-b', state: 'all' }],
        ['PATCH', `/v1/alarms/${power.id}`, { tenantId: 'tenant-b' }],
      ]);
    });

    it('says so when no alarm has the short id', async () => {
      // Prepare
      cli.answer(() => ({ status: 200, body: [lost] }));

      // Act
      const result = await cli.run(['alarms', 'ack', 'ffffffff']);

      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('error: no alarm with an id starting ffffffff\n');
    });

    it("shows the API's 409 for an alarm already acknowledged, and exits 1", async () => {
      // Prepare
      cli.answer(() => ({ status: 409, body: `alarm ${lost.id} is already acknowledged` }));

      // Act
      const result = await cli.run(['alarms', 'ack', lost.id]);

      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`error: the nfvi-doctor API answered 409: alarm ${lost.id} is already acknowledged\n`);
    });
  });
});
