/** How an instance leaves a host being drained (OWN_ACTION: its VNF manager does it). */
export type MoveType = 'MIGRATE' | 'LIVE_MIGRATE';

export interface HostedInstance {
  id: string;
  name: string;
  projectId: string;
}

/** What draining a host asks of the VIM. */
export interface HostDrain {
  /** Takes the host out of scheduling, with the reason operators see on the compute service. */
  disable(host: string, reason: string): Promise<void>;
  enable(host: string): Promise<void>;
  instancesOn(host: string): Promise<HostedInstance[]>;
  /** Moves the instance off its host and resolves with the host it runs on afterwards. */
  move(instanceId: string, how: MoveType, targetHost?: string): Promise<string>;
}
