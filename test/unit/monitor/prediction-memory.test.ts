import {
  MemoryPredictor,
  memoryPredictionConfig,
  type EdacReading,
} from '../../../lib/monitor/prediction/memory-prediction';
import { intAt, replay, sysfsSeries } from './prediction-fixtures';

const EDAC = '/sys/devices/system/edac/mc';

/** One controller's counters over a recorded EDAC series. */
const countersOf = (series: string, controller: string) =>
  sysfsSeries(series).map((sample) => ({
    atS: sample.atS,
    reading: {
      ceCount: intAt(sample, `${EDAC}/${controller}/ce_count`),
      ueCount: intAt(sample, `${EDAC}/${controller}/ue_count`),
    },
  }));

/** Ten-minute window, five minutes of persistence; 60 and 1200 correctable errors per hour. */
const predictor = (settings: object = {}) =>
  new MemoryPredictor(
    memoryPredictionConfig.parse({
      windowS: 600,
      persistS: 300,
      ceRatePerHour: { warning: 60, major: 1200 },
      ...settings,
    }),
  );

describe('Class: MemoryPredictor, on two memory controllers sampled every 60 s', () => {
  const climbing = 'edac/edac-mc1-correctable-climbing.txt';

  it('predicts WARNING once correctable errors climb faster than the threshold for persistS, then MAJOR in the storm', () => {
    // Act
    const changes = replay(predictor(), countersOf(climbing, 'mc1'));

    // Assess: about 3 errors a minute from reading 2 (WARNING from reading 6), 40 a minute from reading 14
    expect(changes.slice(0, 2)).toEqual([
      {
        at: 11,
        predicted: true,
        severity: 'WARNING',
        probableCause: 'correctable memory errors climbing',
        evidence: [
          'correctable errors 0 -> 27 within 600 s: 162 per hour over 600 s (threshold 60 per hour)',
          'uncorrectable errors 0 -> 0 within 600 s (threshold 1)',
        ],
      },
      {
        at: 24,
        predicted: true,
        severity: 'MAJOR',
        probableCause: 'correctable memory errors climbing',
        evidence: [
          'correctable errors 60 -> 450 within 600 s: 2340 per hour over 600 s (threshold 1200 per hour)',
          'uncorrectable errors 0 -> 0 within 600 s (threshold 1)',
        ],
      },
    ]);
  });

  it('clears once the errors have stopped for the window and persistS', () => {
    // Act
    const changes = replay(predictor(), countersOf(climbing, 'mc1'));

    // Assess: the count stops at reading 26; growth leaves the window at 36, persistS later it clears
    expect(changes.at(-1)).toEqual({
      at: 41,
      predicted: false,
      severity: 'MAJOR',
      probableCause: 'correctable memory errors climbing',
      evidence: [
        'uncorrectable errors 0 -> 0 within 600 s (threshold 1)',
        'correctable errors 530 -> 530 within 600 s: 0 per hour over 600 s (threshold 60 per hour)',
      ],
    });
  });

  it('never predicts from a stray correctable error on the healthy controller (mc0)', () => {
    expect(replay(predictor(), countersOf(climbing, 'mc0'))).toEqual([]);
  });

  it('takes its thresholds from the configuration', () => {
    // Act: with the defaults (10 and 100 per hour, over one hour, persisting 10 minutes)
    const changes = replay(new MemoryPredictor(memoryPredictionConfig.parse({})), countersOf(climbing, 'mc1'));

    // Assess: 10 errors within the hour at reading 6, persisting from there; 100 at reading 16
    expect(changes.map(({ at, severity, predicted }) => [at, severity, predicted])).toEqual([
      [16, 'WARNING', true],
      [26, 'MAJOR', true],
    ]);
  });

  it('predicts MAJOR on any uncorrectable error, once persisted', () => {
    // Act
    const changes = replay(predictor(), countersOf('edac/edac-mc0-uncorrectable.txt', 'mc0'));

    // Assess: ue_count 0 -> 1 at reading 2
    expect(changes).toEqual([
      expect.objectContaining({
        at: 7,
        severity: 'MAJOR',
        probableCause: 'uncorrectable memory errors',
        evidence: expect.arrayContaining(['uncorrectable errors 0 -> 1 within 420 s (threshold 1)']),
      }),
    ]);
  });

  it('does not take counters reset by the driver for errors', () => {
    // Prepare: built here, a controller whose counters were reset (module reloaded) and then count slowly
    const counts: EdacReading[] = [
      { ceCount: 480, ueCount: 1 },
      { ceCount: 480, ueCount: 1 },
      ...Array.from({ length: 20 }, (_, i) => ({ ceCount: Math.floor(i / 5), ueCount: 0 })),
    ];

    // Act, Assess
    expect(
      replay(
        predictor(),
        counts.map((reading, i) => ({ atS: i * 60, reading })),
      ),
    ).toEqual([]);
  });
});
