import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * `serverless package --stage <stage>` into `dir` (its parameters checked first, as `npm run
 * package` does), in a build folder of its own, so that a running local stack keeps its own.
 * Returns the path of the CloudFormation template; throws with osls's output when it fails.
 */
export function packageStage(stage: string, params: string[], dir: string): string {
  const workFolder = `.esbuild-package-${process.pid}-${stage}`;
  try {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(__dirname, 'serverless-checked.ts'),
        'package',
        '--stage',
        stage,
        ...params.map((p) => `--param=${p}`),
        '--package',
        dir,
      ],
      {
        cwd: ROOT,
        stdio: 'pipe',
        env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', NFVI_ESBUILD_WORK_FOLDER: workFolder },
      },
    );
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`packaging stage ${stage} failed:\n${e.stderr?.toString() ?? ''}${e.stdout?.toString() ?? ''}`);
  } finally {
    rmSync(join(ROOT, workFolder), { recursive: true, force: true });
  }
  return join(dir, 'cloudformation-template-update-stack.json');
}

/** The parameters a production-like stage is packaged with for checks (a VPC of its own). */
export const PROD_LIKE_PARAMS = [
  'vimSubnetIds=subnet-0a1b2c3d4e5f60718,subnet-0f1e2d3c4b5a69788',
  'vimSecurityGroupIds=sg-0123456789abcdef0',
];
