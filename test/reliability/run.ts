/**
 * `npm run reliability`: the reliability campaign at full scale, against the local stack (started
 * here, or this checkout's running one) and the local OpenStack. Prints a table and writes
 * bench-results/reliability.json (a scenario not run keeps its last result there, with the time
 * it was measured); exits 1 when a scenario failed. `-- <id> ...` runs some only, `-- --ci` at
 * CI's smaller scale (written nowhere).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createAdminTopic } from '../../infra/local/bootstrap';
import { useLocalEnvironment } from '../../infra/local/local-env';
import { startOpenStack } from '../../infra/local/openstack';
import { PROJECT_ROOT, startLocalStack } from '../../infra/local/stack';
import { destroyAwsClients } from '../../lib/platform/aws-clients';
import { COMPUTE_HOSTS } from '../support/openstack';
import { runScenario, type ScenarioResult } from './scenario';
import { SCENARIOS } from './scenarios';

async function main(): Promise<void> {
  useLocalEnvironment();
  const args = process.argv.slice(2);
  // --ci runs the scenarios at the scale CI runs them (quicker, for trying one out).
  const scale = args.includes('--ci') ? 'ci' : 'full';
  const only = args.filter((a) => a !== '--ci');
  const chosen = only.length > 0 ? SCENARIOS.filter((s) => only.includes(s.id)) : SCENARIOS;
  await startOpenStack(COMPUTE_HOSTS);
  const stack = await startLocalStack();
  await createAdminTopic();
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of chosen) {
      process.stdout.write(`${scenario.title} ...\n`);
      const result = await runScenario(scenario, scale);
      results.push(result);
      process.stdout.write(
        `  ${result.failures.length === 0 ? 'passed' : `FAILED: ${result.failures.join('; ')}`} (${result.durationS} s)\n`,
      );
    }
  } finally {
    await stack.stop();
    destroyAwsClients();
  }
  printTable(results);
  if (scale === 'full') record(results);
  process.exitCode = results.every((r) => r.failures.length === 0) ? 0 : 1;
}

type Recorded = ScenarioResult & { measuredAt: string };

/** Writes this run's results into bench-results/reliability.json, in the campaign's order, beside the others' last. */
function record(results: ScenarioResult[]): void {
  const dir = join(PROJECT_ROOT, 'bench-results');
  const file = join(dir, 'reliability.json');
  const earlier = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { measuredAt?: string; scenarios: Recorded[] })
    : { scenarios: [] };
  const now = new Date().toISOString();
  const byId = new Map<string, Recorded>(
    earlier.scenarios.map((s) => [s.id, { ...s, measuredAt: s.measuredAt ?? earlier.measuredAt ?? now }]),
  );
  for (const result of results) byId.set(result.id, { ...result, measuredAt: now });
  const scenarios = SCENARIOS.flatMap((s) => byId.get(s.id) ?? []);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ machine: { cpus: cpus().length, node: process.version }, scenarios }, null, 2)}\n`,
  );
}

function printTable(results: ScenarioResult[]): void {
  process.stdout.write('\nscenario                                   result   figures\n');
  for (const r of results) {
    const figures = Object.entries(r.figures)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ');
    process.stdout.write(
      `${r.title.padEnd(42)} ${(r.failures.length === 0 ? 'passed' : 'FAILED').padEnd(8)} ${figures}\n`,
    );
  }
}

main().catch((error: Error) => {
  process.stderr.write(`reliability failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
