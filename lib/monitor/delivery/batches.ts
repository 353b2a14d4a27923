/** PutEvents' limits, and how a queue of entries is cut into calls that respect them. Pure. */

export interface PutEventsLimits {
  maxEntries: number;
  /** The entries of one call (and so any single entry) must total less than this. */
  maxBytes: number;
}

export const PUT_EVENTS_LIMITS: PutEventsLimits = { maxEntries: 10, maxBytes: 256 * 1024 };

export interface SizedFields {
  source: string;
  detailType: string;
  detail?: string;
  time?: string;
  resources?: readonly string[];
}

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/** An entry's size as EventBridge counts it: Time 14 bytes, then the UTF-8 bytes of the rest. */
export function entrySize(entry: SizedFields): number {
  let size = utf8(entry.source) + utf8(entry.detailType);
  if (entry.time !== undefined) size += 14;
  if (entry.detail !== undefined) size += utf8(entry.detail);
  for (const resource of entry.resources ?? []) size += utf8(resource);
  return size;
}

export interface BatchPlan<T> {
  /** Consecutive runs of the input, in its order, each one PutEvents call. */
  batches: T[][];
  /** Entries no call can carry; they must be set aside, not retried. */
  oversized: T[];
}

/** Cuts entries, in order, into as few calls as the limits allow without reordering them. */
export function planBatches<T>(
  entries: readonly T[],
  sizeOf: (entry: T) => number,
  limits: PutEventsLimits = PUT_EVENTS_LIMITS,
): BatchPlan<T> {
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
