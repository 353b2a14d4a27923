import type { FaultRecord } from './fault-record';

/**
 * Flap damping at the correlator, for faults reported by monitors that do not damp themselves
 * (Doctor's, Vitrage's, Alertmanager's reports; collectors damp their links already). As route
 * flap damping does: every change of the reported state adds a penalty that decays with a
 * half-life; above `suppressAbove` the fault is flapping and held ACTIVE (a flapping resource is
 * a faulty one), so its clears are held while raises still go out at once; once the penalty has
 * decayed below `reuseBelow`, the held state is applied. So a flap episode notifies at most: the
 * raises and clears before the threshold, then the final clear.
 */
export interface FlapDamping {
  halfLifeS: number;
  penaltyPerChange: number;
  suppressAbove: number;
  reuseBelow: number;
  maxPenalty: number;
}

export const FLAP_DAMPING: FlapDamping = {
  halfLifeS: 15,
  penaltyPerChange: 1000,
  suppressAbove: 2500,
  reuseBelow: 750,
  maxPenalty: 6000,
};

export type FlapState = NonNullable<FaultRecord['flap']>;

const decayed = (state: FlapState, now: string, damping: FlapDamping) =>
  state.penalty * 0.5 ** (Math.max(0, Date.parse(now) - Date.parse(state.at)) / 1000 / damping.halfLifeS);

/** The damping state after a report of `active` at `now`. */
export function flapAfter(state: FlapState | undefined, active: boolean, now: string, damping: FlapDamping): FlapState {
  const previous = state ?? { penalty: 0, at: now, holding: false, observedActive: !active };
  const changed = previous.observedActive !== active;
  const penalty = Math.min(
    damping.maxPenalty,
    decayed(previous, now, damping) + (changed && state ? damping.penaltyPerChange : 0),
  );
  return { penalty, at: now, holding: holding(previous.holding, penalty, damping), observedActive: active };
}

/** The damping state at `now`, without a report (the sweeper's look). */
export function flapAt(state: FlapState, now: string, damping: FlapDamping): FlapState {
  const penalty = decayed(state, now, damping);
  return { ...state, penalty, at: now, holding: holding(state.holding, penalty, damping) };
}

const holding = (was: boolean, penalty: number, damping: FlapDamping) =>
  was ? penalty >= damping.reuseBelow : penalty > damping.suppressAbove;

/** When a held fault's penalty will have decayed below `reuseBelow`. */
export function releasedAt(state: FlapState, damping: FlapDamping): string {
  const seconds =
    state.penalty <= damping.reuseBelow ? 0 : damping.halfLifeS * Math.log2(state.penalty / damping.reuseBelow);
  return new Date(Date.parse(state.at) + Math.ceil(seconds * 1000) + 1).toISOString();
}
