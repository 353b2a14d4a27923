import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSmartctl } from '../../../lib/monitor/hardware/smartctl';
import { DiskPredictor, diskPredictionConfig } from '../../../lib/monitor/prediction/disk-prediction';
import { replay, smartPoll, smartSeries, type SmartPoll } from './prediction-fixtures';

const predictor = (settings: object = {}) =>
  new DiskPredictor(diskPredictionConfig.parse({ windowS: 3600, persistS: 600, ...settings }));
const readings = (polls: SmartPoll[]) => polls.map(({ atS, output }) => ({ atS, reading: output }));

/** The same poll again, `count` times `everyS` apart after `poll` (a disk whose figures no longer change). */
const repeated = (poll: SmartPoll, count: number, everyS = 300): SmartPoll[] =>
  Array.from({ length: count }, (_, i) => ({ ...poll, atS: poll.atS + (i + 1) * everyS }));

describe('Class: DiskPredictor, on an ATA disk whose sector counts grow (sda, polled every 300 s)', () => {
  const sda = smartSeries('sda-ST3200820AS');

  it('predicts WARNING once the growth has persisted, then MAJOR once the stronger growth has, naming the numbers', () => {
    // Act
    const changes = replay(predictor(), readings(sda));

    // Assess: reallocated sectors grew by 24 at poll 3 (index 2), held until index 4; by 136 at index 6, held until index 8
    expect(changes).toEqual([
      {
        at: 4,
        predicted: true,
        severity: 'WARNING',
        probableCause: 'growing reallocated sectors',
        evidence: [
          'reallocated sectors 0 -> 24 within 1200 s (threshold 10)',
          'pending sectors 0 -> 6 within 1200 s (threshold 10)',
          'offline uncorrectable sectors 0 -> 1 within 1200 s (threshold 10)',
        ],
      },
      {
        at: 8,
        predicted: true,
        severity: 'MAJOR',
        probableCause: 'growing reallocated sectors',
        evidence: [
          'reallocated sectors 0 -> 168 within 2400 s (threshold 100)',
          'pending sectors 0 -> 40 within 2400 s (threshold 10)',
          'offline uncorrectable sectors 0 -> 2 within 2400 s (threshold 10)',
        ],
      },
    ]);
  });

  it('takes its thresholds from the configuration', () => {
    // Act
    const changes = replay(predictor({ sectorGrowth: { warning: 50, major: 150 } }), readings(sda));

    // Assess: growth reached 72 at index 5 and 152 at index 7
    expect(changes.map(({ at, severity }) => [at, severity])).toEqual([
      [7, 'WARNING'],
      [9, 'MAJOR'],
    ]);
  });

  it('clears once the growth has left the window and persistS has passed without it', () => {
    // Prepare: the counts stop at poll 10 and stay there
    const last = sda.at(-1)!;
    const flat = repeated(last, 24);

    // Act
    const changes = replay(predictor(), readings([...sda, ...flat]));

    // Assess: the last growth (152 -> 168, polls 8 to 9 at 2100-2400 s) leaves the one-hour window at
    // 6000 s (reading 20); persistS later (reading 22) the prediction clears
    expect(changes.map(({ at, predicted }) => [at, predicted])).toEqual([
      [4, true],
      [8, true],
      [22, false],
    ]);
    expect(changes.at(-1)).toMatchObject({
      severity: 'MAJOR',
      evidence: expect.arrayContaining(['reallocated sectors 168 -> 168 within 3600 s (threshold 10)']),
    });
  });

  it('predicts a one-off jump confirmed by the following polls', () => {
    // Prepare: 0 reallocated sectors, then 24 at the next poll, and no more
    const [before, , jumped] = sda;
    const polls = [
      before!,
      { ...jumped!, atS: before!.atS + 300 },
      ...repeated({ ...jumped!, atS: before!.atS + 300 }, 3),
    ];

    // Act
    const changes = replay(predictor(), readings(polls));

    // Assess
    expect(changes).toEqual([expect.objectContaining({ at: 3, predicted: true, severity: 'WARNING' })]);
  });
});

describe('Class: DiskPredictor, on a disk read wrongly once', () => {
  it('predicts nothing from one garbled reallocated count between normal ones (sdb)', () => {
    // Prepare: poll 3 reads 65535 reallocated sectors, the others 0
    const sdb = smartSeries('sdb-ST3200820AS-glitch');

    // Act, Assess
    expect(replay(predictor(), readings(sdb))).toEqual([]);
  });

  it("does not take a pre-fail attribute that starts near its threshold for a failing one (Seagate's Spin_Retry_Count 100, threshold 97)", () => {
    const sda = smartSeries('sda-ST3200820AS');
    const changes = replay(predictor(), readings(sda));
    expect(JSON.stringify(changes)).not.toContain('Spin_Retry_Count');
  });
});

describe('Class: DiskPredictor, on pre-fail attributes', () => {
  /** Polls every 300 s of one smartctl output, from test/fixtures/collector/hardware/smartctl/. */
  const pollsOf = (stdout: string, count: number): SmartPoll[] => {
    const read = readSmartctl('/dev/sdc', stdout);
    if (!read.ok) throw new Error(read.reason);
    return Array.from({ length: count }, (_, i) => ({ atS: i * 300, text: stdout, output: read.output }));
  };
  const recorded = (name: string) =>
    readFileSync(join(__dirname, '../../fixtures/collector/hardware/smartctl', name), 'utf8');

  it('predicts MAJOR for an attribute the drive says is failing now, once persisted (a failing Hitachi)', () => {
    // Act
    const changes = replay(predictor(), readings(pollsOf(recorded('scrutiny-smart-fail2.json'), 4)));

    // Assess
    expect(changes).toEqual([
      expect.objectContaining({
        at: 2,
        severity: 'MAJOR',
        probableCause: 'SMART pre-fail attribute Reallocated_Sector_Ct failing',
        evidence: expect.arrayContaining([
          'Reallocated_Sector_Ct normalised value 1, failure threshold 5: failing now',
        ]),
      }),
    ]);
  });

  it('warns of an attribute that fell to within the margin of its threshold', () => {
    // Prepare: the healthy Seagate, then (built here) its Reallocated_Sector_Ct normalised value down to 44 of threshold 36
    const healthy = recorded('smartctl_exporter-ST3200820AS_15.json');
    const json = JSON.parse(healthy);
    json.ata_smart_attributes.table.find((a: { id: number }) => a.id === 5).value = 44;
    const polls = [
      ...pollsOf(healthy, 1),
      ...pollsOf(JSON.stringify(json), 4).map((p, i) => ({ ...p, atS: (i + 1) * 300 })),
    ];

    // Act
    const changes = replay(predictor({ prefailMargin: 10 }), readings(polls));

    // Assess
    expect(changes).toEqual([
      expect.objectContaining({
        at: 3,
        severity: 'WARNING',
        probableCause: 'SMART pre-fail attribute Reallocated_Sector_Ct near its threshold',
        evidence: expect.arrayContaining([
          'Reallocated_Sector_Ct normalised value 44, failure threshold 36: down from 100, within 10 of it',
        ]),
      }),
    ]);
  });
});

describe('Class: DiskPredictor, on an NVMe drive (nvme0, polled every 300 s)', () => {
  it('predicts WARNING on growing media errors, then MAJOR once they grew by 10', () => {
    // Act
    const changes = replay(predictor(), readings(smartSeries('nvme0-970EVOPlus')));

    // Assess: 3 media errors at index 2, 14 at index 5
    expect(changes).toEqual([
      expect.objectContaining({
        at: 4,
        severity: 'WARNING',
        probableCause: 'growing NVMe media and data integrity errors',
        evidence: expect.arrayContaining(['NVMe media and data integrity errors 0 -> 3 within 1200 s (threshold 1)']),
      }),
      expect.objectContaining({ at: 7, severity: 'MAJOR' }),
    ]);
  });

  it.each([
    [
      'nvme0-970EVOPlus-spare-below-threshold.json',
      'MAJOR',
      'NVMe spare capacity running out',
      'NVMe available spare 8 %, threshold 10 % (warning within 10)',
    ],
    [
      'nvme0-970EVOPlus-worn.json',
      'WARNING',
      'NVMe rated endurance used up',
      'NVMe percentage used 91 % (threshold 90 %)',
    ],
  ])('predicts %s as %s: %s', (name, severity, probableCause, line) => {
    // Prepare
    const poll = smartPoll(name);

    // Act
    const changes = replay(predictor(), readings([poll, ...repeated(poll, 2)]));

    // Assess
    expect(changes).toEqual([
      expect.objectContaining({ at: 2, severity, probableCause, evidence: expect.arrayContaining([line]) }),
    ]);
  });
});
