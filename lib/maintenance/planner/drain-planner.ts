import type {
  Move,
  PlannerGroup,
  PlannerHost,
  PlannerInput,
  PlannerInstance,
  PlannerState,
  StepDecision,
  WaitingHost,
} from './model';

/**
 * Drain planner: decides, from where the cluster is now, which hosts to start draining, which
 * instances to move where, and which empty hosts to maintain. Unlike Fenix, which drains one host
 * at a time, it drains every host the constraints allow at once:
 * - a host starts draining only when every instance on it has a target reserved on a host that is
 *   not draining or in maintenance, within that host's slots, anti_affinity_group and
 *   max_instances_per_host; reserving up front means a started drain can always finish;
 * - targets already maintained (or not to be maintained) come first, so an instance is moved twice
 *   only when there is no other room;
 * - a group member moves only while fewer than max_impacted_members of its group are impacted, a
 *   member counting as impacted from the start of its move until recovery_time after its end (so
 *   with max_impacted_members 1, the next member waits recovery_time, as Fenix does).
 * Every host or instance that has to wait gets a reason. Ties are broken by name: same state, same decision.
 */
export function planStep(input: PlannerInput, state: PlannerState): StepDecision {
  const cluster = indexOf(input);
  const { now } = state;
  const occupancy = new Occupancy(cluster, state);
  const waiting: WaitingHost[] = [];
  const phaseOf = (host: string) => state.phases[host];
  const busyHosts = Object.values(state.phases).filter((p) => p === 'DRAINING' || p === 'IN_MAINTENANCE').length;

  const startDraining: StepDecision['startDraining'] = [];
  const closed = new Set(input.hosts.filter((h) => !isTarget(phaseOf(h.name))).map((h) => h.name));
  const residents = residentsByHost(cluster, state);
  const pending = input.hosts
    .filter((h) => phaseOf(h.name) === 'PENDING')
    .map((h) => ({ host: h, residents: residents.get(h.name) ?? [] }))
    .sort((a, b) => loadOf(a.residents) - loadOf(b.residents) || byName(a.host, b.host));
  for (const { host, residents } of pending) {
    const reasons = ((): string[] => {
      if (input.maxHostsAtOnce !== undefined && busyHosts + startDraining.length >= input.maxHostsAtOnce)
        return [`at most ${input.maxHostsAtOnce} hosts draining or in maintenance at once`];
      const incoming = incomingOf(state, occupancy, host.name);
      if (incoming.length > 0) return incoming;
      closed.add(host.name);
      const reserved = occupancy.reserve(residents, closed);
      if ('reason' in reserved) {
        closed.delete(host.name);
        return [reserved.reason];
      }
      startDraining.push({ host: host.name, targets: reserved.targets });
      return [];
    })();
    if (reasons.length > 0) waiting.push({ host: host.name, phase: 'PENDING', reasons });
  }

  const targets: Record<string, string> = { ...state.targets };
  for (const started of startDraining) Object.assign(targets, started.targets);
  const draining = [
    ...input.hosts.filter((h) => phaseOf(h.name) === 'DRAINING').map((h) => h.name),
    ...startDraining.map((s) => s.host),
  ].map((host) => ({
    host,
    unmoved: Object.keys(targets)
      .filter((id) => state.placement[id] === host)
      .sort(),
  }));
  // Hosts closest to empty move first: they reach maintenance soonest.
  draining.sort((a, b) => a.unmoved.length - b.unmoved.length || a.host.localeCompare(b.host));

  const moves: Move[] = [];
  const impacts = state.moves.filter((m) => now < m.recoveredAt);
  const inFlight = () => impacts.filter((m) => now < m.endsAt).length;
  for (const { host, unmoved } of draining) {
    const reasons: string[] = [];
    for (const id of unmoved) {
      const instance = cluster.instance(id);
      const blocked = moveBlocker(input, cluster, instance, impacts, now, inFlight());
      if (blocked) {
        reasons.push(`instance ${id} waits: ${blocked}`);
        continue;
      }
      const to = targets[id] as string;
      const endsAt = now + moveDuration(input, instance);
      const group = instance.group_id === undefined ? undefined : cluster.group(instance.group_id);
      const move: Move = {
        instanceId: id,
        ...(group && { groupId: group.group_id }),
        type: instance.migration_type,
        from: host,
        to,
        startedAt: now,
        endsAt,
        recoveredAt: endsAt + (group?.recovery_time ?? 0),
      };
      moves.push(move);
      impacts.push(move);
    }
    if (reasons.length > 0) waiting.push({ host, phase: 'DRAINING', reasons });
  }

  const moved = new Set(moves.map((m) => m.instanceId));
  const occupied = new Set([
    ...Object.entries(state.placement)
      .filter(([id]) => !moved.has(id))
      .map(([, host]) => host),
    ...[...state.moves, ...moves].filter((m) => now < m.endsAt).map((m) => m.from),
  ]);
  const startMaintenance = draining
    .map(({ host }) => host)
    .filter((host) => !occupied.has(host))
    .sort();

  waiting.sort((a, b) => a.host.localeCompare(b.host));
  return { now, startDraining, moves, startMaintenance, waiting };
}

/** The state once a decision is carried out. A host in maintenance becomes DONE when the VIM says so. */
export function applyStep(state: PlannerState, decision: StepDecision): PlannerState {
  const phases = { ...state.phases };
  const targets = { ...state.targets };
  const placement = { ...state.placement };
  for (const { host, targets: reserved } of decision.startDraining) {
    phases[host] = 'DRAINING';
    Object.assign(targets, reserved);
  }
  for (const move of decision.moves) {
    placement[move.instanceId] = move.to;
    delete targets[move.instanceId];
  }
  for (const host of decision.startMaintenance) phases[host] = 'IN_MAINTENANCE';
  return { now: state.now, placement, phases, targets, moves: [...state.moves, ...decision.moves] };
}

/** Every instance where it is, every host to maintain still PENDING. */
export function initialState(input: PlannerInput, now = 0): PlannerState {
  return {
    now,
    placement: Object.fromEntries(input.instances.map((i) => [i.id, i.host])),
    phases: Object.fromEntries(input.hosts.filter((h) => h.maintain).map((h) => [h.name, 'PENDING' as const])),
    targets: {},
    moves: [],
  };
}

/** Lead time (notice to the VNF manager) plus the estimated move itself. */
export function moveDuration(input: PlannerInput, instance: PlannerInstance): number {
  return instance.lead_time + input.moveDurations[instance.migration_type];
}

/** Why an instance may not start its move now, or undefined if it may. */
function moveBlocker(
  input: PlannerInput,
  cluster: Cluster,
  instance: PlannerInstance,
  impacts: Move[],
  now: number,
  inFlight: number,
): string | undefined {
  if (input.maxMovesAtOnce !== undefined && inFlight >= input.maxMovesAtOnce)
    return `at most ${input.maxMovesAtOnce} moves at once`;
  if (instance.group_id === undefined) return undefined;
  const group = cluster.group(instance.group_id);
  const impacted = impacts.filter((m) => m.groupId === group.group_id);
  if (impacted.length < group.max_impacted_members) return undefined;
  if (impacted.every((m) => m.endsAt <= now)) {
    const until = Math.min(...impacted.map((m) => m.recoveredAt));
    return `recovery_time of group ${group.group_id} until ${until}`;
  }
  return `group ${group.group_id} already has ${impacted.length} of max ${group.max_impacted_members} impacted members`;
}

/** Why a pending host may not start draining yet: instances are still coming to it. */
function incomingOf(state: PlannerState, occupancy: Occupancy, host: string): string[] {
  const reserved = occupancy.reservedFor(host).map((id) => `receiving instance ${id} from host ${state.placement[id]}`);
  const arriving = state.moves
    .filter((m) => m.to === host && state.now < m.endsAt)
    .map((m) => `receiving instance ${m.instanceId} from host ${m.from} until ${m.endsAt}`);
  return [...reserved, ...arriving].sort();
}

const isTarget = (phase: string | undefined) => phase !== 'DRAINING' && phase !== 'IN_MAINTENANCE';
const byName = (a: PlannerHost, b: PlannerHost) => a.name.localeCompare(b.name);
const loadOf = (instances: PlannerInstance[]) => instances.reduce((sum, i) => sum + i.size, 0);

function residentsByHost(cluster: Cluster, state: PlannerState): Map<string, PlannerInstance[]> {
  const byHost = new Map<string, PlannerInstance[]>();
  for (const [id, host] of Object.entries(state.placement))
    byHost.set(host, [...(byHost.get(host) ?? []), cluster.instance(id)]);
  return byHost;
}

interface Cluster {
  hosts: Map<string, PlannerHost>;
  instance(id: string): PlannerInstance;
  group(id: string): PlannerGroup;
}

function indexOf(input: PlannerInput): Cluster {
  const hosts = new Map(input.hosts.map((h) => [h.name, h]));
  const instances = new Map(input.instances.map((i) => [i.id, i]));
  const groups = new Map(input.groups.map((g) => [g.group_id, g]));
  const known =
    <T>(items: Map<string, T>, kind: string) =>
    (id: string) => {
      const item = items.get(id);
      if (item === undefined) throw new Error(`the planner's state names ${kind} ${id}, which is not in its input`);
      return item;
    };
  return { hosts, instance: known(instances, 'instance'), group: known(groups, 'group') };
}

/**
 * What each host that may receive instances holds: instances on it, arriving, or reserved for it.
 * Reservations are tried on it and undone when a host's instances do not all fit.
 */
class Occupancy {
  private readonly load = new Map<string, number>();
  private readonly members = new Map<string, number>();
  private readonly reservations = new Map<string, string[]>();

  constructor(
    private readonly cluster: Cluster,
    private readonly state: PlannerState,
  ) {
    for (const id of Object.keys(state.placement)) {
      const reservedAt = state.targets[id];
      if (reservedAt === undefined) this.add(cluster.instance(id), state.placement[id] as string);
      else this.reserveAt(cluster.instance(id), reservedAt);
    }
  }

  reservedFor(host: string): string[] {
    return this.reservations.get(host) ?? [];
  }

  /** A target for each instance on hosts not closed, or why there is none (and then nothing changes). */
  reserve(instances: PlannerInstance[], closed: Set<string>): { targets: Record<string, string> } | { reason: string } {
    const targets: Record<string, string> = {};
    const undo = () => {
      for (const [id, host] of Object.entries(targets)) {
        this.add(this.cluster.instance(id), host, -1);
        this.reservations.set(
          host,
          this.reservedFor(host).filter((reserved) => reserved !== id),
        );
      }
    };
    // Members limited per host have the fewest choices, so they choose first; then largest first.
    const limited = (i: PlannerInstance) => (this.perHostLimit(i) < Infinity ? 0 : 1);
    const ordered = [...instances].sort(
      (a, b) => limited(a) - limited(b) || b.size - a.size || a.id.localeCompare(b.id),
    );
    const open = [...this.cluster.hosts.values()].filter((h) => !closed.has(h.name));
    for (const instance of ordered) {
      const withRoom = open.filter((h) => this.room(h) >= instance.size);
      const fitting = withRoom.filter((h) => this.groupAllows(instance, h.name));
      const best = fitting.sort((a, b) => this.preference(a, b))[0];
      if (!best) {
        undo();
        return { reason: this.whyNoTarget(instance, withRoom.length > 0) };
      }
      targets[instance.id] = best.name;
      this.reserveAt(instance, best.name);
    }
    return { targets };
  }

  /** Hosts already maintained (or not to be) first, then the fullest that fits, so whole hosts stay free. */
  private preference(a: PlannerHost, b: PlannerHost): number {
    const tier = (h: PlannerHost) => (this.state.phases[h.name] === 'PENDING' ? 1 : 0);
    return tier(a) - tier(b) || this.room(a) - this.room(b) || byName(a, b);
  }

  private whyNoTarget(instance: PlannerInstance, someRoom: boolean): string {
    if (!someRoom || instance.group_id === undefined)
      return `no room for instance ${instance.id} (size ${instance.size}) outside hosts draining or in maintenance`;
    const group = this.cluster.group(instance.group_id);
    return group.anti_affinity_group
      ? `anti-affinity of group ${group.group_id}: every host with room for instance ${instance.id} has a member`
      : `group ${group.group_id} allows ${group.max_instances_per_host} per host: every host with room for instance ${instance.id} has that many`;
  }

  private room(host: PlannerHost): number {
    return host.slots - (this.load.get(host.name) ?? 0);
  }

  private perHostLimit(instance: PlannerInstance): number {
    if (instance.group_id === undefined) return Infinity;
    const group = this.cluster.group(instance.group_id);
    return group.anti_affinity_group ? 1 : group.max_instances_per_host || Infinity;
  }

  private groupAllows(instance: PlannerInstance, host: string): boolean {
    return (this.members.get(`${host}\n${instance.group_id}`) ?? 0) < this.perHostLimit(instance);
  }

  private add(instance: PlannerInstance, host: string, sign = 1): void {
    this.load.set(host, (this.load.get(host) ?? 0) + sign * instance.size);
    if (instance.group_id === undefined) return;
    const key = `${host}\n${instance.group_id}`;
    this.members.set(key, (this.members.get(key) ?? 0) + sign);
  }

  private reserveAt(instance: PlannerInstance, host: string): void {
    this.add(instance, host);
    this.reservations.set(host, [...this.reservedFor(host), instance.id]);
  }
}
