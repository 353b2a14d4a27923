import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourcesFor } from '../../../lib/monitor/collector';
import { collectorConfig, loadCollectorConfig } from '../../../lib/monitor/config';

const EXAMPLE = join(__dirname, '..', '..', '..', 'infra', 'collector', 'config.example.json');
const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const minimal = { host: 'compute-17', bus: { name: 'nfvi-doctor-test' }, spool: { dir: '/tmp/spool' } };

describe('Collector configuration', () => {
  it('accepts the example shipped for operators, and turns on every source it has a section for', () => {
    const config = loadCollectorConfig(EXAMPLE);
    expect(config).toMatchObject({ host: 'compute-17', spool: { fsync: true }, bus: { retry: { maxMs: 30_000 } } });
    expect(sourcesFor(config, silentLogger).map((s) => s.name)).toEqual([
      'link',
      'peers',
      'heartbeat',
      'hypervisor',
      'ipmi',
      'redfish',
      'smart',
      'prediction.disk',
      'prediction.memory',
      'prediction.thermal',
      'prediction.power',
    ]);
  });

  it('gives each prediction indicator its defaults, with its section present and empty', () => {
    const config = collectorConfig.parse({
      ...minimal,
      smart: { devices: ['/dev/sda'] },
      ipmi: {},
      prediction: { disk: {}, memory: {}, thermal: {}, power: {} },
    });
    expect(config.prediction).toEqual({
      disk: {
        intervalS: 300,
        windowS: 86_400,
        persistS: 900,
        sectorGrowth: { warning: 10, major: 100 },
        prefailMargin: 10,
        mediaErrorGrowth: { warning: 1, major: 10 },
        percentageUsed: { warning: 90, major: 100 },
        spareMargin: 10,
      },
      memory: {
        intervalS: 60,
        windowS: 3600,
        persistS: 600,
        ceRatePerHour: { warning: 10, major: 100 },
        edacDir: '/sys/devices/system/edac/mc',
      },
      thermal: {
        intervalS: 30,
        windowS: 600,
        persistS: 120,
        marginC: { warning: 10, major: 3 },
        horizonS: 1800,
        hwmonDir: '/sys/class/hwmon',
      },
      power: { intervalS: 30, persistS: 60 },
    });
  });

  it('refuses a disk or power prediction without the source it reads through, and a prediction section naming nothing', () => {
    const problems = (extra: object) => {
      const parsed = collectorConfig.safeParse({ ...minimal, ...extra });
      return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(problems({ prediction: { disk: {}, power: {} } })).toEqual([
      'prediction.disk: needs the smart section (its devices)',
      'prediction.power: needs the ipmi section (its BMC)',
    ]);
    expect(problems({ prediction: {} })).toEqual([
      'prediction: name at least one indicator: disk, memory, thermal or power',
    ]);
  });

  it('refuses a bad file naming every problem and the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nfvi-config-'));
    try {
      const file = join(dir, 'bad.json');
      writeFileSync(file, JSON.stringify({ host: '', bus: {}, spool: { dir: '/x' }, peers: { targets: [] } }));
      expect(() => loadCollectorConfig(file)).toThrow(
        expect.objectContaining({
          message: expect.stringMatching(/bad\.json[\s\S]*host[\s\S]*bus\.name[\s\S]*peers\.targets/),
        }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not JSON, saying so', () => {
    expect(() => loadCollectorConfig(join(__dirname, 'collector-config.test.ts'))).toThrow(
      /cannot read collector configuration/,
    );
  });
});
