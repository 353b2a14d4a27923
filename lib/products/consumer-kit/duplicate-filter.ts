/**
 * The ids of the most recent notifications, to drop the copies SNS's at-least-once delivery
 * (and nfvi-doctor's republishing, which keeps a notification's id) can bring. Bounded: past
 * `capacity` ids, the least recently seen is forgotten.
 */
export class DuplicateFilter {
  // A Set iterates in insertion order: the first entry is the least recently seen.
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  /** True when `id` was seen before; either way it is now the most recently seen. */
  seenBefore(id: string): boolean {
    const seen = this.seen.delete(id);
    this.seen.add(id);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value as string);
    return seen;
  }

  /** Forgets `id`, so that a redelivery is handled again (the first attempt failed). */
  forget(id: string): void {
    this.seen.delete(id);
  }
}
