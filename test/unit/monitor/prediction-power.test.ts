import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSdrElist } from '../../../lib/monitor/hardware/ipmi-sdr';
import { PowerPredictor, powerPredictionConfig } from '../../../lib/monitor/prediction/power-prediction';
import { powerReadingOf } from '../../../lib/monitor/prediction/power-prediction-source';
import { predictionFixture, replay } from './prediction-fixtures';

/** `ipmitool sdr elist` of the simulated BMC with two PSUs and a PSU redundancy sensor, in each state recorded. */
const sdr = (state: string) => predictionFixture(`ipmi/ipmi-sim-power-sdr-elist-${state}.txt`);
const collectorSdr = (name: string) =>
  readFileSync(join(__dirname, '../../fixtures/collector/hardware/ipmi', name), 'utf8');

/** Polls 30 s apart, each printing the next output. */
const polls = (...outputs: string[]) =>
  outputs.map((output, i) => ({ atS: i * 30, reading: powerReadingOf(parseSdrElist(output)) }));
const times = (count: number, output: string) => Array<string>(count).fill(output);

const predictor = (settings: object = {}) => new PowerPredictor(powerPredictionConfig.parse(settings));

describe('Class: PowerPredictor, on the BMC of a host with two power supplies (polled every 30 s)', () => {
  it('predicts MAJOR once PS2 has failed for persistS, naming the supply and the redundancy sensor, and clears when it is back', () => {
    // Act
    const changes = replay(
      predictor(),
      polls(...times(2, sdr('redundant')), ...times(4, sdr('ps2-failed')), ...times(3, sdr('redundant'))),
    );

    // Assess
    expect(changes).toEqual([
      {
        at: 4,
        predicted: true,
        severity: 'MAJOR',
        probableCause: 'power supply redundancy lost',
        evidence: [
          '1 of 2 power supplies ok; not ok: PS2 Status (Presence detected, Failure detected)',
          'PS Redundancy: Redundancy Lost',
        ],
      },
      {
        at: 8,
        predicted: false,
        severity: 'MAJOR',
        probableCause: 'power supply redundancy lost',
        evidence: ['2 of 2 power supplies ok', 'PS Redundancy: Fully Redundant'],
      },
    ]);
  });

  it('never predicts from one poll during which a supply lost its input', () => {
    expect(replay(predictor(), polls(sdr('redundant'), sdr('ps2-ac-lost'), ...times(4, sdr('redundant'))))).toEqual([]);
  });

  it('takes a supply whose presence is no longer asserted (pulled) for not ok', () => {
    expect(replay(predictor(), polls(sdr('redundant'), ...times(3, sdr('ps2-absent'))))).toEqual([
      expect.objectContaining({
        at: 3,
        severity: 'MAJOR',
        evidence: ['1 of 2 power supplies ok; not ok: PS2 Status (no state)', 'PS Redundancy: Redundancy Lost'],
      }),
    ]);
  });

  it('warns while the redundancy sensor says degraded, ignores the fan redundancy sensor, and escalates on non-redundant', () => {
    // Act
    const changes = replay(
      predictor(),
      polls(sdr('redundant'), ...times(3, sdr('degraded')), ...times(3, sdr('insufficient'))),
    );

    // Assess
    expect(changes).toEqual([
      {
        at: 3,
        predicted: true,
        severity: 'WARNING',
        probableCause: 'power supply redundancy degraded',
        evidence: ['PS Redundancy: Redundancy Degraded', '2 of 2 power supplies ok'],
      },
      expect.objectContaining({
        at: 6,
        predicted: true,
        severity: 'MAJOR',
        probableCause: 'power supply redundancy lost',
        evidence: ['PS Redundancy: Non-Redundant: Insufficient Resources', '2 of 2 power supplies ok'],
      }),
    ]);
  });

  it('counts the supplies of a BMC without a redundancy sensor (the simulated BMC of the hardware tests)', () => {
    // Act: PS2 asserts Failure detected from the start
    const changes = replay(predictor(), polls(...times(3, collectorSdr('ipmi-sim-sdr-elist-at-start.txt'))));

    // Assess
    expect(changes).toEqual([
      expect.objectContaining({
        at: 2,
        severity: 'MAJOR',
        evidence: ['1 of 2 power supplies ok; not ok: PS2 Status (Presence detected, Failure detected)'],
      }),
    ]);
  });

  it('takes the number of supplies from the configuration: 2 of 3 ok is a warning', () => {
    expect(replay(predictor({ expectedPsus: 3 }), polls(...times(3, sdr('redundant'))))).toEqual([
      expect.objectContaining({
        at: 2,
        severity: 'WARNING',
        probableCause: 'power supply redundancy degraded',
        evidence: ['2 of 3 power supplies ok', 'PS Redundancy: Fully Redundant'],
      }),
    ]);
  });

  it('has no redundancy to lose on a host with one supply (Telegraf sample: current and power sensors of PSU 1)', () => {
    // Prepare
    const reading = powerReadingOf(parseSdrElist(collectorSdr('telegraf-sdr-elist-v2.txt')));

    // Assess
    expect(reading).toEqual({
      psus: [{ name: 'Current 1, Power Supply 1', ok: true, state: '7.20 Amps; 110 Watts, Presence detected' }],
      redundancy: [],
    });
    expect(replay(predictor(), polls(...times(4, collectorSdr('telegraf-sdr-elist-v2.txt'))))).toEqual([]);
  });
});
