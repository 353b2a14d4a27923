import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { HardwareDetail } from '../../../lib/monitor/hardware/ipmi-sel';
import { IpmiSource } from '../../../lib/monitor/hardware/ipmi-source';
import { SmartSource } from '../../../lib/monitor/hardware/smart-source';
import {
  afterRuns,
  recorder as anyRecorder,
  callsOf,
  FAKE_IPMITOOL,
  FAKE_SMARTCTL,
  fakeTool,
  until,
  type Fake,
} from './collector-fake-tools';

/** Recorded tool outputs; test/fixtures/collector/README.md says where each comes from. */
const fixture = (path: string) => readFileSync(join(__dirname, '../../fixtures/collector/hardware', path), 'utf8');
const lines = (text: string, count: number) => `${text.split('\n').slice(0, count).join('\n')}\n`;

const recorder = () => anyRecorder<HardwareDetail>();

const INTERVAL_S = 0.05;

describe('IPMI source (a fake ipmitool printing recorded outputs)', () => {
  const args = ['-I', 'lanplus', '-H', 'bmc.example', '-U', 'admin', '-P', 'secret'];
  let fake: Fake;
  let source: IpmiSource | undefined;

  beforeEach(() => {
    fake = fakeTool(FAKE_IPMITOOL);
  });

  afterEach(async () => {
    await source?.stop();
    source = undefined;
    rmSync(fake.dir, { recursive: true, force: true });
  });

  const start = async (log = recorder()) => {
    source = new IpmiSource({ command: fake.command, args, intervalS: INTERVAL_S }, log.logger);
    await source.start(log.emit);
    return log;
  };

  it('runs sel elist and sdr elist with the configured interface arguments', async () => {
    // Prepare
    fake.write('sel.out', '');
    fake.write('sdr.out', '');

    // Act
    await start();

    // Assess
    expect(callsOf(fake)).toEqual([`${args.join(' ')} sel elist`, `${args.join(' ')} sdr elist`]);
  });

  it('does not replay the SEL history at start, then reports each new entry once', async () => {
    // Prepare: the simulated BMC's SEL up to entry 5 (presence events), sensors all ok
    const sel = fixture('ipmi/ipmi-sim-sel-elist.txt');
    fake.write('sel.out', lines(sel, 5));
    fake.write('sdr.out', lines(fixture('ipmi/ipmi-sim-sdr-elist-at-start.txt'), 1));

    // Act
    const log = await start();
    await afterRuns(fake, 4);
    expect(log.reports).toEqual([]);
    fake.write('sel.out', lines(sel, 8));
    await until(() => log.reports.length >= 3, 'three SEL reports');
    await afterRuns(fake, 4);

    // Assess
    expect(log.details()).toEqual([
      expect.objectContaining({ component: 'thermal', state: 'warning', sensor: 'Temperature CPU1 Temp', reading: 88 }),
      expect.objectContaining({
        component: 'thermal',
        state: 'critical',
        sensor: 'Temperature CPU1 Temp',
        reading: 92,
      }),
      expect.objectContaining({ component: 'fan', state: 'critical', sensor: 'Fan FAN2', reading: 100 }),
    ]);
    expect(log.reports.every((report) => report.detailType === 'hardware.event')).toBe(true);
  });

  it('reports every entry of a SEL that was cleared since the last poll', async () => {
    // Prepare
    fake.write('sel.out', fixture('ipmi/ipmi-sim-sel-elist.txt'));
    fake.write('sdr.out', '');
    const log = await start();

    // Act: the SEL now holds one entry, id 1, below the 0x15 seen before
    fake.write('sel.out', fixture('ipmi/ipmi-sim-no-sdr-sel-elist.stdout.txt'));
    await until(() => log.reports.length >= 1, 'a report of the entry after the clear');

    // Assess
    expect(log.details()).toEqual([expect.objectContaining({ sensor: 'Temperature #0x30', state: 'critical' })]);
  });

  it('reports the sensors that are not ok at start, then only changes of state', async () => {
    // Prepare
    fake.write('sel.out', '');
    fake.write('sdr.out', fixture('ipmi/ipmi-sim-sdr-elist-at-start.txt'));

    // Act
    const log = await start();
    const atStart = log.details();
    await afterRuns(fake, 4);
    const unchanged = log.reports.length;
    fake.write('sdr.out', fixture('ipmi/ipmi-sim-sdr-elist-after-faults.txt'));
    await until(() => log.reports.length >= unchanged + 5, 'five changes of state');
    await afterRuns(fake, 4);

    // Assess
    expect(atStart.map((d) => [d.sensor, d.state])).toEqual([
      ['Inlet Temp', 'warning'],
      ['FAN2', 'critical'],
      ['PS2 Status', 'critical'],
    ]);
    expect(unchanged).toBe(3);
    expect(
      log
        .details()
        .slice(3)
        .map((d) => [d.sensor, d.component, d.state]),
    ).toEqual([
      ['FAN2', 'fan', 'ok'],
      ['12V', 'psu', 'critical'],
      ['CPU1 Status', 'cpu', 'critical'],
      ['DIMM A1', 'memory', 'critical'],
      ['Drive 0', 'disk', 'critical'],
    ]);
  });

  it('logs a failed ipmitool run without the password, retries, and takes the SEL baseline from the first good read', async () => {
    // Prepare: the BMC unreachable, as ipmitool reports it
    fake.write('sel.fail', fixture('ipmi/ipmitool-unreachable-bmc.stderr.txt'));
    fake.write('sdr.fail', fixture('ipmi/ipmitool-unreachable-bmc.stderr.txt'));
    fake.write('sel.out', lines(fixture('ipmi/ipmi-sim-sel-elist.txt'), 5));
    fake.write('sdr.out', '');

    // Act
    const log = await start();
    await afterRuns(fake, 4);
    fake.remove('sel.fail');
    fake.remove('sdr.fail');
    await afterRuns(fake, 4);

    // Assess
    expect(log.warnings[0]).toEqual({
      message: expect.stringContaining('sel elist failed; retrying in 0.05 s'),
      extra: { exitCode: 1, error: undefined, stderr: 'Error: Unable to establish IPMI v2 / RMCP+ session' },
    });
    expect(log.warnings.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(log.warnings)).not.toContain('secret');
    expect(log.reports).toEqual([]);
  });

  it('keeps running, and says so, when ipmitool cannot be started', async () => {
    // Prepare
    const log = recorder();
    source = new IpmiSource({ command: join(fake.dir, 'missing'), args, intervalS: INTERVAL_S }, log.logger);

    // Act
    await source.start(log.emit);
    await until(() => log.warnings.length >= 4, 'a second failed poll');

    // Assess
    expect(log.warnings[0]).toEqual({
      message: expect.stringContaining('sel elist failed'),
      extra: expect.objectContaining({ exitCode: null, error: `${join(fake.dir, 'missing')} failed (ENOENT)` }),
    });
  });

  it('runs ipmitool no more once stopped', async () => {
    // Prepare
    fake.write('sel.out', '');
    fake.write('sdr.out', '');
    await start();
    await afterRuns(fake, 2);

    // Act
    await source!.stop();
    const runs = callsOf(fake).length;
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_S * 1000 * 4));

    // Assess
    expect(callsOf(fake)).toHaveLength(runs);
  });
});

describe('SMART source (a fake smartctl printing recorded outputs)', () => {
  let fake: Fake;
  let source: SmartSource | undefined;

  beforeEach(() => {
    fake = fakeTool(FAKE_SMARTCTL);
  });

  afterEach(async () => {
    await source?.stop();
    source = undefined;
    rmSync(fake.dir, { recursive: true, force: true });
  });

  const start = async (devices: string[], log = recorder()) => {
    source = new SmartSource({ command: fake.command, devices, intervalS: INTERVAL_S }, log.logger);
    await source.start(log.emit);
    return log;
  };

  it('reports at start only the devices that are not ok, reading output whatever the exit status', async () => {
    // Prepare: a healthy disk, a failing one (smartctl exits 216 for it), an NVMe with media errors
    fake.write('sda.json', fixture('smartctl/smartctl_exporter-ST3200820AS_15.json'));
    fake.write('sdc.json', fixture('smartctl/scrutiny-smart-fail2.json'));
    fake.write('sdc.exit', '216');
    fake.write('nvme0.json', fixture('smartctl/scrutiny-smart-nvme-failed.json'));

    // Act
    const log = await start(['/dev/sda', '/dev/sdc', '/dev/nvme0']);

    // Assess
    expect(callsOf(fake)).toEqual(['--json -a /dev/sda', '--json -a /dev/sdc', '--json -a /dev/nvme0']);
    expect(log.details().map((d) => [d.sensor, d.component, d.state])).toEqual([
      ['/dev/sdc', 'disk', 'critical'],
      ['/dev/nvme0', 'disk', 'warning'],
    ]);
    expect(log.warnings).toEqual([]);
  });

  it('reports a device each time its state changes, and not in between', async () => {
    // Prepare
    fake.write('sda.json', fixture('smartctl/smartctl_exporter-ST3200820AS_15.json'));
    const log = await start(['/dev/sda']);
    await afterRuns(fake, 2);

    // Act
    fake.write('sda.json', fixture('smartctl/scrutiny-smart-fail2.json'));
    await until(() => log.reports.length >= 1, 'the failing report');
    await afterRuns(fake, 2);
    fake.write('sda.json', fixture('smartctl/smartctl_exporter-ST3200820AS_15.json'));
    await until(() => log.reports.length >= 2, 'the recovered report');
    await afterRuns(fake, 2);

    // Assess
    expect(log.details().map((d) => d.state)).toEqual(['critical', 'ok']);
  });

  it("logs output it cannot use and keeps the device's last state", async () => {
    // Prepare: a failing disk, reported at start
    fake.write('sdc.json', fixture('smartctl/scrutiny-smart-fail2.json'));
    const log = await start(['/dev/sdc']);

    // Act: smartctl cannot identify the device for a while (this machine's virtio disk, exit 1), then can again
    fake.write('sdc.json', fixture('smartctl/local-virtio-vda.json'));
    fake.write('sdc.exit', '1');
    await until(() => log.warnings.length >= 2, 'two unusable runs');
    fake.write('sdc.json', fixture('smartctl/scrutiny-smart-fail2.json'));
    fake.remove('sdc.exit');
    await afterRuns(fake, 2);

    // Assess
    expect(log.details().map((d) => d.state)).toEqual(['critical']);
    expect(log.warnings[0]).toEqual({
      message: expect.stringContaining('gave nothing usable for /dev/sdc'),
      extra: expect.objectContaining({ exitCode: 1, reason: expect.stringContaining('Unable to detect device type') }),
    });
  });

  it('keeps running, and says so, when smartctl cannot be started', async () => {
    // Prepare
    const log = recorder();
    const command = join(fake.dir, 'missing');
    source = new SmartSource({ command, devices: ['/dev/sda'], intervalS: INTERVAL_S }, log.logger);

    // Act
    await source.start(log.emit);
    await until(() => log.warnings.length >= 2, 'a second failed poll');

    // Assess
    expect(log.reports).toEqual([]);
    expect(log.warnings[0]).toEqual({
      message: expect.stringContaining('gave nothing usable for /dev/sda'),
      extra: expect.objectContaining({ exitCode: null, reason: `${command} failed (ENOENT)` }),
    });
  });
});
