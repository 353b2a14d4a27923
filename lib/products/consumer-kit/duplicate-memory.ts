import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuplicateFilter } from './duplicate-filter';

/**
 * Where the consumer remembers the notifications it handled, to drop the copies SNS's
 * at-least-once delivery brings. In memory by default; a FileDuplicateMemory survives a restart,
 * so that a delivery replayed after the VNF manager restarted is still recognised.
 */
export interface DuplicateMemory {
  /** True when `id` was handled before; either way it counts as handled from now on. */
  seenBefore(id: string): boolean;
  /** Forgets `id`, so that a redelivery is handled again (the first attempt failed). */
  forget(id: string): void;
}

export const inMemory = (capacity?: number): DuplicateMemory => new DuplicateFilter(capacity);

/**
 * Handled ids in an append-only file (`+<id> <epoch ms>`, `-<id>`), each line written before the
 * notification is handed over. Ids older than `keepS` are dropped when the file is opened: the
 * consumer refuses messages that old anyway.
 */
export class FileDuplicateMemory implements DuplicateMemory {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly file: string,
    private readonly keepS = 2 * 3600,
    private readonly clock: () => number = Date.now,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const oldest = this.clock() - keepS * 1000;
    for (const line of text.split('\n')) {
      if (line.startsWith('+')) {
        const [id, at] = line.slice(1).split(' ');
        if (id && Number(at) >= oldest) this.seen.set(id, Number(at));
      } else if (line.startsWith('-')) {
        this.seen.delete(line.slice(1));
      }
    }
    writeFileSync(file, [...this.seen].map(([id, at]) => `+${id} ${at}\n`).join(''));
  }

  seenBefore(id: string): boolean {
    if (this.seen.has(id)) return true;
    const at = this.clock();
    appendFileSync(this.file, `+${id} ${at}\n`);
    this.seen.set(id, at);
    return false;
  }

  forget(id: string): void {
    if (!this.seen.delete(id)) return;
    appendFileSync(this.file, `-${id}\n`);
  }
}
