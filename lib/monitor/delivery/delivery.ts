import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { COLLECTOR_SOURCE } from '../../contracts/bus-events';
import { planBatches } from '../../platform/batch-plan';
import { fullJitter } from '../../platform/full-jitter';
import type { Report } from '../report';
import { entrySize, PUT_EVENTS_LIMITS } from './batches';
import type { BusEntry, DeliveryLogger, EntryResult, EventSink } from './ports';
import { SeqAllocator } from './seq';
import { Spool, type SpooledEvent } from './spool';

export type { BusEntry, DeliveryLogger, EntryResult, EventSink } from './ports';

/** The seq high-water mark, kept beside the events it numbers. */
export const SEQ_STATE_FILE = 'seq-state.json';

export interface DeliveryOptions {
  host: string;
  collectorId: string;
  busName: string;
  spoolDir: string;
  /** fsync each spooled event: survives power loss, not only a crash of the daemon. */
  fsync: boolean;
  sink: EventSink;
  logger: DeliveryLogger;
  /** Backoff after a failed call: full jitter, doubling from baseMs, capped at maxMs. */
  retry?: { baseMs: number; maxMs: number };
  /** A call the bus has not answered within this is abandoned and its entries retried. */
  callTimeoutMs?: number;
  /** How long stop() waits for a call in flight before abandoning it. */
  stopTimeoutMs?: number;
}

export interface DeliveryStats {
  /** Stamped and not yet accepted by the bus or set aside. */
  pending: number;
  sent: number;
  /** Entries that failed in a way worth retrying, counted per attempt. */
  retried: number;
  /** Entries set aside in the spool's rejected/ directory. */
  rejected: number;
  lastError?: string;
}

interface Entry {
  event: SpooledEvent;
  bus: BusEntry;
  size: number;
  /** Spooled (or its write failed, so it exists in memory only): it may be sent. */
  ready: boolean;
}

const DEFAULTS = { retry: { baseMs: 100, maxMs: 30_000 }, callTimeoutMs: 3000, stopTimeoutMs: 2000 };

/**
 * Everything between a source's report and the bus. Primary course:
 * 1. send() stamps the report with host, collectorId and the next seq, and spools it;
 * 2. the sender loop puts spooled events on the bus in seq order, as soon as they exist,
 *    up to PutEvents' limits per call, one call at a time;
 * 3. an accepted event leaves the spool; one the bus will never take is set aside in rejected/;
 *    the rest are retried first, after a backoff, ahead of newer events.
 * On open, whatever a previous run left in the spool is sent again, in seq order, under its seq.
 */
export class Delivery {
  private readonly queue: Entry[] = [];
  private readonly io = new Set<Promise<unknown>>();
  private readonly counters = { sent: 0, retried: 0, rejected: 0 };
  private readonly retry: { baseMs: number; maxMs: number };
  private lastError: string | undefined;
  private failures = 0;
  private loop: Promise<void> | undefined;
  private stopping = new AbortController();
  private inFlight: AbortController | undefined;
  private wake: (() => void) | undefined;

  private constructor(
    private readonly options: DeliveryOptions,
    private readonly spool: Spool,
    private readonly seqs: SeqAllocator,
  ) {
    this.retry = options.retry ?? DEFAULTS.retry;
  }

  static async open(options: DeliveryOptions): Promise<Delivery> {
    const { spool, recovered, highestSeq } = await Spool.open(options.spoolDir, options.fsync, options.logger);
    const seqs = SeqAllocator.open({
      file: join(options.spoolDir, SEQ_STATE_FILE),
      floor: highestSeq === undefined ? 0 : highestSeq + 1,
      logger: options.logger,
    });
    const delivery = new Delivery(options, spool, seqs);
    for (const event of recovered) delivery.queue.push(delivery.entryOf(event, true));
    options.logger.info('delivery opened', { spoolDir: options.spoolDir, recovered: recovered.length });
    return delivery;
  }

  /** Stamps and spools the report; resolves with its seq once spooled. Never fails on bus trouble. */
  async send(report: Report): Promise<number> {
    const seq = this.seqs.allocate();
    const envelope = { host: this.options.host, collectorId: this.options.collectorId, seq };
    // The envelope leads the JSON, and is spread last too, so that no report can overwrite it.
    const event: SpooledEvent = {
      detailType: report.detailType,
      detail: { ...envelope, ...report.detail, ...envelope },
    };
    const entry = this.entryOf(event, false);
    // Queued at once, so it keeps its place in seq order while it is written.
    this.queue.push(entry);
    await this.track(
      this.spool
        .write(event)
        .catch((error: Error) =>
          this.options.logger.error('cannot spool an event: it is kept in memory only', { seq, error: error.message }),
        ),
    );
    entry.ready = true;
    this.notify();
    return seq;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    this.loop = this.run();
  }

  /** Stops the sender; a call in flight gets stopTimeoutMs to finish, then is abandoned (its events stay spooled). */
  async stop(): Promise<void> {
    const loop = this.loop;
    if (loop) {
      this.stopping.abort();
      this.notify();
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        loop.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), this.options.stopTimeoutMs ?? DEFAULTS.stopTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (gaveUp) this.inFlight?.abort(new Error('delivery stopped'));
      await loop;
      this.loop = undefined;
    }
    await Promise.allSettled([...this.io]);
  }

  get pending(): number {
    return this.queue.length;
  }

  get stats(): DeliveryStats {
    return {
      pending: this.queue.length,
      ...this.counters,
      ...(this.lastError !== undefined && { lastError: this.lastError }),
    };
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      const ready = this.readyHead();
      if (ready.length === 0) {
        await this.idle();
        continue;
      }
      const { batches, oversized } = planBatches(ready, (entry) => entry.size, PUT_EVENTS_LIMITS);
      for (const entry of oversized) {
        this.queue.splice(this.queue.indexOf(entry), 1);
        this.setAside(entry, `entry of ${entry.size} bytes; PutEvents takes less than ${PUT_EVENTS_LIMITS.maxBytes}`);
      }
      // With the oversized gone, the first batch is the head of the queue.
      const batch = batches[0];
      if (batch) await this.attempt(batch);
    }
  }

  /** The ready entries at the head of the queue, as many as one call could take. */
  private readyHead(): Entry[] {
    const head: Entry[] = [];
    for (const entry of this.queue) {
      if (!entry.ready || head.length === PUT_EVENTS_LIMITS.maxEntries) break;
      head.push(entry);
    }
    return head;
  }

  private async idle(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    // Lets writes completed in the same turn of the event loop join the batch; no timer involved.
    await new Promise((resolve) => setImmediate(resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async attempt(batch: Entry[]): Promise<void> {
    const outcome = await this.call(batch.map((entry) => entry.bus));
    if (outcome instanceof Error) {
      this.counters.retried += batch.length;
      return this.backOff(`${outcome.name}: ${outcome.message}`, batch.length);
    }
    const retry: Entry[] = [];
    let retryReason = '';
    batch.forEach((entry, index) => {
      const result = outcome[index] as EntryResult;
      if (result.status === 'accepted') {
        this.counters.sent++;
        void this.track(this.spool.remove(entry.event.detail.seq));
      } else if (result.retryable) {
        retry.push(entry);
        retryReason = `${result.code}: ${result.message}`;
      } else this.setAside(entry, `${result.code}: ${result.message}`);
    });
    this.queue.splice(0, batch.length, ...retry);
    if (retry.length > 0) {
      this.counters.retried += retry.length;
      return this.backOff(retryReason, retry.length);
    }
    if (this.failures > 0) this.options.logger.info('bus reachable again', { failedCalls: this.failures });
    this.failures = 0;
  }

  /** One PutEvents call, abandoned after callTimeoutMs; an Error when it failed as a whole. */
  private async call(entries: BusEntry[]): Promise<EntryResult[] | Error> {
    const controller = new AbortController();
    const timeoutMs = this.options.callTimeoutMs ?? DEFAULTS.callTimeoutMs;
    // Registered before the sink's own listener, so that the timeout is the reason given.
    const abandoned = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason)),
    );
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    this.inFlight = controller;
    try {
      const results = await Promise.race([this.options.sink.put(entries, controller.signal), abandoned]);
      if (results.length !== entries.length)
        return new Error(`the bus answered ${results.length} results for ${entries.length} entries`);
      return results;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    } finally {
      clearTimeout(timer);
      this.inFlight = undefined;
    }
  }

  private async backOff(reason: string, entries: number): Promise<void> {
    this.lastError = reason;
    if (this.stopping.signal.aborted) return;
    this.failures++;
    const { baseMs, maxMs } = this.retry;
    const delayMs = Math.round(fullJitter(this.failures, baseMs, maxMs));
    this.options.logger.warn('bus call failed; retrying', {
      error: reason,
      entries,
      failedCalls: this.failures,
      delayMs,
      pending: this.queue.length,
    });
    await sleep(delayMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
  }

  private setAside(entry: Entry, reason: string): void {
    this.counters.rejected++;
    this.options.logger.warn('event rejected: set aside', {
      seq: entry.event.detail.seq,
      detailType: entry.event.detailType,
      reason,
    });
    void this.track(this.spool.reject(entry.event, reason));
  }

  private entryOf(event: SpooledEvent, ready: boolean): Entry {
    const bus: BusEntry = {
      busName: this.options.busName,
      source: COLLECTOR_SOURCE,
      detailType: event.detailType,
      detail: JSON.stringify(event.detail),
      time: event.detail.observedAt,
    };
    return { event, bus, size: entrySize(bus), ready };
  }

  /** Keeps spool I/O in sight, so that stop() can wait for it. */
  private track<T>(promise: Promise<T>): Promise<T> {
    this.io.add(promise);
    const done = () => this.io.delete(promise);
    promise.then(done, done);
    return promise;
  }
}
