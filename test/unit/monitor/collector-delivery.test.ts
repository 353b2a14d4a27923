import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { collectorEventBridgeClient, EventBridgeSink } from '../../../lib/adapters/eventbridge/collector-sink';
import { parseCollectorEvent } from '../../../lib/contracts/southbound';
import { entrySize, PUT_EVENTS_LIMITS } from '../../../lib/monitor/delivery/batches';
import {
  Delivery,
  type BusEntry,
  type DeliveryOptions,
  type EntryResult,
  type EventSink,
} from '../../../lib/monitor/delivery/delivery';
import { spoolFileName } from '../../../lib/monitor/delivery/spool';
import type { Report } from '../../../lib/monitor/report';
import { ACCEPT, FakeEventBus, INTERNAL_ERROR, STALL, type ReceivedEntry } from '../../support/fake-event-bus';

const HOST = 'compute-1';
const COLLECTOR = 'collector-compute-1';
const BUS = 'nfvi-doctor-test';
const OBSERVED_AT = '2026-11-25T10:00:00.123Z';

const report = (n: number, message = `#${n}`): Report => ({
  detailType: 'hardware.event',
  detail: { observedAt: OBSERVED_AT, component: 'psu', state: 'critical', message },
});

const detailOf = (entry: BusEntry | ReceivedEntry): Record<string, unknown> =>
  JSON.parse(('detail' in entry ? entry.detail : entry.Detail) ?? '{}');
const seqOf = (entry: BusEntry | ReceivedEntry): number => detailOf(entry).seq as number;
const accept = (entries: readonly BusEntry[]): EntryResult[] => entries.map(() => ({ status: 'accepted' }));

/** An in-memory bus: records each call and answers as told (by default, accepts everything). */
class FakeSink implements EventSink {
  readonly calls: BusEntry[][] = [];
  readonly accepted: BusEntry[] = [];
  answer: (entries: readonly BusEntry[], call: number) => EntryResult[] | Promise<EntryResult[]> = accept;

  async put(entries: readonly BusEntry[]): Promise<EntryResult[]> {
    this.calls.push([...entries]);
    const results = await this.answer(entries, this.calls.length);
    results.forEach((result, i) => result.status === 'accepted' && this.accepted.push(entries[i] as BusEntry));
    return results;
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function recordingLogger() {
  const lines: { level: string; message: string; extra?: object }[] = [];
  const at = (level: string) => (message: string, extra?: object) => lines.push({ level, message, extra });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Waits for a condition; fails with what it waited for. Never a measure of time. */
async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const eventFiles = async (dir: string) => (await readdir(dir)).filter((name) => /^\d+\.json$/.test(name));

describe('Class: Delivery', () => {
  let dir: string;
  let sink: FakeSink;
  let logger: ReturnType<typeof recordingLogger>;
  const opened: Delivery[] = [];

  const open = async (overrides: Partial<DeliveryOptions> = {}) => {
    const delivery = await Delivery.open({
      host: HOST,
      collectorId: COLLECTOR,
      busName: BUS,
      spoolDir: dir,
      fsync: false,
      sink,
      logger,
      retry: { baseMs: 1, maxMs: 5 },
      ...overrides,
    });
    opened.push(delivery);
    return delivery;
  };
  const sendAll = (delivery: Delivery, reports: Report[]) => Promise.all(reports.map((r) => delivery.send(r)));
  const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => report(from + i));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nfvi-spool-'));
    sink = new FakeSink();
    logger = recordingLogger();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((delivery) => delivery.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  it('stamps a report with host, collectorId and seq, and puts it on the bus as the southbound contract says', async () => {
    // Prepare
    const delivery = await open();
    delivery.start();

    // Act
    const seq = await delivery.send(report(1));
    await eventually(() => sink.accepted.length === 1, 'the event on the bus');

    // Assess
    const [entry] = sink.accepted as [BusEntry];
    expect(entry).toEqual({
      busName: BUS,
      source: 'nfvi.collector',
      detailType: 'hardware.event',
      detail: expect.any(String),
      time: OBSERVED_AT,
    });
    expect(detailOf(entry)).toEqual({ host: HOST, collectorId: COLLECTOR, seq, ...report(1).detail });
    expect(
      parseCollectorEvent({ source: entry.source, 'detail-type': entry.detailType, detail: detailOf(entry) }),
    ).toMatchObject({ ok: true });
  });

  it('sends spooled events in seq order, at most 10 per call', async () => {
    // Prepare
    const delivery = await open();
    const seqs = await sendAll(delivery, range(25));

    // Act
    delivery.start();
    await eventually(() => sink.accepted.length === 25, 'all 25 events on the bus');

    // Assess
    expect(sink.calls.map((call) => call.length)).toEqual([10, 10, 5]);
    expect(sink.accepted.map(seqOf)).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('keeps every call under 256 KB', async () => {
    // Prepare
    const delivery = await open();
    const seqs = await sendAll(
      delivery,
      [1, 2, 3, 4, 5].map((n) => report(n, 'x'.repeat(100 * 1024))),
    );

    // Act
    delivery.start();
    await eventually(() => sink.accepted.length === 5, 'all 5 events on the bus');

    // Assess
    const callSizes = sink.calls.map((call) => call.reduce((sum, entry) => sum + entrySize(entry), 0));
    expect(callSizes.every((size) => size < PUT_EVENTS_LIMITS.maxBytes)).toBe(true);
    expect(sink.calls.map((call) => call.length)).toEqual([2, 2, 1]);
    expect(sink.accepted.map(seqOf)).toEqual(seqs);
  });

  it('sends a report at once, and reports made meanwhile together in the next call', async () => {
    // Prepare
    const firstCall = deferred<void>();
    sink.answer = async (entries, call) => {
      if (call === 1) await firstCall.promise;
      return accept(entries);
    };
    const delivery = await open();
    delivery.start();

    // Act
    await delivery.send(report(1));
    await eventually(() => sink.calls.length === 1, 'the first call');
    await sendAll(delivery, range(12, 2));
    firstCall.resolve();
    await eventually(() => sink.accepted.length === 13, 'all 13 events on the bus');

    // Assess
    expect(sink.calls.map((call) => call.length)).toEqual([1, 10, 2]);
  });

  it('retries only the entries that failed, ahead of newer events', async () => {
    // Prepare
    const firstCall = deferred<void>();
    sink.answer = async (entries, call) => {
      if (call > 1) return accept(entries);
      await firstCall.promise;
      return entries.map(
        (_, i): EntryResult =>
          i % 2 === 1
            ? { status: 'failed', code: 'ThrottlingException', message: 'Rate exceeded', retryable: true }
            : { status: 'accepted' },
      );
    };
    const delivery = await open();
    const seqs = await sendAll(delivery, range(5));
    delivery.start();
    await eventually(() => sink.calls.length === 1, 'the first call');

    // Act
    const newer = await delivery.send(report(6));
    firstCall.resolve();
    await eventually(() => sink.accepted.length === 6, 'all 6 events on the bus');

    // Assess
    expect(sink.calls.map((call) => call.map(seqOf))).toEqual([seqs, [seqs[1], seqs[3], newer]]);
    expect(sink.accepted.map(seqOf).sort((a, b) => a - b)).toEqual([...seqs, newer]);
    expect(delivery.stats).toMatchObject({ pending: 0, sent: 6, retried: 2, rejected: 0 });
    expect(delivery.stats.lastError).toMatch(/ThrottlingException/);
  });

  it('sets aside an entry the bus refuses for good, with the reason, and delivers the others', async () => {
    // Prepare
    sink.answer = (entries) =>
      entries.map(
        (entry, i): EntryResult =>
          i === 1
            ? { status: 'failed', code: 'MalformedDetail', message: 'Detail is malformed.', retryable: false }
            : { status: 'accepted' },
      );
    const delivery = await open();
    const seqs = await sendAll(delivery, range(3));

    // Act
    delivery.start();
    await eventually(async () => (await eventFiles(dir)).length === 0, 'an empty spool');

    // Assess
    const refused = spoolFileName(seqs[1] as number);
    expect(sink.calls).toHaveLength(1);
    expect(sink.accepted.map(seqOf)).toEqual([seqs[0], seqs[2]]);
    expect(JSON.parse(await readFile(join(dir, 'rejected', refused), 'utf8'))).toMatchObject({
      detail: { seq: seqs[1], message: '#2' },
    });
    expect(await readFile(join(dir, 'rejected', `${refused}.reason`), 'utf8')).toMatch(/MalformedDetail/);
    expect(delivery.stats).toMatchObject({ pending: 0, sent: 2, rejected: 1 });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', extra: expect.objectContaining({ seq: seqs[1] }) }),
    );
  });

  it('sets aside a report over 256 KB instead of letting it block the ones after it', async () => {
    // Prepare
    const delivery = await open();
    delivery.start();

    // Act
    const [big, small] = await sendAll(delivery, [report(1, 'x'.repeat(300 * 1024)), report(2)]);
    await eventually(() => sink.accepted.length === 1, 'the small event on the bus');
    await eventually(() => existsSync(join(dir, 'rejected', `${spoolFileName(big as number)}.reason`)), 'the reason');

    // Assess
    expect(sink.calls.flat().map(seqOf)).toEqual([small]);
    expect(await readFile(join(dir, 'rejected', `${spoolFileName(big as number)}.reason`), 'utf8')).toMatch(/bytes/);
    expect(await eventFiles(join(dir, 'rejected'))).toEqual([spoolFileName(big as number)]);
  });

  it('keeps events in the spool while the bus is down, and delivers each once when it is back', async () => {
    // Prepare: the real adapter, over the wire
    const bus = await FakeEventBus.start();
    const client = collectorEventBridgeClient(
      { region: 'us-east-1', endpoint: bus.endpoint },
      { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } },
    );
    try {
      bus.behave(() => INTERNAL_ERROR);
      const delivery = await open({ sink: new EventBridgeSink(client) });
      delivery.start();

      // Act
      const seqs = await sendAll(delivery, range(3));
      await eventually(() => bus.calls.length >= 3, 'several failed calls');
      const spooledWhileDown = await eventFiles(dir);
      const statsWhileDown = delivery.stats;
      bus.behave(() => ACCEPT);
      await eventually(() => bus.accepted.length === 3, 'all 3 events on the bus');
      await eventually(async () => (await eventFiles(dir)).length === 0, 'an empty spool');

      // Assess
      expect(spooledWhileDown).toEqual(seqs.map(spoolFileName));
      expect(statsWhileDown).toMatchObject({ pending: 3, sent: 0, lastError: expect.stringMatching(/oops/) });
      expect(bus.accepted.map(seqOf)).toEqual(seqs);
      expect(delivery.stats).toMatchObject({ pending: 0, sent: 3 });
    } finally {
      await Promise.all(opened.splice(0).map((delivery) => delivery.stop()));
      client.destroy();
      await bus.stop();
    }
  });

  it('abandons a call the bus does not answer, and retries it', async () => {
    // Prepare
    sink.answer = (entries, call) => (call === 1 ? new Promise<never>(() => undefined) : accept(entries));
    const delivery = await open({ callTimeoutMs: 20 });
    delivery.start();

    // Act
    const seq = await delivery.send(report(1));
    await eventually(() => sink.accepted.length === 1, 'the event on the bus');

    // Assess
    expect(sink.calls.map((call) => call.map(seqOf))).toEqual([[seq], [seq]]);
    expect(delivery.stats).toMatchObject({ sent: 1, retried: 1, lastError: expect.stringMatching(/no answer/) });
  });

  it('on reopening, resends what the previous run left unsent, in seq order, with the same seq and detail', async () => {
    // Prepare: a first run whose bus is down
    sink.answer = () => Promise.reject(new Error('bus down'));
    const first = await open();
    first.start();
    const seqs = await sendAll(first, range(4));
    await eventually(() => seqs.every((seq) => sink.calls.flat().some((e) => seqOf(e) === seq)), 'an attempt at each');
    await first.stop();
    const attempted = new Map(sink.calls.flat().map((entry) => [seqOf(entry), entry.detail]));
    sink = new FakeSink();

    // Act
    const second = await open();
    second.start();
    const later = await second.send(report(5));
    await eventually(() => sink.accepted.length === 5, 'all 5 events on the bus');

    // Assess
    expect(sink.accepted.map(seqOf)).toEqual([...seqs, later]);
    for (const entry of sink.accepted.slice(0, 4)) {
      expect(entry.detail).toBe(attempted.get(seqOf(entry)));
    }
    expect(later).toBeGreaterThan(Math.max(...seqs));
  });

  it('never reuses a seq after a run that ended without a stop', async () => {
    // Prepare
    const first = await open();
    const before = await sendAll(first, range(3));

    // Act
    const after = await (await open()).send(report(4));

    // Assess
    expect(after).toBeGreaterThan(Math.max(...before));
  });

  it('never reuses a seq after a run that delivered everything and left the spool empty', async () => {
    // Prepare
    const first = await open();
    first.start();
    const before = await sendAll(first, range(3));
    await eventually(async () => (await eventFiles(dir)).length === 0, 'an empty spool');
    await first.stop();

    // Act
    const after = await (await open()).send(report(4));

    // Assess
    expect(after).toBeGreaterThan(Math.max(...before));
  });

  it('moves a corrupt spool file aside to rejected/ with a log line, and delivers the rest', async () => {
    // Prepare
    const seqs = await sendAll(await open(), range(3));
    const corrupt = spoolFileName(seqs[1] as number);
    const content = await readFile(join(dir, corrupt), 'utf8');
    await writeFile(join(dir, corrupt), content.slice(0, content.length / 2));

    // Act
    const second = await open();
    second.start();
    const later = await second.send(report(4));
    await eventually(() => sink.accepted.length === 3, 'the intact events on the bus');

    // Assess
    expect(sink.accepted.map(seqOf)).toEqual([seqs[0], seqs[2], later]);
    expect(await readFile(join(dir, 'rejected', corrupt), 'utf8')).toBe(content.slice(0, content.length / 2));
    expect(await readFile(join(dir, 'rejected', `${corrupt}.reason`), 'utf8')).toMatch(/unreadable/);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        extra: expect.objectContaining({ file: join(dir, 'rejected', corrupt) }),
      }),
    );
  });

  it('drops a half-written file left by a crash: that event was never spooled, so never sent', async () => {
    // Prepare
    await writeFile(join(dir, `${spoolFileName(41)}.tmp`), '{"detailType":"hardware.ev');

    // Act
    const delivery = await open();
    delivery.start();
    const seq = await delivery.send(report(1));
    await eventually(() => sink.accepted.length === 1, 'the event on the bus');

    // Assess
    expect(sink.calls.flat().map(seqOf)).toEqual([seq]);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('on stop, waits for the call in flight to be answered', async () => {
    // Prepare
    const call = deferred<void>();
    sink.answer = async (entries) => {
      await call.promise;
      return accept(entries);
    };
    const delivery = await open();
    delivery.start();
    await delivery.send(report(1));
    await eventually(() => sink.calls.length === 1, 'the call');

    // Act
    const stopped = delivery.stop();
    call.resolve();
    await stopped;

    // Assess
    expect(sink.accepted).toHaveLength(1);
    expect(await eventFiles(dir)).toEqual([]);
  });

  it('on stop, abandons a call still unanswered after stopTimeoutMs and keeps its events spooled', async () => {
    // Prepare
    sink.answer = () => new Promise<never>(() => undefined);
    const delivery = await open({ stopTimeoutMs: 20 });
    delivery.start();
    const seq = await delivery.send(report(1));
    await eventually(() => sink.calls.length === 1, 'the call');

    // Act
    await delivery.stop();

    // Assess
    expect(await eventFiles(dir)).toEqual([spoolFileName(seq)]);
    expect(delivery.stats).toMatchObject({ pending: 1, sent: 0 });
  });
});

describe('Collector delivery across a kill -9', () => {
  const REPO = join(__dirname, '../../..');
  let dir: string;
  let bus: FakeEventBus;
  const children: { child: ChildProcess; exited: Promise<void> }[] = [];

  /** A TypeScript entry point as a child process (`node --import tsx`), with test credentials. */
  function startChild(script: string, args: string[], env: Record<string, string> = {}) {
    let output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: REPO,
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    children.push({ child, exited });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, exited, output: () => output };
  }

  /** The driver: sends `count` reports at once; `spooled()` lists the seqs it printed as spooled. */
  function startDriver(run: string, count: number) {
    const started = startChild(join(__dirname, '../../support/collector-delivery-driver.ts'), [], {
      SPOOL_DIR: dir,
      BUS_ENDPOINT: bus.endpoint,
      RUN: run,
      COUNT: String(count),
    });
    const spooled = () => [...started.output().matchAll(/^spooled (\d+)$/gm)].map((match) => Number(match[1]));
    return { ...started, spooled };
  }

  /** The real daemon, nfvi-collector, with only its heartbeat on, beating every 5 ms. */
  async function startDaemon() {
    const config = join(dir, '..', `${basename(dir)}.json`);
    await writeFile(
      config,
      JSON.stringify({
        host: HOST,
        collectorId: COLLECTOR,
        bus: { name: BUS, region: 'us-east-1', endpoint: bus.endpoint },
        spool: { dir, fsync: false },
        heartbeat: { intervalS: 0.005 },
      }),
    );
    return startChild(join(REPO, 'lib/products/nfvi-collector/main.ts'), ['--config', config]);
  }

  const spooledSeqs = async () => (await eventFiles(dir)).map((name) => Number.parseInt(name, 10));

  /** Every copy the bus received of a seq carries the same detail-type and detail. */
  function expectOneDetailPerSeq(): void {
    const copies = new Map<number, Set<string>>();
    for (const entry of bus.received)
      copies.set(seqOf(entry), (copies.get(seqOf(entry)) ?? new Set()).add(`${entry.DetailType} ${entry.Detail}`));
    expect([...copies.values()].filter((details) => details.size > 1)).toEqual([]);
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nfvi-spool-kill-'));
    bus = await FakeEventBus.start();
  });

  afterEach(async () => {
    await Promise.all(
      children.splice(0).map(({ child, exited }) => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        return exited;
      }),
    );
    await bus.stop();
    await rm(`${dir}.json`, { force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it('kill the daemon mid-batch, restart it: every event arrives, once per seq', async () => {
    // Prepare: the bus answers the first call, then stalls in the middle of the next batch
    bus.behave((call) => (call.index === 1 ? ACCEPT : STALL));
    const first = startDriver('first', 40);
    await eventually(
      () => bus.stalledCalls >= 1,
      () => `a stalled call (driver: ${first.output()})`,
    );

    // Act: kill -9, then restart on the same spool with the bus answering again
    first.child.kill('SIGKILL');
    await first.exited;
    const spooledBeforeKill = first.spooled();
    const stalledBatch = (bus.calls[1]?.entries ?? []).map(seqOf);
    const seenBeforeKill = bus.received.map(seqOf);
    bus.behave(() => ACCEPT);
    const second = startDriver('second', 5);
    const acceptedSeqs = () => new Set(bus.accepted.map(seqOf));
    await eventually(
      () =>
        second.spooled().length === 5 &&
        [...spooledBeforeKill, ...second.spooled()].every((seq) => acceptedSeqs().has(seq)),
      () => `every spooled event on the bus (driver: ${second.output()})`,
    );
    await eventually(async () => (await spooledSeqs()).length === 0, 'an empty spool');

    // Assess: every event spooled before the kill arrived, the stalled batch included
    expect(spooledBeforeKill.length).toBeGreaterThan(0);
    expect(stalledBatch.length).toBeGreaterThan(0);
    expect(stalledBatch.every((seq) => spooledBeforeKill.includes(seq))).toBe(true);
    expect(spooledBeforeKill.filter((seq) => !acceptedSeqs().has(seq))).toEqual([]);
    // the stalled batch went out twice, each copy with the same seq and detail: the correlator drops one
    expect(stalledBatch.every((seq) => bus.received.filter((entry) => seqOf(entry) === seq).length >= 2)).toBe(true);
    expectOneDetailPerSeq();
    // no seq is reused: the restarted daemon's events come above everything the first one issued
    expect(Math.min(...second.spooled())).toBeGreaterThan(Math.max(...spooledBeforeKill, ...seenBeforeKill));
    for (const entry of bus.accepted) {
      const run = second.spooled().includes(seqOf(entry)) ? 'second' : 'first';
      expect(detailOf(entry)).toMatchObject({ message: expect.stringMatching(new RegExp(`^${run} #`)) });
    }
  });

  it('the real nfvi-collector, killed mid-batch and restarted: every spooled heartbeat arrives, once per seq', async () => {
    // Prepare: the bus answers the first call, then stalls while heartbeats pile up in the spool
    bus.behave((call) => (call.index === 1 ? ACCEPT : STALL));
    const first = await startDaemon();
    await eventually(
      async () => bus.stalledCalls >= 1 && (await spooledSeqs()).length >= 20,
      () => `a stalled call and a backlog (daemon: ${first.output()})`,
    );

    // Act: kill -9; what was spooled is what the bus accepted plus what is left in the spool
    first.child.kill('SIGKILL');
    await first.exited;
    const spooledBeforeKill = [...new Set([...bus.accepted.map(seqOf), ...(await spooledSeqs())])];
    const stalledBatch = (bus.calls[1]?.entries ?? []).map(seqOf);
    const firstRun = new Set([...spooledBeforeKill, ...bus.received.map(seqOf)]);
    const highestOfFirstRun = Math.max(...firstRun);
    bus.behave(() => ACCEPT);
    const second = await startDaemon();
    const acceptedSeqs = () => new Set(bus.accepted.map(seqOf));
    await eventually(
      () =>
        spooledBeforeKill.every((seq) => acceptedSeqs().has(seq)) &&
        [...acceptedSeqs()].some((seq) => seq > highestOfFirstRun),
      () => `the backlog and a new heartbeat on the bus (daemon: ${second.output()})`,
    );

    // Assess
    expect(stalledBatch.length).toBeGreaterThan(0);
    expect(stalledBatch.every((seq) => spooledBeforeKill.includes(seq))).toBe(true);
    expectOneDetailPerSeq();
    const newSeqs = bus.received.map(seqOf).filter((seq) => !firstRun.has(seq));
    expect(newSeqs.length).toBeGreaterThan(0);
    expect(newSeqs.filter((seq) => seq <= highestOfFirstRun)).toEqual([]);
    expect(detailOf(bus.accepted[0] as ReceivedEntry)).toMatchObject({
      host: HOST,
      collectorId: COLLECTOR,
      bootId: expect.any(String),
    });
  });
});
