import { faultCleared, faultConfirmed } from '../contracts/bus-events';
import { type Quarantine } from '../platform/quarantine';
import { forcedDownOf, planHost, type FaultAction } from './fault-action';
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
 * 2. read the host's faults and whether it is in maintenance (a transition seen already ends here);
 * 3. plan the host's actions from all its faults and apply them: the force-down, then at once all
 *    the instances to error (bounded by the VIM client's concurrency), then port data plane
 *    status. A confirmation is recorded beside the first VIM call, never in front of it; a clear,
 *    which gives the host back, is recorded first;
 * 4. read the host's faults again and force it down or up once more if a concurrent transition
 *    changed what it should be while this one acted;
 * 5. mark the transitions applied and report them on the bus (VimActionsApplied); if the VIM
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
  const transition = {
    host: fault.host,
    faultKey: fault.faultKey,
    impact: fault.impact,
    active: confirmed,
    transitionSeq: fault.transitionSeq,
    instances: fault.instances.map((i) => i.id),
  };
  const [actions, inMaintenance] = await Promise.all([
    deps.store.ofHost(fault.host),
    deps.maintenance.inMaintenance(fault.host),
  ]);
  const known = actions.find((a) => a.faultKey === fault.faultKey);
  if (known && known.transitionSeq >= fault.transitionSeq) return { outcome: 'duplicate' };
  const withTransition = [
    ...actions.filter((a) => a !== known),
    { ...transition, appliedSeq: known?.appliedSeq ?? 0, attempts: known?.attempts ?? 0 },
  ];
  if (!confirmed) {
    if ((await deps.store.record(transition)) === 'not-newer') return { outcome: 'duplicate' };
    return act(fault.host, withTransition, inMaintenance, deps, Promise.resolve('recorded'));
  }
  const recording = deps.store.record(transition);
  // Awaited only once the VIM calls are done: handled now, so that a failure meanwhile is not an
  // unhandled rejection (which would end the process); `act` still throws it when it awaits it.
  recording.catch(() => undefined);
  return act(fault.host, withTransition, inMaintenance, deps, recording);
}

/** The scheduled retry: completes every host whose VIM actions are pending. */
export async function retryPending(deps: VimAdapterDeps): Promise<HostOutcome[]> {
  const hosts = await deps.store.pendingHosts();
  return Promise.all(hosts.map((host) => reconcileHost(host, deps)));
}

export async function reconcileHost(host: string, deps: VimAdapterDeps): Promise<HostOutcome> {
  const [actions, inMaintenance] = await Promise.all([deps.store.ofHost(host), deps.maintenance.inMaintenance(host)]);
  return (await act(host, actions, inMaintenance, deps, Promise.resolve('recorded'))) as HostOutcome;
}

/**
 * Brings the host in line with its faults. `recording` is the transition's bookkeeping, running
 * beside the VIM calls: 'not-newer' means a concurrent delivery of it (or a newer one) recorded
 * first, and that invocation reports and marks it.
 */
async function act(
  host: string,
  actions: FaultAction[],
  inMaintenance: boolean,
  deps: VimAdapterDeps,
  recording: Promise<'recorded' | 'not-newer'>,
): Promise<HostOutcome | { outcome: 'duplicate' }> {
  const plan = planHost(host, actions, inMaintenance, { disableOnPrediction: deps.disableOnPrediction });
  if (plan.completes.length === 0) {
    await recording;
    return { host, outcome: 'nothing-to-do', resetToError: 0 };
  }
  const outcome: HostOutcome = {
    host,
    outcome: inMaintenance ? 'maintenance' : 'applied',
    resetToError: plan.resetToError.length,
  };
  const faultKeys = plan.completes.map((c) => c.faultKey);
  try {
    // The force-down alone first: sent beside the resets it waits behind them in a busy nova-api
    // (hundreds of ms), alone it takes tens, and the resets finish no later for starting after it.
    const hostMarked = (async () => {
      if (plan.forceDown !== undefined) {
        await deps.vim.forceDown(host, plan.forceDown);
        outcome.forcedDown = plan.forceDown;
        outcome.forcedDownAt = deps.clock().toISOString();
      }
    })();
    await Promise.all([
      hostMarked,
      plan.scheduling !== undefined && deps.vim.setPredictedFailure(host, plan.scheduling === 'disable'),
      plan.resetToError.length > 0 &&
        hostMarked.then(async () => {
          const { failed } = await deps.vim.resetToError(plan.resetToError);
          if (failed.length > 0) throw failed[0]?.error;
          outcome.instancesErroredAt = deps.clock().toISOString();
        }),
    ]);
    for (const change of plan.dataPlane) await deps.vim.setDataPlaneStatus(change.instances, change.status);
  } catch (error) {
    await recording;
    const reason = error instanceof Error ? error.message : String(error);
    // A refusal (4xx: e.g. a host Nova does not know) will not change by retrying on a schedule.
    if (deps.permanent(error)) {
      await deps.store.markFailed(host, faultKeys, reason, deps.clock());
      return { ...outcome, outcome: 'failed', error: reason };
    }
    await deps.store.markPending(host, faultKeys, reason, deps.clock());
    return { ...outcome, outcome: 'pending', error: reason };
  }
  const recorded = await recording;
  if (plan.forceDown !== undefined) await settleForcedDown(host, plan.forceDown, deps);
  if (recorded === 'not-newer') return { outcome: 'duplicate' };
  // Reported before it is marked applied: if the report fails, the redelivered event applies
  // (idempotently) and reports again instead of being taken for a duplicate.
  await deps.reports.emit({ detailType: 'VimActionsApplied', detail: outcome });
  await deps.store.markApplied(host, plan.completes, deps.clock());
  return outcome;
}

/**
 * Two transitions of one host acting at once (a fault cleared as another is confirmed) may land
 * their force-down calls in either order: the host's faults as they are now decide it once more.
 */
async function settleForcedDown(host: string, setTo: boolean, deps: VimAdapterDeps): Promise<void> {
  const now = forcedDownOf(await deps.store.ofHost(host));
  if (now !== undefined && now !== setTo) await deps.vim.forceDown(host, now);
}
