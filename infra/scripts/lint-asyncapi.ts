/**
 * The AsyncAPI half of `npm run lint:api`: parses docs/asyncapi.json with @asyncapi/parser
 * (the AsyncAPI 3.0 schema and the parser's own rules) and fails on any diagnostic of severity
 * error. Offline: the document may refer only to itself, so the parser never fetches a reference.
 */
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASYNCAPI_FILE } from '../../lib/contracts/api-description/documents';

const SEVERITY: Record<number, string> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

/** Every $ref that points outside the document. */
function remoteRefs(value: unknown, at = '#'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => remoteRefs(item, `${at}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' && !inner.startsWith('#')
      ? [`${at}: $ref ${inner}`]
      : remoteRefs(inner, `${at}/${key}`),
  );
}

async function main(): Promise<number> {
  const file = join(__dirname, '..', '..', ASYNCAPI_FILE);
  const text = readFileSync(file, 'utf8');
  const remote = remoteRefs(JSON.parse(text));
  if (remote.length > 0) {
    process.stderr.write(
      `${ASYNCAPI_FILE}: references outside the document (the lint runs offline):\n  ${remote.join('\n  ')}\n`,
    );
    return 1;
  }
  const { document, diagnostics } = await new Parser().parse(text, { source: file });
  for (const d of diagnostics) {
    const where = d.path.length > 0 ? `#/${d.path.join('/')}` : '#';
    process.stdout.write(`${SEVERITY[d.severity] ?? d.severity} ${d.code} at ${where}: ${d.message}\n`);
  }
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).length;
  if (errors > 0 || !document) {
    process.stderr.write(`${ASYNCAPI_FILE}: ${errors} error(s)\n`);
    return 1;
  }
  process.stdout.write(
    `${ASYNCAPI_FILE}: valid AsyncAPI ${document.version()} (${diagnostics.length} other diagnostics)\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`lint-asyncapi failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
