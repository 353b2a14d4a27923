/** PutEvents' limits, and how EventBridge counts an entry against them. Pure. */
import type { BatchLimits } from '../../platform/batch-plan';

export const PUT_EVENTS_LIMITS: BatchLimits = { maxEntries: 10, maxBytes: 256 * 1024 };

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
