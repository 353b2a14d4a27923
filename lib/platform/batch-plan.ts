/** How a list of entries is cut into the calls of a batch API (PutEvents, PublishBatch). Pure. */

export interface BatchLimits {
  maxEntries: number;
  /** The entries of one call (and so any single entry) must total less than this. */
  maxBytes: number;
}

export interface BatchPlan<T> {
  /** Consecutive runs of the input, in its order, each one call. */
  batches: T[][];
  /** Entries no call can carry; they must be set aside, not retried. */
  oversized: T[];
}

/** Cuts entries, in order, into as few calls as the limits allow without reordering them. */
export function planBatches<T>(entries: readonly T[], sizeOf: (entry: T) => number, limits: BatchLimits): BatchPlan<T> {
  const batches: T[][] = [];
  const oversized: T[] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = sizeOf(entry);
    if (size >= limits.maxBytes) {
      oversized.push(entry);
      continue;
    }
    if (current.length === limits.maxEntries || bytes + size >= limits.maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return { batches, oversized };
}
