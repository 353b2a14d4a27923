/**
 * `npm run reliability`: the reliability campaign at full scale, against the local stack (started
 * here, or this checkout's running one) and the local OpenStack. Prints a table and writes
 * bench-results/reliability.json; exits 1 when a scenario failed. `-- <id> ...` runs some only,
 * `-- --ci` at CI's smaller scale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
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
  const dir = join(PROJECT_ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'reliability.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: { cpus: cpus().length, node: process.version }, scenarios: results }, null, 2)}\n`,
  );
  process.exitCode = results.every((r) => r.failures.length === 0) ? 0 : 1;
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
