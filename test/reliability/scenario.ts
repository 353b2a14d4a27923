import { localPorts } from '../../lib/platform/local-stack/local-endpoints';
import { sleep } from '../support/world';
/**
 * The reliability campaign's scenarios: each runs against the local stack (and the local
 * OpenStack where it says), at the campaign's full scale (`npm run reliability`) or at a smaller
 * one in CI (test/integration/reliability.test.ts), and reports figures and what failed.
 */
export type Scale = 'full' | 'ci';

export interface ScenarioResult {
  id: string;
  title: string;
  /** What passing proves, as docs/reliability.md states it. */
  proves: string;
  figures: Record<string, number | string>;
  /** Empty when the scenario passed; otherwise what went wrong, each a sentence. */
  failures: string[];
  durationS: number;
}

export interface Scenario {
  id: string;
  title: string;
  proves: string;
  run(scale: Scale): Promise<Omit<ScenarioResult, 'id' | 'title' | 'proves' | 'durationS'>>;
}

export async function runScenario(scenario: Scenario, scale: Scale): Promise<ScenarioResult> {
  await quietBus();
  const started = Date.now();
  const { figures, failures } = await scenario.run(scale);
  return {
    id: scenario.id,
    title: scenario.title,
    proves: scenario.proves,
    figures,
    failures,
    durationS: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** Records a failure unless the condition holds. */
export function expectThat(failures: string[], holds: boolean, failure: string): void {
  if (!holds) failures.push(failure);
}

/** Polls until the check holds or the time is up; says whether it held. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/**
 * Waits until the local bus has no delivery in flight (earlier work, e.g. an earlier scenario's
 * burst, still being processed), so that a scenario starts on a quiet stack; how long it waited.
 */
export async function quietBus(timeoutMs = 600_000): Promise<number> {
  const started = Date.now();
  const inFlight = async () => {
    const response = await fetch(`http://127.0.0.1:${localPorts().eventBridge}/status`);
    return ((await response.json()) as { deliveriesInFlight: number }).deliveriesInFlight;
  };
  await until(async () => (await inFlight()) === 0, timeoutMs, 500);
  return Date.now() - started;
}
