import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { DeliveryLogger } from './ports';

/** Seqs reserved per write of the state file: one fsync per this many events. */
export const SEQ_BLOCK = 1000;

/**
 * Without a readable state file (first start, spool wiped, host reprovisioned) the seqs start at
 * the clock in microseconds: above anything an earlier collector of the same id issued, unless
 * it averaged more than one event per microsecond. The correlator drops a lower seq as stale.
 */
const SEQ_PER_MS = 1000;

const seqState = z.object({ reserved: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) });

export interface SeqOptions {
  /** The state file: the high-water mark below which seqs may already have been issued. */
  file: string;
  /** The lowest seq that may be issued, e.g. one above every seq still in the spool. */
  floor: number;
  logger: DeliveryLogger;
  block?: number;
  /** Milliseconds since the epoch. */
  clock?: () => number;
}

/**
 * Issues a monotonic seq per collector that survives restarts, kill -9 included: before a seq
 * is issued, the state file durably reserves it (with the block after it), so a restart begins
 * above every seq the previous run could have used. Gaps across restarts are the price.
 */
export class SeqAllocator {
  private constructor(
    private readonly file: string,
    private readonly block: number,
    private readonly logger: DeliveryLogger,
    private next: number,
    private reserved: number,
  ) {}

  static open({ file, floor, logger, block = SEQ_BLOCK, clock = Date.now }: SeqOptions): SeqAllocator {
    const state = readState(file);
    let start: number;
    if (state.kind === 'ok') start = Math.max(state.reserved, floor);
    else {
      start = Math.max(floor, clock() * SEQ_PER_MS);
      if (state.kind === 'missing') logger.info('no seq state: seqs start at the clock', { file, start });
      else logger.error('unreadable seq state: seqs start at the clock', { file, start, reason: state.reason });
    }
    return new SeqAllocator(file, block, logger, start, start);
  }

  /** The next seq. Synchronous, so that seqs follow the order of the calls. */
  allocate(): number {
    if (this.next >= this.reserved) this.reserve(this.next + this.block);
    return this.next++;
  }

  private reserve(upTo: number): void {
    try {
      writeDurably(this.file, JSON.stringify({ reserved: upTo }));
      this.reserved = upTo;
    } catch (error) {
      // Reporting a fault matters more than the seq guarantee across a restart: keep counting
      // in memory and try to persist again at the next seq.
      this.logger.error('cannot persist the seq state', { file: this.file, error: (error as Error).message });
    }
  }
}

type State = { kind: 'ok'; reserved: number } | { kind: 'missing' } | { kind: 'corrupt'; reason: string };

function readState(file: string): State {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', reason: (error as Error).message };
  }
  try {
    const parsed = seqState.safeParse(JSON.parse(text));
    return parsed.success
      ? { kind: 'ok', reserved: parsed.data.reserved }
      : { kind: 'corrupt', reason: z.prettifyError(parsed.error) };
  } catch (error) {
    return { kind: 'corrupt', reason: (error as Error).message };
  }
}

/** tmp + fsync + rename + fsync of the directory: after a crash the file is the old or the new one. */
function writeDurably(file: string, data: string): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
