import { type FaultEvent } from '../contracts/bus-events';
import type { HostInventory } from '../inventory/inventory';
import type { FaultRecord } from './fault-record';
import { type PeerVote } from './fault-signal';

/** Fault state, one record per host and fault key. */
export interface FaultStore {
  get(host: string, faultKey: string): Promise<FaultRecord | undefined>;
  /** Writes the record if nobody wrote since `expectedVersion` was read; throws ConcurrentUpdateError otherwise. */
  save(record: FaultRecord, expectedVersion: number | undefined): Promise<void>;
  /**
   * Takes over the publication of the record's last transition until `publishBy`, if its publisher's
   * time ran out and nobody took it over since (a conditional write): false when another invocation
   * published it or took it first. One publisher at a time: no notification id goes out twice.
   */
  claimPublication(record: FaultRecord, publishBy: string): Promise<boolean>;
  markPublished(host: string, faultKey: string, transitionSeq: number): Promise<void>;
  markPublishFailed(host: string, faultKey: string, transitionSeq: number): Promise<void>;
  markRecorded(host: string, faultKey: string, transitionSeq: number): Promise<void>;
  /** The faults whose `dueAt` has come: the sweeper's work. */
  due(now: Date): Promise<{ host: string; faultKey: string }[]>;
}

export class ConcurrentUpdateError extends Error {
  constructor(host: string, faultKey: string) {
    super(`fault ${faultKey} of host ${host} was changed concurrently`);
    this.name = 'ConcurrentUpdateError';
  }
}

export interface InventoryReader {
  hostInventory(host: string): Promise<HostInventory>;
}

/** The fault API's copy of each alarm, brought up to date with each transition (repeat-safe). */
export interface AlarmProjection {
  record(record: FaultRecord): Promise<void>;
}

export interface FaultEventPublisher {
  emit(event: FaultEvent): Promise<void>;
}

/** Observers' latest votes on their peers' reachability, one per observer and host. */
export interface PeerVoteStore {
  /** Keeps the vote unless the observer already gave this one (duplicate) or a newer one (stale). */
  put(vote: PeerVote): Promise<'stored' | 'duplicate' | 'stale'>;
  votes(host: string): Promise<PeerVote[]>;
}
