import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageStage, PROD_LIKE_PARAMS } from '../../infra/deploy/package-stage';
import { PROJECT_ROOT, STATE_DIR } from '../../infra/local/stack';
import type { CfnTemplate } from './iam/cloudformation';

/** What the template is made of: a packaged template is reused while none of it changed. */
function sourcesDigest(stage: string, params: string[]): string {
  const hash = createHash('sha256').update(JSON.stringify({ stage, params }));
  const resources = join(PROJECT_ROOT, 'infra', 'resources');
  for (const file of [
    join(PROJECT_ROOT, 'serverless.yml'),
    ...readdirSync(resources)
      .sort()
      .map((f) => join(resources, f)),
  ])
    hash.update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The CloudFormation template `serverless deploy --stage <stage>` would deploy, packaged once
 * per change of serverless.yml or infra/resources/ and kept under .local/packaged/.
 */
export function packagedTemplate(stage = 'prod', params: string[] = PROD_LIKE_PARAMS): CfnTemplate {
  const cache = join(STATE_DIR, 'packaged', `${stage}-${sourcesDigest(stage, params)}.json`);
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')) as CfnTemplate;
  const dir = mkdtempSync(join(tmpdir(), 'nfvi-package-'));
  try {
    const text = readFileSync(packageStage(stage, params, dir), 'utf8');
    mkdirSync(join(STATE_DIR, 'packaged'), { recursive: true });
    writeFileSync(cache, text);
    return JSON.parse(text) as CfnTemplate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
