import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parametersOf, problemsOf } from './stage-parameters';

/**
 * `npm run package|deploy -- --stage <stage> [--param="name=value" ...]`: the stage's
 * parameters are checked first (infra/deploy/stage-parameters.ts), then osls runs as given.
 */
const ROOT = join(__dirname, '..', '..');
const args = process.argv.slice(2);
const valueOf = (flag: string) => {
  const at = args.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (at < 0) return undefined;
  const arg = args[at] as string;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[at + 1];
};
const stage = valueOf('--stage') ?? valueOf('-s') ?? 'dev';
const given = Object.fromEntries(
  args.flatMap((arg, i) => {
    const text =
      arg === '--param' ? args[i + 1] : arg.startsWith('--param=') ? arg.slice('--param='.length) : undefined;
    if (!text || !text.includes('=')) return [];
    return [[text.slice(0, text.indexOf('=')), text.slice(text.indexOf('=') + 1)]];
  }),
);

const problems = problemsOf(parametersOf(join(ROOT, 'serverless.yml'), stage, given));
if (problems.length > 0) {
  process.stderr.write(`The parameters of stage ${stage} are not complete or do not make sense:\n`);
  for (const problem of problems) process.stderr.write(`  ${problem}\n`);
  process.exit(2);
}
const osls = join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
const run = spawnSync(process.execPath, [osls, ...args], { stdio: 'inherit', cwd: ROOT });
process.exit(run.status ?? 1);
