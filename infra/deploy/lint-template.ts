import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageStage, PROD_LIKE_PARAMS } from './package-stage';

/**
 * `npm run lint:template`: packages a production-like stage and the LocalStack stage
 * (parameters checked first) and runs cfn-lint on their CloudFormation templates. cfn-lint's
 * exit code is a bit mask (2 errors, 4 warnings, 8 informational): errors fail, warnings are printed.
 */
const VARIANTS: { stage: string; params: string[] }[] = [
  // LocalStack's stage cannot be deployed here (no container engine): its template is checked.
  { stage: 'localstack', params: [] },
  { stage: 'prod', params: PROD_LIKE_PARAMS },
  // ... and with a customer-managed key for the tables, topics and queues.
  {
    stage: 'prod',
    params: [
      ...PROD_LIKE_PARAMS,
      'kmsKeyArn=arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ],
  },
];
const CFN_LINT_ERRORS = 2;

let failed = false;
for (const { stage, params } of VARIANTS) {
  const dir = mkdtempSync(join(tmpdir(), `nfvi-template-${stage}-`));
  const name = `stage ${stage}${params.some((p) => p.startsWith('kmsKeyArn=')) ? ' (customer key)' : ''}`;
  try {
    const template = packageStage(stage, params, dir);
    // W3005: the framework itself gives each function a DependsOn its role, which GetAtt implies.
    // W8003: the customer-key condition compares a package-time parameter, so it is known.
    const lint = spawnSync('cfn-lint', ['--ignore-checks', 'W3005', 'W8003', '--', template], { stdio: 'inherit' });
    if (lint.error) {
      process.stderr.write(`cfn-lint could not run (${lint.error.message}): install it (pip install cfn-lint)\n`);
      failed = true;
    } else if ((lint.status ?? 0) & CFN_LINT_ERRORS) {
      process.stderr.write(`${name}: cfn-lint found errors\n`);
      failed = true;
    } else {
      process.stdout.write(`${name}: cfn-lint found no error\n`);
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    failed = true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
