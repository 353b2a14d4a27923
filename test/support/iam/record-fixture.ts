import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AWS_CALL_LOG } from '../../../infra/local/local-env';
import { PROJECT_ROOT } from '../../../infra/local/stack';

/**
 * `npm run iam:record`: keeps the AWS calls the last runs recorded (.local/aws-calls.jsonl) in
 * test/fixtures/iam/recorded-calls.jsonl, beside those kept before, sorted, each once.
 */
export const RECORDED_CALLS = join(PROJECT_ROOT, 'test', 'fixtures', 'iam', 'recorded-calls.jsonl');

const linesOf = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

if (require.main === module) {
  const lines = [...new Set([...linesOf(RECORDED_CALLS), ...linesOf(AWS_CALL_LOG)])].sort();
  mkdirSync(dirname(RECORDED_CALLS), { recursive: true });
  writeFileSync(RECORDED_CALLS, `${lines.join('\n')}\n`);
  process.stdout.write(`${lines.length} distinct calls in ${RECORDED_CALLS}\n`);
}
