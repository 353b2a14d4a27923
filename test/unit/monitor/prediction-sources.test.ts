import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCollectorEvent, type FailurePredictionDetail } from '../../../lib/contracts/southbound';
import { diskPredictionConfig } from '../../../lib/monitor/prediction/disk-prediction';
import { DiskPredictionSource } from '../../../lib/monitor/prediction/disk-prediction-source';
import { memoryPredictionConfig } from '../../../lib/monitor/prediction/memory-prediction';
import { MemoryPredictionSource } from '../../../lib/monitor/prediction/memory-prediction-source';
import { powerPredictionConfig } from '../../../lib/monitor/prediction/power-prediction';
import { PowerPredictionSource } from '../../../lib/monitor/prediction/power-prediction-source';
import type { PredictionSource } from '../../../lib/monitor/prediction/prediction-source';
import { thermalPredictionConfig } from '../../../lib/monitor/prediction/thermal-prediction';
import { ThermalPredictionSource } from '../../../lib/monitor/prediction/thermal-prediction-source';
import type { Report } from '../../../lib/monitor/report';
import { afterRuns, FAKE_IPMITOOL, FAKE_SMARTCTL, fakeTool, recorder, until, type Fake } from './collector-fake-tools';
import { predictionFixture, sysfsSeries, writeSysfs } from './prediction-fixtures';

type Detail = Omit<FailurePredictionDetail, 'host' | 'collectorId' | 'seq'>;
type Log = ReturnType<typeof recorder<Detail>>;

const INTERVAL_S = 0.02;
/** Trends must hold for 0.1 s (five polls) here; windows are long enough to keep every reading. */
const timing = { intervalS: INTERVAL_S, windowS: 60, persistS: 0.1 };
const polls = (count: number) => new Promise((resolve) => setTimeout(resolve, INTERVAL_S * 1000 * count));

/** A report must make a valid southbound event once the delivery adds its envelope. */
function expectContractValid(report: Report): void {
  const event = {
    source: 'nfvi.collector',
    'detail-type': report.detailType,
    detail: { ...report.detail, host: 'compute-1', collectorId: 'compute-1', seq: 1 },
  };
  expect(parseCollectorEvent(event)).toMatchObject({ ok: true });
}

let running: PredictionSource<unknown>[] = [];
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nfvi-prediction-'));
});
afterEach(async () => {
  await Promise.all(running.map((source) => source.stop()));
  running = [];
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a source made with the recorder's logger; resolves after its first poll. */
async function start<R>(make: (logger: Log['logger']) => PredictionSource<R>): Promise<Log> {
  const log = recorder<Detail>();
  const source = make(log.logger);
  running.push(source as PredictionSource<unknown>);
  await source.start(log.emit);
  return log;
}

describe('Disk prediction source (a fake smartctl printing recorded polls)', () => {
  let fake: Fake;
  beforeEach(() => {
    fake = fakeTool(FAKE_SMARTCTL);
  });
  afterEach(() => rmSync(fake.dir, { recursive: true, force: true }));

  const startDisk = () =>
    start(
      (logger) =>
        new DiskPredictionSource(
          { command: fake.command, devices: ['/dev/sda'], intervalS: 300 },
          { ...diskPredictionConfig.parse(timing), intervalS: INTERVAL_S },
          logger,
        ),
    );

  it('reports a growing sector count once, as a contract-valid failure.prediction, and nothing while it holds', async () => {
    // Prepare: no reallocated sectors at start
    fake.write('sda.json', predictionFixture('smartctl/sda-ST3200820AS-poll-01.json'));
    const log = await startDisk();

    // Act: 24 from now on
    fake.write('sda.json', predictionFixture('smartctl/sda-ST3200820AS-poll-03.json'));
    await until(() => log.reports.length > 0, 'a prediction');
    await afterRuns(fake, 10);

    // Assess
    expect(log.reports).toEqual([
      {
        detailType: 'failure.prediction',
        detail: {
          observedAt: expect.any(String),
          indicator: 'disk',
          subject: '/dev/sda',
          predicted: true,
          severity: 'WARNING',
          probableCause: 'growing reallocated sectors',
          evidence: expect.arrayContaining([expect.stringMatching(/^reallocated sectors 0 -> 24 within \d+ s/)]),
        },
      },
    ]);
    expectContractValid(log.reports[0]!);
    expect(log.warnings).toEqual([]);
  });

  it('logs output it cannot use, emits nothing, and keeps polling', async () => {
    // Prepare
    fake.write('sda.json', 'smartctl: garbled output');

    // Act
    const log = await startDisk();
    await afterRuns(fake, 5);

    // Assess
    expect(log.reports).toEqual([]);
    expect(log.warnings.length).toBeGreaterThanOrEqual(5);
    expect(log.warnings[0]).toEqual({
      message: expect.stringContaining('gave nothing usable for /dev/sda'),
      extra: expect.objectContaining({ reason: expect.stringContaining('smartctl printed no JSON for /dev/sda') }),
    });
  });
});

describe('Memory prediction source (EDAC sysfs written from the recorded series)', () => {
  const EDAC = '/sys/devices/system/edac/mc';
  const series = sysfsSeries('edac/edac-mc1-correctable-climbing.txt');
  const startMemory = (edacDir: string) =>
    start(
      (logger) =>
        new MemoryPredictionSource(
          {
            // Per hour over this one-minute window: mc1's 530 errors are a storm, mc0's one error is not.
            ...memoryPredictionConfig.parse({ ...timing, ceRatePerHour: { warning: 1000, major: 10_000 } }),
            intervalS: INTERVAL_S,
            edacDir,
          },
          logger,
        ),
    );

  it('reports the controller whose correctable errors climb, once', async () => {
    // Prepare: the first sample (no errors)
    writeSysfs(dir, EDAC, series[0]!);
    const log = await startMemory(dir);

    // Act: the sample of the storm (mc1 at 530, mc0 at 1)
    writeSysfs(dir, EDAC, series[26]!);
    await until(() => log.reports.length > 0, 'a prediction');
    await polls(10);

    // Assess
    expect(log.reports).toEqual([
      expect.objectContaining({
        detailType: 'failure.prediction',
        detail: expect.objectContaining({
          indicator: 'memory',
          subject: 'mc1',
          predicted: true,
          severity: 'MAJOR',
          probableCause: 'correctable memory errors climbing',
        }),
      }),
    ]);
    expectContractValid(log.reports[0]!);
  });

  it('quietly has no memory indicator on a host without EDAC', async () => {
    // Act
    const log = await startMemory(join(dir, 'no-edac-here'));
    await polls(5);

    // Assess
    expect(log.reports).toEqual([]);
    expect(log.warnings).toEqual([]);
  });

  it('logs a counter it cannot read as a number and goes on with the other controllers', async () => {
    // Prepare
    writeSysfs(dir, EDAC, series[0]!);
    writeFileSync(join(dir, 'mc0', 'ce_count'), 'garbled\n');
    const log = await startMemory(dir);

    // Act
    writeSysfs(dir, EDAC, series[26]!);
    writeFileSync(join(dir, 'mc0', 'ce_count'), 'garbled\n');
    await until(() => log.reports.length > 0, 'the prediction of mc1');

    // Assess
    expect(log.reports.map((report) => (report.detail as Detail).subject)).toEqual(['mc1']);
    expect(log.warnings[0]).toEqual({
      message: 'EDAC counters of mc0 unreadable; skipped this interval',
      extra: { error: `${join(dir, 'mc0', 'ce_count')} holds "garbled", not an integer` },
    });
  });
});

describe('Thermal prediction source (hwmon sysfs written from the recorded series)', () => {
  const HWMON = '/sys/class/hwmon';
  const series = sysfsSeries('hwmon/hwmon-package-climbing.txt');
  const startThermal = (hwmonDir: string) =>
    start(
      (logger) =>
        new ThermalPredictionSource(
          { ...thermalPredictionConfig.parse(timing), intervalS: INTERVAL_S, hwmonDir },
          logger,
        ),
    );

  it('reports the sensor that stays near its critical threshold, by chip and label, once', async () => {
    // Prepare: all sensors cool; a sensor without a critical threshold, which is not watched
    writeSysfs(dir, HWMON, series[0]!);
    writeFileSync(join(dir, 'hwmon1', 'temp9_input'), '99000\n');
    const log = await startThermal(dir);

    // Act: the package at 97 °C of 100
    writeSysfs(dir, HWMON, series[40]!);
    await until(() => log.reports.length > 0, 'a prediction');
    await polls(10);

    // Assess
    expect(log.reports).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({
          indicator: 'thermal',
          subject: 'hwmon1 coretemp Package id 0',
          predicted: true,
          severity: 'MAJOR',
          evidence: expect.arrayContaining(['97 °C, 3 °C below critical 100 °C (margin 3 °C)']),
        }),
      }),
    ]);
    expectContractValid(log.reports[0]!);
    expect(log.warnings).toEqual([]);
  });

  it('quietly has no thermal indicator on a host without hwmon', async () => {
    const log = await startThermal(join(dir, 'no-hwmon-here'));
    await polls(5);
    expect([log.reports, log.warnings]).toEqual([[], []]);
  });
});

describe('Power prediction source (a fake ipmitool printing recorded sdr elist outputs)', () => {
  let fake: Fake;
  beforeEach(() => {
    fake = fakeTool(FAKE_IPMITOOL);
  });
  afterEach(() => rmSync(fake.dir, { recursive: true, force: true }));

  const startPower = () =>
    start(
      (logger) =>
        new PowerPredictionSource(
          { command: fake.command, args: ['-I', 'open'], intervalS: 10 },
          { ...powerPredictionConfig.parse(timing), intervalS: INTERVAL_S },
          logger,
        ),
    );

  it('reports lost PSU redundancy once, then its clearing once', async () => {
    // Prepare
    fake.write('sdr.out', predictionFixture('ipmi/ipmi-sim-power-sdr-elist-redundant.txt'));
    const log = await startPower();

    // Act
    fake.write('sdr.out', predictionFixture('ipmi/ipmi-sim-power-sdr-elist-ps2-failed.txt'));
    await until(() => log.reports.length > 0, 'a prediction');
    await afterRuns(fake, 5);
    fake.write('sdr.out', predictionFixture('ipmi/ipmi-sim-power-sdr-elist-redundant.txt'));
    await until(() => log.reports.length > 1, 'the clearing');
    await afterRuns(fake, 5);

    // Assess
    expect(log.details().map((d) => [d.indicator, d.subject, d.predicted, d.severity])).toEqual([
      ['power', 'power supplies', true, 'MAJOR'],
      ['power', 'power supplies', false, 'MAJOR'],
    ]);
    for (const report of log.reports) expectContractValid(report);
  });

  it('logs a failed ipmitool run and emits nothing', async () => {
    // Prepare
    fake.write('sdr.fail', 'Error: Unable to establish IPMI v2 / RMCP+ session');

    // Act
    const log = await startPower();
    await afterRuns(fake, 3);

    // Assess
    expect(log.reports).toEqual([]);
    expect(log.warnings[0]).toEqual({
      message: expect.stringContaining('sdr elist failed'),
      extra: expect.objectContaining({ exitCode: 1, stderr: 'Error: Unable to establish IPMI v2 / RMCP+ session' }),
    });
  });
});
