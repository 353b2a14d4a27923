/** Reads the recorded series under test/fixtures/prediction/ (its README.md says where each comes from). */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readSmartctl, type SmartctlOutput } from '../../../lib/monitor/hardware/smartctl';
import type { Prediction, Predictor } from '../../../lib/monitor/prediction/predictor';

const FIXTURES = join(__dirname, '../../fixtures/prediction');

export const predictionFixture = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

/** One poll of a smartctl series: when smartctl ran (its local_time) and what it printed. */
export type SmartPoll = { atS: number; text: string; output: SmartctlOutput };

/** The polls `smartctl/<prefix>-poll-NN.json`, in order, each read as the collector reads it. */
export function smartSeries(prefix: string): SmartPoll[] {
  return readdirSync(join(FIXTURES, 'smartctl'))
    .filter((name) => name.startsWith(`${prefix}-poll-`))
    .sort()
    .map((name) => smartPoll(name));
}

export function smartPoll(name: string): SmartPoll {
  const text = predictionFixture(`smartctl/${name}`);
  const read = readSmartctl(`/dev/${name.split('-')[0]}`, text);
  if (!read.ok) throw new Error(read.reason);
  const { time_t: atS } = (JSON.parse(text) as { local_time: { time_t: number } }).local_time;
  return { atS, text, output: read.output };
}

/** One sample of a sysfs series: `# at <epoch s>`, then `grep -H . <files>` lines (`<path>:<content>`). */
export type SysfsSample = { atS: number; files: Map<string, string> };

export function sysfsSeries(path: string): SysfsSample[] {
  const samples: SysfsSample[] = [];
  for (const line of predictionFixture(path).split('\n')) {
    const at = /^# at (\d+)$/.exec(line);
    if (at) samples.push({ atS: Number(at[1]), files: new Map() });
    const file = /^(\/[^:]+):(.*)$/.exec(line);
    if (file) samples.at(-1)?.files.set(file[1]!, file[2]!);
  }
  return samples;
}

/** The integer a sample's file holds, e.g. `intAt(sample, '/sys/.../mc1/ce_count')`. */
export function intAt(sample: SysfsSample, path: string): number {
  const text = sample.files.get(path);
  if (text === undefined) throw new Error(`no ${path} at ${sample.atS}`);
  return Number(text);
}

/** Writes a sample's files under `root`, in place of the recorded `prefix` (e.g. /sys/class/hwmon). */
export function writeSysfs(root: string, prefix: string, sample: SysfsSample): void {
  for (const [path, content] of sample.files) {
    const target = join(root, path.slice(prefix.length));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${content}\n`);
  }
}

/** Feeds readings in order; the transitions, each with the index of the reading that caused it. */
export function replay<R>(
  predictor: Predictor<R>,
  readings: { atS: number; reading: R }[],
): (Prediction & { at: number })[] {
  return readings.flatMap(({ atS, reading }, at) => {
    const change = predictor.observe(atS, reading);
    return change ? [{ ...change, at }] : [];
  });
}
