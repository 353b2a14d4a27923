import { applyStep, initialState, planStep } from '../../../lib/maintenance/planner/drain-planner';
import type {
  Move,
  PlannerInput,
  PlannerState,
  StepDecision,
  WaitingHost,
} from '../../../lib/maintenance/planner/model';

export interface HostSchedule {
  drainStartedAt: number;
  maintenanceStartedAt?: number;
  doneAt?: number;
}

export interface Schedule {
  /** Every host to maintain was maintained; otherwise the planner got stuck, and `waiting` says why. */
  complete: boolean;
  /** When the last host was done, or when the planner got stuck. */
  makespan: number;
  /** Hosts to maintain that started draining. */
  hosts: Record<string, HostSchedule>;
  moves: Move[];
  waiting: WaitingHost[];
}

/**
 * Runs the planner over simulated time from time 0: every move takes its estimated duration and
 * every maintenance `maintenanceDuration`; the planner is asked again whenever something ends.
 */
export function simulate(input: PlannerInput): Schedule {
  let state = initialState(input);
  const hosts: Record<string, HostSchedule> = {};
  const moves: Move[] = [];
  const maintenanceEnds = new Map<string, number>();
  for (;;) {
    const decision = planStep(input, state);
    if (acts(decision)) {
      state = applyStep(state, decision);
      record(decision, hosts, moves, maintenanceEnds, input.maintenanceDuration);
      continue;
    }
    const next = Math.min(
      ...state.moves.flatMap((m) => [m.endsAt, m.recoveredAt]).filter((t) => t > state.now),
      ...maintenanceEnds.values(),
    );
    if (next === Infinity) {
      const complete = Object.values(state.phases).every((phase) => phase === 'DONE');
      // Groups may still be recovering after the last host is done; that is not maintenance time.
      const makespan = complete ? Math.max(0, ...Object.values(hosts).map((h) => h.doneAt ?? 0)) : state.now;
      return { complete, makespan, hosts, moves, waiting: decision.waiting };
    }
    state = at(state, next, maintenanceEnds);
  }
}

/** Fenix's way, for comparison: one host at a time, its instances moved one after the other. */
export function fenixBaseline(input: PlannerInput): Schedule {
  return simulate({ ...input, maxHostsAtOnce: 1, maxMovesAtOnce: 1 });
}

const acts = (d: StepDecision) => d.startDraining.length + d.moves.length + d.startMaintenance.length > 0;

function record(
  decision: StepDecision,
  hosts: Record<string, HostSchedule>,
  moves: Move[],
  maintenanceEnds: Map<string, number>,
  maintenanceDuration: number,
): void {
  const { now } = decision;
  for (const { host } of decision.startDraining) hosts[host] = { drainStartedAt: now };
  moves.push(...decision.moves);
  for (const host of decision.startMaintenance) {
    const schedule = hosts[host] as HostSchedule;
    schedule.maintenanceStartedAt = now;
    schedule.doneAt = now + maintenanceDuration;
    maintenanceEnds.set(host, schedule.doneAt);
  }
}

/** The state at `now`: maintenance that has ended is DONE, moves that no longer impact their group are dropped. */
function at(state: PlannerState, now: number, maintenanceEnds: Map<string, number>): PlannerState {
  const phases = { ...state.phases };
  for (const [host, end] of maintenanceEnds)
    if (end <= now) {
      phases[host] = 'DONE';
      maintenanceEnds.delete(host);
    }
  return { ...state, now, phases, moves: state.moves.filter((m) => now < m.recoveredAt) };
}
