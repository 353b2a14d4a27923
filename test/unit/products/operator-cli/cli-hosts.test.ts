import type { Alarm } from '../../../../lib/contracts/etsi-alarm';
import { hardware, hostAlarmOf, linkDown, recordOf, replay } from '../../inspector/builders';
import { CliHarness, jsonOf, rowOf } from './cli-harness';

/** The administrator's alarm of a fault, as the alarm lifecycle raises it. */
const alarmOf = (event: Parameters<typeof replay>[0][number]): Alarm => hostAlarmOf(recordOf(replay([event])));

describe('nfvi-doctor hosts', () => {
  let cli: CliHarness;
  const hostDown = alarmOf(linkDown(1, { host: 'compute-1' }));
  const fanWarning = alarmOf(hardware('fan', 'critical', 1, { host: 'compute-1' }));
  const strayAlarm = alarmOf(hardware('disk', 'critical', 1, { host: 'compute-9' }));

  beforeEach(async () => {
    cli = await CliHarness.start();
    cli.hosts = [
      { host: 'compute-1', instances: 3, tenants: ['tenant-a', 'tenant-b'], inMaintenance: false },
      { host: 'compute-2', instances: 0, tenants: [], inMaintenance: true },
      { host: 'compute-3', instances: 5, tenants: ['t1', 't2', 't3', 't4', 't5'], inMaintenance: false },
    ];
    cli.answer(() => ({ status: 200, body: [hostDown, fanWarning] }));
  });

  afterEach(async () => {
    await cli.stop();
  });

  it("reads the active alarms of the caller (the administrator's host alarms) from the fault API", async () => {
    // Act
    const result = await cli.run(['hosts']);

    // Assess
    expect(result.code).toBe(0);
    expect(cli.apiCalls).toEqual([
      { method: 'GET', path: '/v1/alarms', query: { state: 'active' }, token: cli.token, body: undefined },
    ]);
  });

  it('shows each host of the inventory with its instances, tenants, maintenance mark, faults and worst severity', async () => {
    // Act
    const { stdout } = await cli.run(['hosts']);

    // Assess
    expect(rowOf(stdout, 'compute-1')).toEqual(['compute-1', '3', 'tenant-a', 'no', 'compute.host.down', 'CRITICAL']);
    expect(stdout).toMatch(/│ +│ +│ tenant-b +│ +│ compute\.host\.fan\.error +│ +│/);
    expect(rowOf(stdout, 'compute-2')).toEqual(['compute-2', '0', '', 'yes', '', '']);
    expect(rowOf(stdout, 'compute-3')).toEqual(['compute-3', '5', 't1', 'no', '', '']);
    expect(stdout).toMatch(/│ \+2 more +│/);
  });

  it('lists a host that only an alarm knows of, so that no fault goes unseen', async () => {
    // Prepare
    cli.answer(() => ({ status: 200, body: [strayAlarm] }));

    // Act
    const { stdout } = await cli.run(['hosts']);

    // Assess
    expect(rowOf(stdout, 'compute-9')).toEqual(['compute-9', '0', '', 'no', 'compute.host.disk.error', 'MINOR']);
  });

  it('prints every host with its faults as JSON with --json', async () => {
    // Act
    const result = await cli.run(['--json', 'hosts']);

    // Assess
    expect(jsonOf(result)).toEqual([
      {
        host: 'compute-1',
        instances: 3,
        tenants: ['tenant-a', 'tenant-b'],
        inMaintenance: false,
        activeFaults: [
          { alarmId: hostDown.id, faultType: 'compute.host.down', perceivedSeverity: 'CRITICAL' },
          { alarmId: fanWarning.id, faultType: 'compute.host.fan.error', perceivedSeverity: 'WARNING' },
        ],
        highestSeverity: 'CRITICAL',
      },
      { host: 'compute-2', instances: 0, tenants: [], inMaintenance: true, activeFaults: [], highestSeverity: null },
      {
        host: 'compute-3',
        instances: 5,
        tenants: ['t1', 't2', 't3', 't4', 't5'],
        inMaintenance: false,
        activeFaults: [],
        highestSeverity: null,
      },
    ]);
  });

  it('names NFVI_STAGE when it is missing, beside the API settings', async () => {
    // Act
    const result = await cli.run(['hosts'], cli.env({ NFVI_STAGE: undefined, NFVI_API_URL: undefined }));

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  NFVI_API_URL: missing\n');
    expect(result.stderr).toContain('  NFVI_STAGE: missing\n');
  });

  it('says which table is missing when the stage has no inventory table', async () => {
    // Prepare
    cli.listHostsFails(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }));

    // Act
    const result = await cli.run(['hosts']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: the inventory table nfvi-doctor-test-inventory does not exist (is NFVI_STAGE the deployed stage?): Requested resource not found\n',
    );
  });
});
