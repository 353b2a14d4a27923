import { PredictionLatch, type Finding, type Severity } from '../../../lib/monitor/prediction/predictor';
import { Persistence, SampleWindow } from '../../../lib/monitor/prediction/trend';

/** A reading's one finding at a severity (undefined: healthy). */
const finding = (severity: Severity | undefined, cause = 'test trend'): Finding[] => [
  { severity, cause, evidence: `reading at ${severity ?? 'healthy'}` },
];

/** Feeds one finding per reading, 60 s apart; the transitions with the index of their reading. */
function latchOver(persistS: number, severities: (Severity | undefined)[]) {
  const latch = new PredictionLatch(persistS);
  return severities.flatMap((severity, at) => {
    const change = latch.observe(at * 60, finding(severity));
    return change ? [{ at, predicted: change.predicted, severity: change.severity }] : [];
  });
}

const W = 'WARNING';
const M = 'MAJOR';
const _ = undefined;

describe('Class: SampleWindow', () => {
  it('keeps the readings of the last windowS seconds only', () => {
    // Prepare
    const window = new SampleWindow(600);

    // Act
    for (const [atS, value] of [
      [0, 1],
      [300, 2],
      [600, 3],
      [900, 4],
    ] as const)
      window.add(atS, value);

    // Assess
    expect(window.oldest).toEqual({ atS: 300, value: 2 });
    expect(window.latest).toEqual({ atS: 900, value: 4 });
    expect(window.spanS()).toBe(600);
  });

  it('answers whether a counter grew by at least N within the window', () => {
    const window = new SampleWindow(3600);
    window.add(0, 8);
    expect(window.grewBy(1)).toBe(false);
    window.add(600, 24);
    expect(window.growth()).toBe(16);
    expect(window.grewBy(16)).toBe(true);
    expect(window.grewBy(17)).toBe(false);
  });

  it('never takes a counter that went down (a reset) for growth', () => {
    const window = new SampleWindow(3600);
    for (const [atS, value] of [
      [0, 480],
      [60, 0],
      [120, 5],
      [180, 12],
    ] as const)
      window.add(atS, value);
    expect(window.grewBy(1)).toBe(false);
  });

  it('gives the rate per hour over the window length, so a burst right after start is not inflated', () => {
    // Prepare: 5 errors within the first minute of a one-hour window
    const window = new SampleWindow(3600);
    window.add(0, 0);
    window.add(60, 5);

    // Act, Assess
    expect(window.ratePerHour()).toBe(5);
  });

  it('fits a slope that one outlier hardly moves, once the readings span enough time', () => {
    // Prepare: 1 °C per minute, with one reading 40 °C off
    const window = new SampleWindow(600);
    const values = [60, 61, 62, 63, 104, 65, 66, 67, 68, 69, 70];
    values.forEach((value, i) => window.add(i * 60, value));

    // Act, Assess
    expect(window.slopePerS(300)! * 60).toBeCloseTo(1, 5);
    expect(window.slopePerS(601)).toBeUndefined();
  });
});

describe('Class: Persistence', () => {
  it('holds only while the condition held on every reading', () => {
    const persistence = new Persistence();
    persistence.update(0, true);
    persistence.update(60, true);
    expect(persistence.heldFor(60, 60)).toBe(true);
    persistence.update(120, false);
    persistence.update(180, true);
    expect(persistence.heldFor(180, 60)).toBe(false);
  });
});

describe('Class: PredictionLatch (persistence, hysteresis, escalation)', () => {
  it('never predicts on a single reading, however strong', () => {
    expect(latchOver(120, [_, M, _, _, _, _])).toEqual([]);
  });

  it('predicts once the trend has held on every reading for persistS, and says so once', () => {
    expect(latchOver(120, [_, W, W, W, W, W])).toEqual([{ at: 3, predicted: true, severity: W }]);
  });

  it('starts persistence again when the trend lapses on one reading', () => {
    expect(latchOver(120, [W, W, _, W, W, W])).toEqual([{ at: 5, predicted: true, severity: W }]);
  });

  it('escalates from WARNING to MAJOR once MAJOR has persisted, and reports the escalation once', () => {
    expect(latchOver(120, [W, W, W, M, M, M, M])).toEqual([
      { at: 2, predicted: true, severity: W },
      { at: 5, predicted: true, severity: M },
    ]);
  });

  it('predicts MAJOR at once when MAJOR persisted from the start', () => {
    expect(latchOver(120, [M, M, M, M])).toEqual([{ at: 2, predicted: true, severity: M }]);
  });

  it('keeps a prediction while the trend comes and goes, and clears it after persistS without it', () => {
    expect(latchOver(120, [W, W, W, _, W, _, _, _, _])).toEqual([
      { at: 2, predicted: true, severity: W },
      { at: 7, predicted: false, severity: W },
    ]);
  });

  it('keeps MAJOR while the trend eases to WARNING, and clears with the severity it had', () => {
    expect(latchOver(60, [M, M, W, W, W, _, _])).toEqual([
      { at: 1, predicted: true, severity: M },
      { at: 6, predicted: false, severity: M },
    ]);
  });

  it('names the worst finding as the cause, and lists the findings that fired first', () => {
    // Prepare
    const latch = new PredictionLatch(0);
    const findings: Finding[] = [
      { severity: undefined, cause: 'quiet', evidence: 'quiet figure' },
      { severity: 'WARNING', cause: 'mild', evidence: 'mild figure' },
      { severity: 'MAJOR', cause: 'strong', evidence: 'strong figure' },
    ];

    // Act, Assess
    expect(latch.observe(0, findings)).toEqual({
      predicted: true,
      severity: 'MAJOR',
      probableCause: 'strong',
      evidence: ['mild figure', 'strong figure', 'quiet figure'],
    });
  });
});
