import type { Bmc } from './bmc';
import type { FenceRecord, FencingEvent } from './fencing';

/** Fencing records, one per host, written with a conditional write on the version read. */
export interface FenceStore {
  get(host: string): Promise<FenceRecord | undefined>;
  /** Throws ConcurrentFencingError when the record changed since `expectedVersion`. */
  save(record: FenceRecord, expectedVersion: number | undefined): Promise<void>;
}

export class ConcurrentFencingError extends Error {
  constructor(host: string) {
    super(`the fencing record of host ${host} was changed concurrently`);
    this.name = 'ConcurrentFencingError';
  }
}

/** The BMC of each host, from the credentials in the secret store; undefined when none is configured. */
export type BmcDirectory = (host: string) => Bmc | undefined;

export interface FencingEvents {
  emit(event: FencingEvent): Promise<void>;
}
