import { type FencingEvent } from '../contracts/bus-events';
import { type FaultRecord } from '../inspector/fault-record';
import { type PeerVote } from '../inspector/fault-signal';
import type { Bmc } from './bmc';
import { type FenceRecord } from './fencing';

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

/** The observers' latest votes on a host: fencing counts the quorum again at the moment of fencing. */
export interface PeerVoteReader {
  votes(host: string): Promise<PeerVote[]>;
}

/** Whether a host is in planned maintenance: the operator's, never fenced. */
export interface HostMaintenance {
  inMaintenance(host: string): Promise<boolean>;
}

/** The correlator's record of a host's fault (its host-down by the peers' quorum, for fencing). */
export interface FaultRecords {
  get(host: string, faultKey: string): Promise<FaultRecord | undefined>;
}

export interface FencingEvents {
  emit(event: FencingEvent): Promise<void>;
}
