import { type FenceRecord } from '../fencing/fencing';
import { type FaultRecord } from '../inspector/fault-record';
import type { Recovery } from './recovery';
import type { DeadHostInstance, ServerNow } from './recovery-decisions';
import type { TenantPolicy } from './recovery-policy';

export type RecoveryKey = { tenantId: string; recoveryId: string };

/** Recoveries, one item per tenant and death, written with a conditional write on the version read. */
export interface RecoveryStore {
  /** Creates it unless it exists already (a redelivered event). */
  create(recovery: Recovery): Promise<'created' | 'exists'>;
  get(key: RecoveryKey): Promise<Recovery | undefined>;
  /** Throws ConcurrentRecoveryError when it changed since `expectedVersion`. */
  save(recovery: Recovery, expectedVersion: number): Promise<void>;
  ofHost(host: string): Promise<Recovery[]>;
  /** Open recoveries whose wake time has passed. */
  due(now: Date): Promise<RecoveryKey[]>;
  ofTenant(tenantId: string): Promise<Recovery[]>;
}

export class ConcurrentRecoveryError extends Error {
  constructor(key: RecoveryKey) {
    super(`recovery ${key.recoveryId} of tenant ${key.tenantId} was changed concurrently`);
    this.name = 'ConcurrentRecoveryError';
  }
}

export interface RecoveryPolicyStore {
  get(tenantId: string): Promise<TenantPolicy | undefined>;
  many(tenantIds: string[]): Promise<Map<string, TenantPolicy>>;
  put(policy: TenantPolicy): Promise<void>;
}

/** What the recovery needs of the VIM (OpenStack Nova). */
export interface RecoveryVim {
  /** The instances Nova places on the host, with their owner and metadata. */
  instancesOn(host: string): Promise<DeadHostInstance[]>;
  server(id: string): Promise<ServerNow>;
  /** Rebuilds instances of a fenced host elsewhere; reports each instance Nova did not accept. */
  evacuate(host: string, instanceIds: string[]): Promise<ActionFailure[]>;
  /** Starts instances again on their host, back after its death. */
  restart(instanceIds: string[]): Promise<ActionFailure[]>;
}

export type ActionFailure = { instanceId: string; message: string; transient: boolean };

/** The fencer's record of a host (the latest death's fencing). */
export interface FenceRecords {
  get(host: string): Promise<FenceRecord | undefined>;
}

/** The correlator's record of a host's fault: its host-down by the peers' quorum, for the death and the return. */
export interface FaultRecords {
  get(host: string, faultKey: string): Promise<FaultRecord | undefined>;
}

/** What is known of the dead host, read afresh at every step (events only say when to look). */
export interface DeadHostFacts {
  fencedAt(host: string, hostAlarmId: string): Promise<string | undefined>;
  backAt(host: string, hostAlarmId: string): Promise<string | undefined>;
}
