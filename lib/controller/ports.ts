import type { FaultAction } from './fault-action';

export interface FaultActionStore {
  /** Records the fault's new state; 'not-newer' when this transition (or a later one) was already recorded. */
  record(action: Omit<FaultAction, 'appliedSeq' | 'attempts'>): Promise<'recorded' | 'not-newer'>;
  ofHost(host: string): Promise<FaultAction[]>;
  markApplied(host: string, completes: { faultKey: string; transitionSeq: number }[], at: Date): Promise<void>;
  markPending(host: string, faultKeys: string[], error: string, at: Date): Promise<void>;
  /** The VIM refused: keep its message for operators; no scheduled retry. */
  markFailed(host: string, faultKeys: string[], error: string, at: Date): Promise<void>;
  /** Hosts with a transition whose VIM actions have not completed. */
  pendingHosts(): Promise<string[]>;
}

export interface MaintenanceReader {
  inMaintenance(host: string): Promise<boolean>;
}

/** What the VIM adapter asks of the VIM (OpenStack: Nova and Neutron). */
export interface VimActions {
  forceDown(host: string, forcedDown: boolean): Promise<void>;
  /** Disables scheduling to a host whose failure is predicted, or enables it again if nfvi-doctor disabled it. */
  setPredictedFailure(host: string, predicted: boolean): Promise<void>;
  /** Returns the instances it could not reset, with the VIM's error. */
  resetToError(instanceIds: string[]): Promise<{ failed: { id: string; error: unknown }[] }>;
  setDataPlaneStatus(instanceIds: string[], status: 'ACTIVE' | 'DOWN'): Promise<void>;
}

/** Where the adapter reports what it did (Doctor's profiler points T03/T04 included). */
export interface VimActionReports {
  emit(event: { detailType: 'VimActionsApplied'; detail: unknown }): Promise<void>;
}
