import {
  ThermalPredictor,
  thermalPredictionConfig,
  type TemperatureReading,
} from '../../../lib/monitor/prediction/thermal-prediction';
import { intAt, replay, sysfsSeries } from './prediction-fixtures';

const HWMON = '/sys/class/hwmon';

/** One sensor's readings (millidegrees in sysfs) over the recorded hwmon series, sampled every 30 s. */
const temperaturesOf = (chip: string, sensor: string) =>
  sysfsSeries('hwmon/hwmon-package-climbing.txt').map((sample) => ({
    atS: sample.atS,
    reading: {
      celsius: intAt(sample, `${HWMON}/${chip}/${sensor}_input`) / 1000,
      criticalC: intAt(sample, `${HWMON}/${chip}/${sensor}_crit`) / 1000,
    } satisfies TemperatureReading,
  }));

/** A five-minute slope window, 90 s of persistence, default margins (10 and 3 °C) and horizon (1800 s). */
const predictor = (settings: object = {}) =>
  new ThermalPredictor(thermalPredictionConfig.parse({ windowS: 300, persistS: 90, ...settings }));

describe('Class: ThermalPredictor, on coretemp and acpitz sensors', () => {
  it('predicts WARNING while the package climbs towards critical, MAJOR near it, and clears when it cooled', () => {
    // Act
    const changes = replay(predictor(), temperaturesOf('hwmon1', 'temp1'));

    // Assess: +1 °C per 30 s from reading 6; 97 °C (3 below critical) from reading 40; 80 °C at reading 46
    expect(changes).toEqual([
      {
        at: 14,
        predicted: true,
        severity: 'WARNING',
        probableCause: 'temperature rising towards its critical threshold',
        evidence: [
          'rising 2 °C/min over 300 s: critical in about 870 s (horizon 1800 s)',
          '71 °C, 29 °C below critical 100 °C (margin 10 °C)',
        ],
      },
      expect.objectContaining({
        at: 43,
        predicted: true,
        severity: 'MAJOR',
        probableCause: 'temperature near its critical threshold',
        evidence: expect.arrayContaining(['97 °C, 3 °C below critical 100 °C (margin 3 °C)']),
      }),
      expect.objectContaining({ at: 49, predicted: false, severity: 'MAJOR' }),
    ]);
  });

  it('never predicts from one reading that jumps near critical between normal ones (Core 1)', () => {
    expect(replay(predictor(), temperaturesOf('hwmon1', 'temp3'))).toEqual([]);
  });

  it('never predicts for steady temperatures (Core 0 at 54-56 °C, acpitz at 27.8 °C)', () => {
    expect(replay(predictor(), temperaturesOf('hwmon1', 'temp2'))).toEqual([]);
    expect(replay(predictor(), temperaturesOf('hwmon0', 'temp1'))).toEqual([]);
  });

  it('takes its margins and horizon from the configuration', () => {
    // Act: no slope prediction (horizon 60 s), warning 5 °C from critical
    const changes = replay(
      predictor({ horizonS: 60, marginC: { warning: 5, major: 1 } }),
      temperaturesOf('hwmon1', 'temp1'),
    );

    // Assess: 95 °C at reading 38
    expect(changes.map(({ at, severity, predicted }) => [at, severity, predicted])).toEqual([
      [41, 'WARNING', true],
      [48, 'WARNING', false],
    ]);
  });
});
