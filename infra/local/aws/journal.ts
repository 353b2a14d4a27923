import { mkdirSync } from 'node:fs';
import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A durable append-only log of JSON records, one per line: what the local AWS services have
 * accepted and not yet finished, so that a crash of the emulator loses nothing it acknowledged,
 * as the services it stands for lose nothing. An append resolves once the record is on disk;
 * appends that arrive together share one fdatasync (group commit).
 */
export class Journal<R> {
  private queued: { line: string; done: () => void; failed: (error: unknown) => void }[] = [];
  private flushing = false;

  private constructor(
    private readonly file: string,
    private handle: FileHandle,
  ) {}

  /** Opens the journal and reads back what it holds; a line torn by a crash is dropped. */
  static async open<R>(file: string): Promise<{ journal: Journal<R>; records: R[] }> {
    mkdirSync(dirname(file), { recursive: true });
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const records: R[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line) as R);
      } catch {
        // The last write of a crashed process.
      }
    }
    return { journal: new Journal<R>(file, await open(file, 'a')), records };
  }

  append(record: R): Promise<void> {
    return new Promise((done, failed) => {
      this.queued.push({ line: `${JSON.stringify(record)}\n`, done, failed });
      if (!this.flushing) void this.flush();
    });
  }

  /** Replaces the journal with `records` (what is still open), atomically. */
  async rewrite(records: R[]): Promise<void> {
    while (this.flushing) await new Promise((r) => setImmediate(r));
    const temporary = `${this.file}.tmp`;
    const handle = await open(temporary, 'w');
    await handle.writeFile(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    await handle.datasync();
    await handle.close();
    await this.handle.close();
    await rename(temporary, this.file);
    this.handle = await open(this.file, 'a');
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((r) => setImmediate(r));
    await this.handle.close();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queued.length > 0) {
      const batch = this.queued;
      this.queued = [];
      try {
        await this.handle.write(batch.map((entry) => entry.line).join(''));
        await this.handle.datasync();
        for (const entry of batch) entry.done();
      } catch (error) {
        for (const entry of batch) entry.failed(error);
      }
    }
    this.flushing = false;
  }
}
