import type { ClusterSnapshot } from '../planner/session-planner';
import type { Effect, Session } from '../session/session';

/** An effect a stored decision still has to carry out; ids are unique within the session. */
export interface OutboxEntry {
  id: string;
  effect: Effect;
}

export interface SessionRecord {
  session: Session;
  outbox: OutboxEntry[];
}

export class ConcurrentSessionUpdateError extends Error {
  constructor(sessionId: string) {
    super(`maintenance session ${sessionId} was changed concurrently`);
    this.name = 'ConcurrentSessionUpdateError';
  }
}

export interface SessionStore {
  load(sessionId: string): Promise<SessionRecord | undefined>;
  /** Throws ConcurrentSessionUpdateError unless the stored version is `expectedVersion` (undefined: new). */
  save(next: Session, expectedVersion: number | undefined, outbox: OutboxEntry[]): Promise<void>;
  /** Removes carried-out entries from the outbox. */
  settle(sessionId: string, done: string[]): Promise<void>;
  /** Sessions with a deadline passed, effects left or moves awaited. */
  due(now: Date): Promise<string[]>;
  /**
   * Takes the right to carry out the session's effects until `until`, unless another holder has
   * it (false): one runner at a time, so that effects are not carried out twice.
   */
  claim(sessionId: string, holder: string, now: Date, until: Date): Promise<boolean>;
  release(sessionId: string, holder: string): Promise<void>;
}

/** The cluster as the drain planner needs it, read when a session asks for its next step. */
export interface ClusterSource {
  snapshot(): Promise<ClusterSnapshot>;
}

/** Marks a host so that its faults cause no VIM fault actions. */
export interface MaintenanceMarks {
  setMaintenance(host: string, inMaintenance: boolean): Promise<void>;
}

/** Brings the fault correlator's inventory up to date with the VIM (instances moved off drained hosts). */
export interface InventoryRefresh {
  refresh(): Promise<void>;
}

/** Events the workflow puts on the bus: the operator's maintenance hook. */
export interface WorkflowBus {
  emit(event: { detailType: string; detail: unknown }): Promise<void>;
}
