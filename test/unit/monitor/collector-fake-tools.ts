/** Fake hardware tools and a report recorder for the collector source tests. */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../../lib/monitor/report';

/** Fake ipmitool: prints <dir>/sel.out or sdr.out, or fails like ipmitool when sel.fail / sdr.fail exists. */
export const FAKE_IPMITOOL = `#!/bin/sh
dir="$(dirname "$0")"
case "$*" in
  *"sel elist") what=sel ;;
  *"sdr elist") what=sdr ;;
  *) echo "unexpected arguments: $*" >&2; exit 2 ;;
esac
echo "$*" >> "$dir/calls.log"
if [ -f "$dir/$what.fail" ]; then cat "$dir/$what.fail" >&2; exit 1; fi
cat "$dir/$what.out"
`;

/** Fake smartctl: prints <dir>/<device name>.json and exits with <device name>.exit (0 when absent). */
export const FAKE_SMARTCTL = `#!/bin/sh
dir="$(dirname "$0")"
for device; do :; done
name="$(basename "$device")"
echo "$*" >> "$dir/calls.log"
cat "$dir/$name.json"
exit "$(cat "$dir/$name.exit" 2>/dev/null || echo 0)"
`;

export type Fake = {
  dir: string;
  command: string;
  write(name: string, content: string): void;
  remove(name: string): void;
};

export function fakeTool(script: string): Fake {
  const dir = mkdtempSync(join(tmpdir(), 'nfvi-fake-tool-'));
  const command = join(dir, 'tool');
  writeFileSync(command, script);
  chmodSync(command, 0o755);
  return {
    dir,
    command,
    write: (name, content) => writeFileSync(join(dir, name), content),
    remove: (name) => rmSync(join(dir, name), { force: true }),
  };
}

export const callsOf = (fake: Fake) => {
  const log = join(fake.dir, 'calls.log');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
};

export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the tool has been run `runs` more times: polls went by. */
export async function afterRuns(fake: Fake, runs: number): Promise<void> {
  const target = callsOf(fake).length + runs;
  await until(() => callsOf(fake).length >= target, `${runs} more runs of the fake tool`);
}

/** Records what a source reports and warns; `details` are the reports' details, of the type D the test expects. */
export function recorder<D = Report['detail']>() {
  const reports: Report[] = [];
  const warnings: { message: string; extra?: Record<string, unknown> }[] = [];
  return {
    reports,
    warnings,
    emit: (report: Report) => reports.push(report),
    logger: { warn: (message: string, extra?: Record<string, unknown>) => warnings.push({ message, extra }) },
    details: () => reports.map((report) => report.detail as D),
  };
}
