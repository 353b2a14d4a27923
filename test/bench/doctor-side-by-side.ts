import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { watchBus } from '../../infra/local/bus-watcher';
import { callApi, type LocalCloud } from '../../infra/local/local-cloud';
import { NovaTestbed } from '../../infra/local/nova-testbed';
import type { SnsHttpSubscriber } from '../../infra/local/sns-http-subscriber';
import { PDEATHSIG } from '../../infra/local/stack';
import { KeystoneSession } from '../../lib/adapters/openstack/keystone';
import { adminCredentials } from '../../lib/adapters/openstack/local-openstack';
import type { Server } from '../../lib/adapters/openstack/nova';
import { localApiUrl } from '../../lib/platform/local-stack/local-endpoints';

/**
 * "Doctor side by side": OPNFV Doctor's sample inspector (test/bench/doctor/inspector.py, a
 * replica of doctor_tests/inspector/sample.py on python3-novaclient) and nfvi-doctor's Doctor
 * inspector route (PUT /events, compatIngest) each get Doctor's sample monitor payload for the
 * same fake host of the local OpenStack, runs alternating. T04 (nova-compute forced down) and T03
 * (all the host's instances in ERROR) are read from Nova's database by one probe
 * (test/bench/doctor/nova-db-probe.py, every 10 ms) for both sides alike; T09 (tenant
 * notifications) for nfvi-doctor at the bench's subscriber. T0: just before the request is sent.
 */

export const DOCTOR_SIDE_BY_SIDE_RUNS = Number(process.env.NFVI_BENCH_DOCTOR_RUNS ?? 5);
export const DOCTOR_SIDE_BY_SIDE_COUNTS = (process.env.NFVI_BENCH_DOCTOR_COUNTS ?? '20,50').split(',').map(Number);

const PYTHON = '/usr/bin/python3';
const DOCTOR_DIR = join(__dirname, 'doctor');
/** Until T03 of 50 resets on the local nova-api's one worker (seconds each run) and a margin. */
const RUN_TIMEOUT_MS = 120_000;
const SETTLE_MS = 1500;
/** nova-api counts as idle once a service listing answers this fast (twice running). */
const QUIET_MS = 250;
/**
 * The bench's own restore calls: a few at a time, one attempt each with a long timeout, so that
 * they never pile up on the local nova-api's one worker (retries of timed-out calls, which
 * nova-api still runs, can keep it busy for a minute and reset instances after the restore).
 */
const RESTORE_CONCURRENCY = 8;
const RESTORE_HTTP = { timeoutMs: 60_000, retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 } };
const NAME_PREFIX = 'bench-doctor-';

type Side = 'doctor' | 'nfvi-doctor';

export interface DoctorSideBySideRun {
  side: Side;
  /** 0 is the warm-up pair of each count, not counted in the medians. */
  run: number;
  warmup: boolean;
  /** T0 -> the inspector's HTTP answer (Doctor's answers once all its calls returned). */
  answeredMs: number;
  t04Ms: number | null;
  t03Ms: number | null;
  /** nfvi-doctor only: first and last of the instances' tenant notifications (AlarmNotification). */
  t09FirstMs?: number | null;
  t09LastMs?: number | null;
  notifications?: number;
  /** nfvi-doctor only: its VIM adapter's own report (VimActionsApplied) of T04 and T03, from T0. */
  vimReport?: { forcedDownMs: number | null; instancesErroredMs: number | null } | null;
  /** What went wrong, when a point was not seen in time. */
  error?: string;
}

interface Stats {
  count: number;
  p50: number | null;
  p95: number | null;
}

export interface DoctorSideBySideCount {
  instances: number;
  runs: DoctorSideBySideRun[];
  doctor: { t04Ms: Stats; t03Ms: Stats; answeredMs: Stats };
  nfviDoctor: { t04Ms: Stats; t03Ms: Stats; answeredMs: Stats; t09FirstMs: Stats; t09LastMs: Stats };
  /** Ratios of medians: nfvi-doctor / Doctor (below 1: nfvi-doctor is faster). */
  ratios: { t04: number | null; t03: number | null; t09LastToDoctorT04: number | null };
}

export interface DoctorSideBySideResult {
  note: string;
  host: string;
  runsPerCount: number;
  doctorInspector: { novaApiVersion: string; source: string };
  counts: DoctorSideBySideCount[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Debian's python with its OpenStack libraries, not pyenv's first on PATH. */
function pythonEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { PYTHONPATH: _path, PYTHONHOME: _home, VIRTUAL_ENV: _venv, ...rest } = process.env;
  return { ...rest, PATH: '/usr/sbin:/usr/bin:/sbin:/bin', PYTHONUNBUFFERED: '1', ...extra };
}

/** A child that answers with JSON lines on stdout; its stderr's tail kept for errors. */
class JsonLinesChild {
  private readonly lines: Record<string, unknown>[] = [];
  private readonly waiters = new Set<() => void>();
  private stderrTail = '';
  private exited: string | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        this.lines.push({ event: 'text', text: line });
      }
      for (const wake of this.waiters) wake();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
    });
    child.on('exit', (code, signal) => {
      this.exited = `exited ${code ?? signal}`;
      for (const wake of this.waiters) wake();
    });
  }

  static start(script: string, args: string[], env: NodeJS.ProcessEnv): JsonLinesChild {
    const [command, ...rest] = [...PDEATHSIG, PYTHON, join(DOCTOR_DIR, script), ...args] as [string, ...string[]];
    return new JsonLinesChild(spawn(command, rest, { env, stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** The next line (after those taken already) that matches, within timeoutMs. */
  async next(match: (line: Record<string, unknown>) => boolean, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.lines.findIndex(match);
      if (index >= 0) return this.lines.splice(0, index + 1)[index] as Record<string, unknown>;
      if (this.exited) throw new Error(`${what}: the child ${this.exited}\n${this.stderrTail}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}\n${this.stderrTail}`);
      await new Promise<void>((wake) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          wake();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.stdin.end();
    this.child.kill('SIGTERM');
    await Promise.race([gone, sleep(3000)]);
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

interface DbState {
  service: boolean;
  forcedDown: boolean;
  instances: number;
  vmStates: Record<string, number>;
}

class NovaDbProbe {
  private constructor(private readonly child: JsonLinesChild) {}

  static async start(): Promise<NovaDbProbe> {
    const child = JsonLinesChild.start('nova-db-probe.py', [], pythonEnv());
    await child.next((l) => l.event === 'ready', 15_000, "the Nova database probe's ready line");
    return new NovaDbProbe(child);
  }

  async state(host: string): Promise<DbState> {
    this.child.send(`state ${host}`);
    return (await this.child.next((l) => l.event === 'state', 10_000, 'the probe state')) as unknown as DbState;
  }

  /** Polling starts once it answers: the state it found then is returned. */
  async arm(host: string, expected: number): Promise<DbState> {
    this.child.send(`arm ${host} ${expected} ${RUN_TIMEOUT_MS}`);
    return (await this.child.next((l) => l.event === 'armed', 10_000, 'the probe armed')) as unknown as DbState;
  }

  async result(): Promise<{ event: string; t04: number | null; t03: number | null; last: DbState }> {
    const line = await this.child.next(
      (l) => l.event === 'result' || l.event === 'timeout',
      RUN_TIMEOUT_MS + 10_000,
      'the probe result',
    );
    return line as unknown as { event: string; t04: number | null; t03: number | null; last: DbState };
  }

  async disarm(): Promise<void> {
    this.child.send('disarm');
    await this.child.next((l) => l.event === 'disarmed', 10_000, 'the probe disarmed');
  }

  stop(): Promise<void> {
    this.child.send('quit');
    return this.child.stop();
  }
}

/** Doctor's sample monitor payload (doctor_tests/monitor/sample.py report_error). */
function monitorPayload(host: string, status: 'down' | 'up', monitor: string, n: string) {
  return [
    {
      id: `monitor_sample_id-${n}`,
      // Python's datetime.now().isoformat() on a UTC machine: no zone, microseconds.
      time: `${new Date().toISOString().slice(0, -1)}000`,
      type: 'compute.host.down',
      details: { hostname: host, status, monitor, monitor_event_id: `monitor_sample_event-${n}` },
    },
  ];
}

/** As Doctor's monitor sends it: requests.put with a JSON body (a token only for a non-sample inspector). */
async function putEvents(url: string, body: unknown, token?: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'PUT',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      ...(token ? { 'X-Auth-Token': token } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

function stats(values: (number | null | undefined)[]): Stats {
  const sorted = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? null) : null;
  const mid = sorted.length / 2;
  const median =
    sorted.length === 0
      ? null
      : sorted.length % 2
        ? (sorted[Math.floor(mid)] as number)
        : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { count: sorted.length, p50: median, p95: at(0.95) };
}

const ratio = (a: number | null, b: number | null) =>
  a === null || b === null || b === 0 ? null : Math.round((a / b) * 100) / 100;

/**
 * For 20 and 50 instances of tenant-a and tenant-b on the local cloud's first fake host: a
 * warm-up pair, then NFVI_BENCH_DOCTOR_RUNS pairs (Doctor's inspector, then nfvi-doctor), each
 * from a clean host (compute up, every instance ACTIVE, as Nova's database says) after the
 * system settled. Doctor's run is undone by the bench (Doctor's inspector ignores a monitor's
 * "up"; its test's cleanup un-forces the host); nfvi-doctor's by the monitor's clear, after which
 * it un-forces the host itself. The bench sets the instances ACTIVE again after either.
 */
export async function doctorSideBySide(
  cloud: LocalCloud,
  subscriber: SnsHttpSubscriber,
  runId: string,
): Promise<DoctorSideBySideResult> {
  const host = cloud.env.computeHosts[0] as string;
  const nova = new NovaTestbed(new KeystoneSession(adminCredentials(cloud.env), RESTORE_HTTP), {
    resetConcurrency: RESTORE_CONCURRENCY,
  });
  const leftovers = (await nova.listServers({ host })).filter((s) => s.name.startsWith('bench-'));
  await cloud.deleteAll(leftovers);
  await nova.forceDown(host, false);
  // Leftovers still being deleted are not strangers.
  const strangers = (await nova.listServers({ host })).filter((s) => !leftovers.some((l) => l.id === s.id));
  if (strangers.length > 0)
    throw new Error(`${host} carries servers the bench did not boot: ${strangers.map((s) => s.name).join(', ')}`);

  const servers: Server[] = [];
  const tenants = ['tenant-a', 'tenant-b'];
  const subscription = (tenant: string) => `doctor-sxs-${runId}-${tenant}`;
  let probe: NovaDbProbe | undefined;
  let bus: Awaited<ReturnType<typeof watchBus>> | undefined;
  let inspector: JsonLinesChild | undefined;
  let inspectorUrl = '';
  const counts: DoctorSideBySideCount[] = [];
  try {
    probe = await NovaDbProbe.start();
    const db = probe;
    bus = await watchBus();
    const feed = bus;

    /** Compute up and every instance ACTIVE in Nova's database, or throws after timeoutMs. */
    const untilClean = async (expected: number, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const state = await db.state(host);
        if (!state.forcedDown && state.instances === expected && state.vmStates.active === expected) return;
        if (Date.now() > deadline) throw new Error(`${host} is not clean: ${JSON.stringify(state)}`);
        await sleep(100);
      }
    };
    /** Until nova-api has worked off what earlier runs left it (timed-out calls it still runs). */
    const untilNovaQuiet = async (timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      for (let fast = 0; fast < 2; ) {
        const sent = Date.now();
        await nova.listServices({ host, binary: 'nova-compute' });
        fast = Date.now() - sent < QUIET_MS ? fast + 1 : 0;
        if (Date.now() > deadline) throw new Error('nova-api stayed busy');
        await sleep(200);
      }
    };
    /** The host clean, still clean after the settling time, and the probe armed on it. */
    const armOnCleanHost = async (count: number) => {
      await untilNovaQuiet();
      await untilClean(count);
      await sleep(SETTLE_MS);
      const armed = await db.arm(host, count);
      if (armed.forcedDown || armed.vmStates.active !== count || armed.instances !== count) {
        await db.disarm();
        throw new Error(`${host} changed while settling: ${JSON.stringify(armed)}`);
      }
    };
    const resetActive = async () => {
      const failed = await nova.resetStateAll(
        servers.map((s) => s.id),
        'active',
      );
      if (failed.length > 0)
        throw new Error(`${failed.length} servers not reset to active: ${String(failed[0]?.error)}`);
    };

    for (const count of DOCTOR_SIDE_BY_SIDE_COUNTS) {
      // More servers, half each tenant's; the ones already there stay.
      for (const [t, tenant] of tenants.entries()) {
        const have = servers.filter((s) => s.tenantId === cloud.projectId(tenant)).length;
        const want = count / 2 + (t === 0 ? count % 2 : 0);
        const names = Array.from({ length: want - have }, (_, i) => `${NAME_PREFIX}${tenant.slice(-1)}-${have + i}`);
        servers.push(...(await cloud.boot(tenant, host, names)));
      }
      const token = await cloud.adminToken();
      const synced = await callApi('POST', '/v1/inventory/sync', token);
      if (synced.status !== 200) throw new Error(`inventory sync answered ${synced.status}`);
      for (const tenant of tenants) {
        const answer = await callApi('GET', `/v1/tenants/${cloud.projectId(tenant)}/topic`, token);
        await subscriber.subscribe(String(answer.body.topicArn), subscription(tenant));
      }
      if (!inspector) {
        const admin = cloud.env.admin;
        inspector = JsonLinesChild.start(
          'inspector.py',
          ['--port', '0', '--instance-count', String(count)],
          pythonEnv({
            OS_AUTH_URL: cloud.env.authUrl,
            OS_USERNAME: admin.username,
            OS_PASSWORD: admin.password,
            OS_PROJECT_NAME: admin.projectName,
            OS_USER_DOMAIN_NAME: admin.userDomainName,
            OS_PROJECT_DOMAIN_NAME: admin.projectDomainName,
          }),
        );
        const ready = await inspector.next((l) => l.ready === true, 60_000, "Doctor's inspector's ready line");
        inspectorUrl = `http://127.0.0.1:${String(ready.port)}/events`;
      }
      await untilClean(count);

      const doctorRun = async (run: number): Promise<DoctorSideBySideRun> => {
        // A new inspector per run, as Doctor's test makes one (session, clients, server list).
        const reinit = await fetch(`${inspectorUrl}/reinit`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ instance_count: count }),
        });
        const seen = ((await reinit.json()) as { servers: Record<string, number> }).servers[host];
        if (seen !== count) throw new Error(`Doctor's inspector lists ${seen} servers on ${host}, not ${count}`);
        await armOnCleanHost(count);
        const t0 = Date.now();
        const answer = await putEvents(inspectorUrl, monitorPayload(host, 'down', 'monitor_sample', `${runId}-${run}`));
        const answeredMs = Date.now() - t0;
        if (answer.status !== 200) throw new Error(`Doctor's inspector answered ${answer.status}: ${answer.text}`);
        const seenAt = await db.result();
        // Doctor's test cleanup un-forces the host; the instances the bench sets ACTIVE again.
        await untilNovaQuiet();
        await nova.forceDown(host, false);
        await resetActive();
        await untilClean(count);
        return {
          side: 'doctor',
          run,
          warmup: run === 0,
          answeredMs,
          t04Ms: seenAt.t04 === null ? null : Math.round(seenAt.t04 - t0),
          t03Ms: seenAt.t03 === null ? null : Math.round(seenAt.t03 - t0),
          ...(seenAt.event === 'result' ? {} : { error: `not seen in time: ${JSON.stringify(seenAt.last)}` }),
        };
      };

      const nfviRun = async (run: number): Promise<DoctorSideBySideRun> => {
        // A monitor of its own per run: nfvi-doctor damps a monitor's flapping per monitor and
        // fault type, and raise-clear pairs some 20 s apart would be damped from the third on.
        const monitor = `monitor_sample-${runId}-${count}-${run}`;
        await armOnCleanHost(count);
        const before = subscriber.received.length;
        const reportsBefore = feed.entries.length;
        const t0 = Date.now();
        const answer = await putEvents(
          `${localApiUrl()}/events`,
          monitorPayload(host, 'down', monitor, `${runId}-${count}-${run}`),
          token,
        );
        const answeredMs = Date.now() - t0;
        if (answer.status !== 200) throw new Error(`nfvi-doctor's /events answered ${answer.status}: ${answer.text}`);
        const seenAt = await db.result();
        // The instances' alarms, each notification once (a slow invocation may publish one twice).
        const firstArrivals = () => {
          const byId = new Map<string, number>();
          for (const m of subscriber.received.slice(before)) {
            if (!tenants.some((t) => m.subscription === subscription(t)) || m.attributes.host !== host) continue;
            if (m.message.notificationType !== 'AlarmNotification') continue;
            const id = String(m.message.id ?? m.messageId);
            if (!byId.has(id)) byId.set(id, m.receivedAt - t0);
          }
          return [...byId.values()];
        };
        const deadline = Date.now() + 30_000;
        while (firstArrivals().length < count && Date.now() < deadline) await sleep(20);
        const arrivals = firstArrivals();
        const cleared = await putEvents(
          `${localApiUrl()}/events`,
          monitorPayload(host, 'up', monitor, `${runId}-${count}-${run}-up`),
          token,
        );
        if (cleared.status !== 200) throw new Error(`nfvi-doctor's /events answered ${cleared.status} to the clear`);
        const unforced = Date.now() + 60_000;
        while ((await db.state(host)).forcedDown) {
          if (Date.now() > unforced) throw new Error(`nfvi-doctor left ${host} forced down after the clear`);
          await sleep(100);
        }
        await untilNovaQuiet();
        await resetActive();
        await untilClean(count);
        // The report of the fault (the clear's has no instances): read once the adapter is done.
        const report = feed.entries
          .slice(reportsBefore)
          .filter((e) => e.DetailType === 'VimActionsApplied')
          .map((e) => JSON.parse(e.Detail) as { host: string; forcedDownAt?: string; instancesErroredAt?: string })
          .find((d) => d.host === host && d.instancesErroredAt);
        const fromT0 = (at: string | undefined) => (at ? Date.parse(at) - t0 : null);
        const errors = [
          ...(seenAt.event === 'result' ? [] : [`not seen in time: ${JSON.stringify(seenAt.last)}`]),
          ...(arrivals.length < count ? [`${arrivals.length} of ${count} tenant notifications`] : []),
        ];
        return {
          side: 'nfvi-doctor',
          run,
          warmup: run === 0,
          answeredMs,
          t04Ms: seenAt.t04 === null ? null : Math.round(seenAt.t04 - t0),
          t03Ms: seenAt.t03 === null ? null : Math.round(seenAt.t03 - t0),
          t09FirstMs: arrivals.length ? Math.min(...arrivals) : null,
          t09LastMs: arrivals.length === count ? Math.max(...arrivals) : null,
          notifications: arrivals.length,
          vimReport: report
            ? { forcedDownMs: fromT0(report.forcedDownAt), instancesErroredMs: fromT0(report.instancesErroredAt) }
            : null,
          ...(errors.length ? { error: errors.join('; ') } : {}),
        };
      };

      const runs: DoctorSideBySideRun[] = [];
      for (let run = 0; run <= DOCTOR_SIDE_BY_SIDE_RUNS; run++) {
        for (const measure of [doctorRun, nfviRun]) {
          const sample = await measure(run);
          runs.push(sample);
          process.stdout.write(`  ${describeRun(count, sample)}\n`);
        }
      }
      const counted = (side: Side) => runs.filter((r) => r.side === side && !r.warmup);
      const pick = (side: Side, key: 't04Ms' | 't03Ms' | 'answeredMs' | 't09FirstMs' | 't09LastMs') =>
        stats(counted(side).map((r) => r[key]));
      const doctor = {
        t04Ms: pick('doctor', 't04Ms'),
        t03Ms: pick('doctor', 't03Ms'),
        answeredMs: pick('doctor', 'answeredMs'),
      };
      const nfviDoctor = {
        t04Ms: pick('nfvi-doctor', 't04Ms'),
        t03Ms: pick('nfvi-doctor', 't03Ms'),
        answeredMs: pick('nfvi-doctor', 'answeredMs'),
        t09FirstMs: pick('nfvi-doctor', 't09FirstMs'),
        t09LastMs: pick('nfvi-doctor', 't09LastMs'),
      };
      counts.push({
        instances: count,
        runs,
        doctor,
        nfviDoctor,
        ratios: {
          t04: ratio(nfviDoctor.t04Ms.p50, doctor.t04Ms.p50),
          t03: ratio(nfviDoctor.t03Ms.p50, doctor.t03Ms.p50),
          t09LastToDoctorT04: ratio(nfviDoctor.t09LastMs.p50, doctor.t04Ms.p50),
        },
      });
    }
  } finally {
    await probe?.disarm().catch(() => undefined);
    await probe?.stop().catch(() => undefined);
    bus?.close();
    await inspector?.stop().catch(() => undefined);
    await nova.forceDown(host, false).catch(() => undefined);
    await cloud.deleteAll(servers);
  }
  return {
    note: "Doctor's sample monitor payload (PUT /events) to OPNFV Doctor's sample inspector (replica on python3-novaclient, nova API 2.34: one force_down and one reset_state per instance, each in its own thread) and to nfvi-doctor's Doctor inspector route, alternating; T0 just before the request; T04 (nova-compute forced_down) and T03 (every instance of the host vm_state error) as Nova's database shows them, polled every 10 ms; T09 the instances' tenant notifications at an SNS HTTP subscriber",
    host,
    runsPerCount: DOCTOR_SIDE_BY_SIDE_RUNS,
    doctorInspector: {
      novaApiVersion: '2.34',
      source: 'opnfv/doctor doctor_tests/inspector/sample.py, os_clients.py (nova_version default 2.34)',
    },
    counts,
  };
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${Math.round(v)} ms`);

function describeRun(count: number, r: DoctorSideBySideRun): string {
  const name = r.side === 'doctor' ? "Doctor's inspector" : 'nfvi-doctor';
  const t09 = r.side === 'nfvi-doctor' ? `, T09 ${ms(r.t09FirstMs)}/${ms(r.t09LastMs)} (${r.notifications})` : '';
  const own = r.vimReport
    ? `, its VIM adapter's own T04/T03 ${ms(r.vimReport.forcedDownMs)}/${ms(r.vimReport.instancesErroredMs)}`
    : '';
  return `${count} instances, ${r.warmup ? 'warm-up' : `run ${r.run}`}, ${name}: T04 ${ms(r.t04Ms)}, T03 ${ms(r.t03Ms)}${t09}, answered ${ms(r.answeredMs)}${own}${r.error ? ` (${r.error})` : ''}`;
}

/** The section's table: medians (p95) per count and measure, and the ratios. */
export function printDoctorSideBySide(
  result: DoctorSideBySideResult,
  write: (text: string) => void = (text) => process.stdout.write(text),
): void {
  const cell = (s: Stats) => (s.p50 === null ? '-' : `${ms(s.p50)} (p95 ${ms(s.p95)}, n=${s.count})`);
  const x = (v: number | null) => (v === null ? '-' : `${v}x`);
  const rows: string[][] = [['instances', 'measure', "Doctor's inspector", 'nfvi-doctor', 'nfvi-doctor / Doctor']];
  for (const c of result.counts) {
    const n = String(c.instances);
    rows.push(
      [n, 'T04 host forced down', cell(c.doctor.t04Ms), cell(c.nfviDoctor.t04Ms), x(c.ratios.t04)],
      [n, 'T03 all instances ERROR', cell(c.doctor.t03Ms), cell(c.nfviDoctor.t03Ms), x(c.ratios.t03)],
      [n, 'T09 first tenant notification', '-', cell(c.nfviDoctor.t09FirstMs), ''],
      [
        n,
        'T09 last tenant notification',
        '-',
        cell(c.nfviDoctor.t09LastMs),
        `${x(c.ratios.t09LastToDoctorT04)} Doctor's T04`,
      ],
      [n, 'inspector answered', cell(c.doctor.answeredMs), cell(c.nfviDoctor.answeredMs), ''],
    );
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  write(
    `\nDoctor side by side, ${result.host}, medians of ${result.runsPerCount} runs each (from T0, the request sent; T04/T03 from Nova's database):\n`,
  );
  write(`${rows.map((r) => r.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ')).join('\n')}\n`);
}
