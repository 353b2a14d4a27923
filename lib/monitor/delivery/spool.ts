import { mkdir, open, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { DeliveryLogger } from './ports';

/** A stamped event as it is spooled: what goes on the bus, detail with host, collectorId and seq. */
export interface SpooledEvent {
  detailType: string;
  detail: { seq: number; observedAt: string } & Record<string, unknown>;
}

/** Wide enough for any safe integer, so that names sort as their seqs do. */
const SEQ_DIGITS = String(Number.MAX_SAFE_INTEGER).length;
const SPOOL_FILE = /^(\d+)\.json$/;
const TMP_SUFFIX = '.tmp';
export const REJECTED_DIR = 'rejected';

export const spoolFileName = (seq: number): string => `${String(seq).padStart(SEQ_DIGITS, '0')}.json`;

/** Enough to send a spooled event again; the contract itself is the correlator's business. */
const spooledEvent = z.object({
  detailType: z.string().min(1),
  detail: z.looseObject({
    seq: z.number().int().nonnegative(),
    observedAt: z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not a date'),
  }),
});

export interface OpenedSpool {
  spool: Spool;
  /** Everything a previous run left unsent, in seq order. */
  recovered: SpooledEvent[];
  /** The highest seq named in the spool, readable or not: later seqs must be above it. */
  highestSeq: number | undefined;
}

/**
 * One file per event, named by its zero-padded seq, written atomically (tmp + rename) before
 * the event is sent and removed once the bus accepted it. Files the bus can never take, or that
 * cannot be read back, are set aside in rejected/ with a .reason file beside them.
 */
export class Spool {
  private readonly rejectedDir: string;

  private constructor(
    private readonly dir: string,
    private readonly fsync: boolean,
    private readonly logger: DeliveryLogger,
  ) {
    this.rejectedDir = join(dir, REJECTED_DIR);
  }

  static async open(dir: string, fsync: boolean, logger: DeliveryLogger): Promise<OpenedSpool> {
    const spool = new Spool(dir, fsync, logger);
    await mkdir(spool.rejectedDir, { recursive: true });
    const names = (await readdir(dir)).sort();
    const recovered: SpooledEvent[] = [];
    let highestSeq: number | undefined;
    for (const name of names) {
      const seq = Number(SPOOL_FILE.exec(name.endsWith(TMP_SUFFIX) ? name.slice(0, -TMP_SUFFIX.length) : name)?.[1]);
      if (Number.isSafeInteger(seq)) highestSeq = Math.max(highestSeq ?? seq, seq);
      // A tmp file is a write the crash interrupted: its event was never spooled, so never sent.
      if (name.endsWith(TMP_SUFFIX)) await unlink(join(dir, name)).catch(() => undefined);
      else if (SPOOL_FILE.test(name)) {
        const event = await spool.readBack(name, seq);
        if (event) recovered.push(event);
      }
    }
    return { spool, recovered, highestSeq };
  }

  async write(event: SpooledEvent): Promise<void> {
    const name = spoolFileName(event.detail.seq);
    const tmp = join(this.dir, name + TMP_SUFFIX);
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(JSON.stringify(event));
      if (this.fsync) await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, join(this.dir, name));
    if (this.fsync) await this.syncDir();
  }

  /** After the bus accepted the event. A removal lost in a crash only means one more copy. */
  async remove(seq: number): Promise<void> {
    try {
      await unlink(join(this.dir, spoolFileName(seq)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.logger.error('cannot remove a sent event from the spool', { seq, error: (error as Error).message });
    }
  }

  /** Sets an event aside for good; it is written there if it never made it into the spool. */
  async reject(event: SpooledEvent, reason: string): Promise<void> {
    try {
      await this.setAside(spoolFileName(event.detail.seq), reason, JSON.stringify(event));
    } catch (error) {
      this.logger.error('cannot set a rejected event aside', {
        seq: event.detail.seq,
        error: (error as Error).message,
      });
    }
  }

  private async readBack(name: string, seq: number): Promise<SpooledEvent | undefined> {
    let reason: string;
    try {
      // The raw parse, not zod's output: key order must stay as sent, so a resent copy is identical.
      const raw: unknown = JSON.parse(await readFile(join(this.dir, name), 'utf8'));
      const parsed = spooledEvent.safeParse(raw);
      if (parsed.success && parsed.data.detail.seq === seq) return raw as SpooledEvent;
      reason = parsed.success
        ? `detail.seq ${parsed.data.detail.seq} differs from the file name`
        : z.prettifyError(parsed.error);
    } catch (error) {
      reason = (error as Error).message;
    }
    try {
      await this.setAside(name, `unreadable spool file: ${reason}`);
      this.logger.warn('unreadable spool file set aside', { file: join(this.rejectedDir, name), reason });
    } catch (error) {
      this.logger.error('unreadable spool file left in place', { file: name, reason, error: (error as Error).message });
    }
    return undefined;
  }

  private async setAside(name: string, reason: string, content?: string): Promise<void> {
    await writeFile(join(this.rejectedDir, `${name}.reason`), `${reason}\n`);
    try {
      await rename(join(this.dir, name), join(this.rejectedDir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || content === undefined) throw error;
      await writeFile(join(this.rejectedDir, name), content);
    }
  }

  /** Makes the rename itself durable, not only the file's content. */
  private async syncDir(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
