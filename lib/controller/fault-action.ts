import type { FaultImpact } from '../contracts/fault-catalogue';

/**
 * What the VIM must reflect of one fault of one host, as the last FaultConfirmed/FaultCleared
 * said, and how far it got there: `appliedSeq` is the transition whose VIM actions completed.
 */
export interface FaultAction {
  host: string;
  faultKey: string;
  impact: FaultImpact;
  active: boolean;
  transitionSeq: number;
  instances: string[];
  appliedSeq: number;
  attempts: number;
  lastError?: string;
}

/** The VIM actions that bring a host in line with its faults. */
export interface HostPlan {
  host: string;
  /** Whether the nova-compute service must be forced down; undefined: leave it as it is. */
  forceDown: boolean | undefined;
  /**
   * Scheduling to the host while a failure is predicted there: 'disable' while any prediction is
   * active, 'enable' once none is (only undoing nfvi-doctor's own disabling); undefined: leave it.
   */
  scheduling: 'disable' | 'enable' | undefined;
  /** Instances to set to ERROR (Doctor: their host is gone). */
  resetToError: string[];
  /** Instances whose ports' data plane status changes. */
  dataPlane: { instances: string[]; status: 'ACTIVE' | 'DOWN' }[];
  /** The transitions this plan completes, to be marked applied once it succeeded. */
  completes: { faultKey: string; transitionSeq: number }[];
}

const unapplied = (a: FaultAction) => a.appliedSeq < a.transitionSeq;

/**
 * Whether the host's compute service should be forced down by its faults: while any host-impact
 * fault is active, so clearing one of two does not bring the host back; undefined when it has none.
 */
export function forcedDownOf(actions: FaultAction[]): boolean | undefined {
  const hostFaults = actions.filter((a) => a.impact === 'host');
  return hostFaults.length > 0 ? hostFaults.some((a) => a.active) : undefined;
}

/**
 * Plans a host's VIM actions from all its faults (pure). The compute service is forced down or
 * up as `forcedDownOf` says, when a host-impact transition is pending. Only transitions not yet applied cause instance or port actions. A host in
 * planned maintenance gets no fault actions at all; its transitions complete as they are.
 * A predicted failure changes the host's scheduling only when the stage asks for it.
 */
export function planHost(
  host: string,
  actions: FaultAction[],
  inMaintenance: boolean,
  options: { disableOnPrediction?: boolean } = {},
): HostPlan {
  const pending = actions.filter(unapplied);
  const completes = pending.map((a) => ({ faultKey: a.faultKey, transitionSeq: a.transitionSeq }));
  if (inMaintenance || pending.length === 0)
    return { host, forceDown: undefined, scheduling: undefined, resetToError: [], dataPlane: [], completes };
  const touchesService = pending.some((a) => a.impact === 'host');
  const nicDown = new Set(actions.filter((a) => a.impact === 'nic' && a.active).flatMap((a) => a.instances));
  const predictionChanged = options.disableOnPrediction === true && pending.some((a) => a.impact === 'predicted');
  const predicted = actions.some((a) => a.impact === 'predicted' && a.active);
  return {
    host,
    forceDown: touchesService ? forcedDownOf(actions) : undefined,
    scheduling: predictionChanged ? (predicted ? 'disable' : 'enable') : undefined,
    resetToError: [...new Set(pending.filter((a) => a.impact === 'host' && a.active).flatMap((a) => a.instances))],
    dataPlane: pending
      .filter((a) => a.impact === 'nic')
      .map((a) => ({
        // A cleared NIC fault gives back only the instances no other active NIC fault still holds down.
        instances: a.active ? a.instances : a.instances.filter((id) => !nicDown.has(id)),
        status: a.active ? ('DOWN' as const) : ('ACTIVE' as const),
      }))
      .filter((change) => change.instances.length > 0),
    completes,
  };
}
