import { faultCleared, faultConfirmed } from '../contracts/bus-events';
import { type Quarantine } from '../platform/quarantine';
import { planHost } from './fault-action';
import type { FaultActionStore, MaintenanceReader, VimActionReports, VimActions } from './ports';

export interface VimAdapterDeps {
  store: FaultActionStore;
  quarantine: Quarantine;
  maintenance: MaintenanceReader;
  vim: VimActions;
  reports: VimActionReports;
  /** Whether a predicted failure disables scheduling to its host (stage setting). */
  disableOnPrediction: boolean;
  /** Whether the VIM refused for good (a 4xx: a host it does not know), rather than failed for now. */
  permanent: (error: unknown) => boolean;
  clock: () => Date;
}

export interface HostOutcome {
  host: string;
  outcome: 'applied' | 'maintenance' | 'nothing-to-do' | 'pending' | 'failed';
  forcedDown?: boolean;
  /** Doctor's profiler points: T04 host marked down, T03 instances marked error. */
  forcedDownAt?: string;
  instancesErroredAt?: string;
  resetToError: number;
  error?: string;
}

export type FaultEventOutcome =
  | { outcome: 'rejected'; reason: string }
  | { outcome: 'no-vim-action' | 'duplicate' }
  | HostOutcome;

/**
 * Applies a FaultConfirmed / FaultCleared to the VIM. Primary course:
 * 1. read the event (a malformed one is quarantined with the reason, not retried);
 * 2. record the fault's new state for its host, unless this transition was seen already;
 * 3. plan the host's actions from all its faults and apply them: force-down first, then the
 *    instances to error in parallel, then port data plane status;
 * 4. mark the transitions applied and report them on the bus (VimActionsApplied); if the VIM
 *    did not answer, mark them pending for the scheduled retry; if it refused, mark them failed
 *    with its message (the next event of the host tries again).
 * A VIM failure is not thrown: the scheduled retry completes the work, and nothing here delays
 * the tenant notifications, which the correlator sent already.
 */
export async function applyFaultEvent(
  event: { 'detail-type': string; detail: unknown },
  deps: VimAdapterDeps,
): Promise<FaultEventOutcome> {
  const detailType = event['detail-type'];
  const confirmed = detailType === 'FaultConfirmed';
  const parsed = (confirmed ? faultConfirmed : faultCleared).safeParse(event.detail);
  if (!parsed.success || !['FaultConfirmed', 'FaultCleared'].includes(detailType)) {
    const reason = parsed.success ? `unknown detail-type ${detailType}` : parsed.error.message;
    await deps.quarantine.put({
      source: 'vim-adapter',
      reason,
      payload: event,
      receivedAt: deps.clock().toISOString(),
    });
    return { outcome: 'rejected', reason };
  }
  const fault = parsed.data;
  if (fault.impact === 'degraded') return { outcome: 'no-vim-action' };
  const recorded = await deps.store.record({
    host: fault.host,
    faultKey: fault.faultKey,
    impact: fault.impact,
    active: confirmed,
    transitionSeq: fault.transitionSeq,
    instances: fault.instances.map((i) => i.id),
  });
  if (recorded === 'not-newer') return { outcome: 'duplicate' };
  return reconcileHost(fault.host, deps);
}

/** The scheduled retry: completes every host whose VIM actions are pending. */
export async function retryPending(deps: VimAdapterDeps): Promise<HostOutcome[]> {
  const hosts = await deps.store.pendingHosts();
  return Promise.all(hosts.map((host) => reconcileHost(host, deps)));
}

export async function reconcileHost(host: string, deps: VimAdapterDeps): Promise<HostOutcome> {
  const [actions, inMaintenance] = await Promise.all([deps.store.ofHost(host), deps.maintenance.inMaintenance(host)]);
  const plan = planHost(host, actions, inMaintenance, { disableOnPrediction: deps.disableOnPrediction });
  if (plan.completes.length === 0) return { host, outcome: 'nothing-to-do', resetToError: 0 };
  const outcome: HostOutcome = {
    host,
    outcome: inMaintenance ? 'maintenance' : 'applied',
    resetToError: plan.resetToError.length,
  };
  try {
    if (plan.forceDown !== undefined) {
      await deps.vim.forceDown(host, plan.forceDown);
      outcome.forcedDown = plan.forceDown;
      outcome.forcedDownAt = deps.clock().toISOString();
    }
    if (plan.scheduling !== undefined) await deps.vim.setPredictedFailure(host, plan.scheduling === 'disable');
    if (plan.resetToError.length > 0) {
      const { failed } = await deps.vim.resetToError(plan.resetToError);
      if (failed.length > 0) throw failed[0]?.error;
      outcome.instancesErroredAt = deps.clock().toISOString();
    }
    for (const change of plan.dataPlane) await deps.vim.setDataPlaneStatus(change.instances, change.status);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const faultKeys = plan.completes.map((c) => c.faultKey);
    // A refusal (4xx: e.g. a host Nova does not know) will not change by retrying on a schedule.
    if (deps.permanent(error)) {
      await deps.store.markFailed(host, faultKeys, reason, deps.clock());
      return { ...outcome, outcome: 'failed', error: reason };
    }
    await deps.store.markPending(host, faultKeys, reason, deps.clock());
    return { ...outcome, outcome: 'pending', error: reason };
  }
  // Reported before it is marked applied: if the report fails, the redelivered event applies
  // (idempotently) and reports again instead of being taken for a duplicate.
  await deps.reports.emit({ detailType: 'VimActionsApplied', detail: outcome });
  await deps.store.markApplied(host, plan.completes, deps.clock());
  return outcome;
}
