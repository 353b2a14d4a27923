/** How an instance leaves a host being drained (OWN_ACTION: its VNF manager does it). */
export type MoveType = 'MIGRATE' | 'LIVE_MIGRATE';

export interface HostedInstance {
  id: string;
  name: string;
  projectId: string;
}

/** Where an instance being moved is, as the VIM reports it. */
export type MoveProgress = { kind: 'moving' } | { kind: 'done'; host: string } | { kind: 'failed'; reason: string };

/**
 * What draining a host asks of the VIM. Moves are started and then followed, never awaited in
 * one call: a live migration may take longer than a function runs. Every call may be repeated.
 */
export interface HostDrain {
  /** Takes the host out of scheduling, with the reason operators see on the compute service. */
  disable(host: string, reason: string): Promise<void>;
  enable(host: string): Promise<void>;
  instancesOn(host: string): Promise<HostedInstance[]>;
  /** Starts moving the instance off `from` (to `to`, or where the VIM's scheduler chooses), unless it left or is on its way. */
  startMove(instanceId: string, how: MoveType, from: string, to?: string): Promise<void>;
  /** Where the move stands; confirms a cold migration that waits for it. */
  moveProgress(instanceId: string, from: string): Promise<MoveProgress>;
}
