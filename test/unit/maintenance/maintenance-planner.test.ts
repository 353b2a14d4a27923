import { applyStep, initialState, planStep } from '../../../lib/maintenance/planner/drain-planner';
import { plannerInput, type PlannerInput, type PlannerState } from '../../../lib/maintenance/planner/model';
import { makespanLowerBound } from '../../support/maintenance/lower-bound';
import { sampleCluster } from '../../support/maintenance/sample-cluster';
import { fenixBaseline, simulate, type Schedule } from '../../support/maintenance/simulate';

const D = 600;

/** A cluster from short specs: `vms` lists instances as `id` or `id:group`, LIVE_MIGRATE (10 s) unless told. */
function cluster(spec: {
  hosts: { name: string; slots: number; maintain?: boolean; vms?: string[] }[];
  groups?: {
    group_id: string;
    anti_affinity_group?: boolean;
    max_instances_per_host?: number;
    max_impacted_members?: number;
    recovery_time?: number;
  }[];
  instances?: Partial<PlannerInput['instances'][number]>[];
}): PlannerInput {
  return plannerInput.parse({
    hosts: spec.hosts.map(({ name, slots, maintain }) => ({ name, slots, maintain: maintain ?? true })),
    instances: [
      ...spec.hosts.flatMap((h) =>
        (h.vms ?? []).map((vm) => {
          const [id, group_id] = vm.split(':');
          return { id, host: h.name, project_id: 'p', migration_type: 'LIVE_MIGRATE', ...(group_id && { group_id }) };
        }),
      ),
      ...(spec.instances ?? []),
    ],
    groups: (spec.groups ?? []).map((g) => ({ project_id: 'p', ...g })),
    maintenanceDuration: D,
  });
}

const spare = (slots: number) => ({ name: 'spare', slots, maintain: false });
const waitingReasons = (input: PlannerInput, state: PlannerState = initialState(input)) =>
  Object.fromEntries(planStep(input, state).waiting.map((w) => [w.host, w.reasons]));

describe('Drain planner', () => {
  describe('parallel drains', () => {
    // Prepare: four hosts whose instances all fit on a spare host, no group constraints.
    const input = cluster({
      hosts: [
        spare(8),
        { name: 'h1', slots: 4, vms: ['a1', 'a2'] },
        { name: 'h2', slots: 4, vms: ['b1', 'b2'] },
        { name: 'h3', slots: 4, vms: ['c1', 'c2'] },
        { name: 'h4', slots: 4, vms: ['d1', 'd2'] },
      ],
    });

    it('starts draining every host whose instances fit elsewhere, and moves all their instances at once', () => {
      const step = planStep(input, initialState(input));

      expect(step.startDraining.map((s) => s.host)).toEqual(['h1', 'h2', 'h3', 'h4']);
      expect(step.moves.map((m) => `${m.instanceId}->${m.to}`)).toEqual(
        ['a1', 'a2', 'b1', 'b2', 'c1', 'c2', 'd1', 'd2'].map((id) => `${id}->spare`),
      );
      expect(step.waiting).toEqual([]);
    });

    it('maintains them side by side: one move and one maintenance, where Fenix takes four of each and eight moves', () => {
      expect(simulate(input).makespan).toBe(10 + D);
      expect(fenixBaseline(input).makespan).toBe(4 * (2 * 10 + D));
      expect(makespanLowerBound(input).makespan).toBe(10 + D);
    });

    it('puts an empty host in maintenance at once', () => {
      const empty = cluster({ hosts: [{ name: 'h1', slots: 4 }, spare(4)] });

      expect(planStep(empty, initialState(empty))).toMatchObject({
        startDraining: [{ host: 'h1', targets: {} }],
        startMaintenance: ['h1'],
      });
    });

    it('keeps to the operator cap on hosts at once, and says so', () => {
      const capped = { ...input, maxHostsAtOnce: 2 };

      const step = planStep(capped, initialState(capped));

      expect(step.startDraining.map((s) => s.host)).toEqual(['h1', 'h2']);
      expect(waitingReasons(capped).h3).toEqual(['at most 2 hosts draining or in maintenance at once']);
    });
  });

  describe('max_impacted_members', () => {
    const input = cluster({
      hosts: [
        spare(8),
        { name: 'h1', slots: 4, vms: ['a:g1'] },
        { name: 'h2', slots: 4, vms: ['b:g1'] },
        { name: 'h3', slots: 4, vms: ['c:g1'] },
      ],
      groups: [{ group_id: 'g1', max_impacted_members: 1 }],
    });

    it('moves one member of a group with max_impacted_members 1 at a time, and says why the others wait', () => {
      const step = planStep(input, initialState(input));

      expect(step.startDraining.map((s) => s.host)).toEqual(['h1', 'h2', 'h3']);
      expect(step.moves.map((m) => m.instanceId)).toEqual(['a']);
      expect(step.waiting).toEqual([
        {
          host: 'h2',
          phase: 'DRAINING',
          reasons: ['instance b waits: group g1 already has 1 of max 1 impacted members'],
        },
        {
          host: 'h3',
          phase: 'DRAINING',
          reasons: ['instance c waits: group g1 already has 1 of max 1 impacted members'],
        },
      ]);
    });

    it('still overlaps the maintenance of one host with the moves off the next', () => {
      const schedule = simulate(input);

      expect(schedule.moves.map((m) => [m.instanceId, m.startedAt])).toEqual([
        ['a', 0],
        ['b', 10],
        ['c', 20],
      ]);
      expect(schedule.makespan).toBe(30 + D);
    });

    it('moves as many members at once as max_impacted_members allows', () => {
      const two = { ...input, groups: [{ ...input.groups[0]!, max_impacted_members: 2 }] };

      expect(planStep(two, initialState(two)).moves.map((m) => m.instanceId)).toEqual(['a', 'b']);
    });
  });

  describe('recovery_time', () => {
    const input = cluster({
      hosts: [spare(8), { name: 'h1', slots: 4, vms: ['a:g1'] }, { name: 'h2', slots: 4, vms: ['b:g1'] }],
      groups: [{ group_id: 'g1', max_impacted_members: 1, recovery_time: 60 }],
    });

    it('holds the next member back until recovery_time after the last move ended, and says until when', () => {
      // Act: start, then look again once the first move has ended (10 s) but not recovered (70 s).
      const started = applyStep(initialState(input), planStep(input, initialState(input)));

      expect(waitingReasons(input, { ...started, now: 10 }).h2).toEqual([
        'instance b waits: recovery_time of group g1 until 70',
      ]);
      expect(planStep(input, { ...started, now: 70 }).moves.map((m) => m.instanceId)).toEqual(['b']);
    });

    it('schedules the second move recovery_time after the first', () => {
      expect(simulate(input).moves.map((m) => m.startedAt)).toEqual([0, 70]);
    });
  });

  describe('anti-affinity and max_instances_per_host', () => {
    it('never puts two members of an anti-affinity group on one host, and says why a host waits', () => {
      const input = cluster({
        hosts: [spare(8), { name: 'h1', slots: 4, vms: ['a:aa'] }, { name: 'h2', slots: 4, vms: ['b:aa'] }],
        groups: [{ group_id: 'aa', anti_affinity_group: true, max_impacted_members: 2 }],
      });

      const step = planStep(input, initialState(input));

      // h2 is draining: not a target for h1's member, though it has room.
      expect(step.startDraining).toEqual([{ host: 'h1', targets: { a: 'spare' } }]);
      expect(waitingReasons(input).h2).toEqual([
        'anti-affinity of group aa: every host with room for instance b has a member',
      ]);
      expect(simulate(input)).toMatchObject({ complete: true, makespan: 10 + D + 10 + D });
    });

    it('keeps a group within max_instances_per_host on every target', () => {
      const input = cluster({
        hosts: [
          { name: 'spare-1', slots: 8, maintain: false, vms: ['x:g'] },
          { name: 'spare-2', slots: 8, maintain: false },
          { name: 'h1', slots: 4, vms: ['a:g', 'b:g'] },
        ],
        groups: [{ group_id: 'g', max_instances_per_host: 2, max_impacted_members: 2 }],
      });

      expect(planStep(input, initialState(input)).startDraining).toEqual([
        { host: 'h1', targets: { a: 'spare-1', b: 'spare-2' } },
      ]);
    });
  });

  describe('capacity', () => {
    const input = cluster({
      hosts: [spare(3), { name: 'h1', slots: 4, vms: ['a1', 'a2'] }, { name: 'h2', slots: 4, vms: ['b1', 'b2'] }],
    });

    it('starts a host only when all its instances have room outside hosts draining or in maintenance', () => {
      expect(planStep(input, initialState(input)).startDraining.map((s) => s.host)).toEqual(['h1']);
      expect(waitingReasons(input).h2).toEqual([
        'no room for instance b2 (size 1) outside hosts draining or in maintenance',
      ]);
    });

    it('counts instance sizes against slots', () => {
      const big = cluster({
        hosts: [spare(3), { name: 'h1', slots: 4 }],
        instances: [{ id: 'large', host: 'h1', project_id: 'p', size: 4 }],
      });

      expect(waitingReasons(big).h1).toEqual([
        'no room for instance large (size 4) outside hosts draining or in maintenance',
      ]);
    });

    it('prefers a host already maintained as a target, and uses a host still to maintain only when nothing else has room', () => {
      const input = cluster({
        hosts: [
          { name: 'h1', slots: 4, vms: ['a'] },
          { name: 'h2', slots: 4 },
          { name: 'h3', slots: 4, vms: ['c1', 'c2', 'c3'] },
        ],
      });
      const h2Done: PlannerState = { ...initialState(input), phases: { h1: 'PENDING', h2: 'DONE', h3: 'PENDING' } };
      const h2Busy: PlannerState = { ...h2Done, phases: { ...h2Done.phases, h2: 'IN_MAINTENANCE' } };

      expect(planStep(input, h2Done).startDraining[0]).toEqual({ host: 'h1', targets: { a: 'h2' } });
      expect(planStep(input, h2Busy).startDraining[0]).toEqual({ host: 'h1', targets: { a: 'h3' } });
    });

    it('does not drain a host while instances are still coming to it', () => {
      const input = cluster({
        hosts: [
          { name: 'h1', slots: 2, vms: ['a'] },
          { name: 'h2', slots: 2 },
        ],
      });
      const state: PlannerState = {
        ...initialState(input),
        phases: { h1: 'DRAINING', h2: 'PENDING' },
        targets: { a: 'h2' },
      };

      expect(waitingReasons(input, state).h2).toEqual(['receiving instance a from host h1']);
    });
  });

  describe('OWN_ACTION', () => {
    it("gives the VNF manager its lead_time to act before the host's maintenance starts", () => {
      const input = cluster({
        hosts: [spare(4), { name: 'h1', slots: 4 }],
        instances: [{ id: 'vnf', host: 'h1', project_id: 'p', migration_type: 'OWN_ACTION', lead_time: 120 }],
      });

      const schedule = simulate(input);

      expect(schedule.moves).toEqual([
        expect.objectContaining({ instanceId: 'vnf', type: 'OWN_ACTION', startedAt: 0, endsAt: 120 }),
      ]);
      expect(schedule.hosts.h1).toEqual({ drainStartedAt: 0, maintenanceStartedAt: 120, doneAt: 120 + D });
    });

    it('adds lead_time before a migration too', () => {
      const input = cluster({
        hosts: [spare(4), { name: 'h1', slots: 4 }],
        instances: [{ id: 'vm', host: 'h1', project_id: 'p', migration_type: 'MIGRATE', lead_time: 30 }],
      });

      expect(simulate(input).moves[0]).toMatchObject({ startedAt: 0, endsAt: 30 + 30 });
    });
  });

  describe('input', () => {
    it('refuses an instance in a group that has no constraint, rather than lifting its limits', () => {
      const parsed = plannerInput.safeParse({
        hosts: [{ name: 'h1', slots: 2, maintain: true }],
        instances: [{ id: 'a', host: 'h1', project_id: 'p', group_id: 'nowhere' }],
        maintenanceDuration: D,
      });

      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.message)).toEqual([
        'instance a names group nowhere, which has no constraint',
      ]);
    });
  });

  describe('lower bound', () => {
    it('counts a group serialised by max_impacted_members and recovery_time, then one maintenance', () => {
      const input = cluster({
        hosts: [spare(8), ...['h1', 'h2', 'h3', 'h4'].map((name) => ({ name, slots: 2, vms: [`${name}-vm:g`] }))],
        groups: [{ group_id: 'g', max_impacted_members: 1, recovery_time: 50 }],
      });

      expect(makespanLowerBound(input)).toMatchObject({ group: 3 * (10 + 50) + 10 + D, makespan: 3 * 60 + 10 + D });
      expect(simulate(input).makespan).toBe(3 * 60 + 10 + D);
    });

    it('counts maintenances in waves as wide as the spare slots allow', () => {
      // Prepare: 4 full hosts of 2 slots plus 2 spare slots: one host at a time can be empty.
      const input = cluster({
        hosts: [
          spare(2),
          ...['h1', 'h2', 'h3', 'h4'].map((name) => ({ name, slots: 2, vms: [`${name}-a`, `${name}-b`] })),
        ],
      });

      expect(makespanLowerBound(input)).toMatchObject({ hostsAtOnce: 1, parallel: 10 + 4 * D });
    });

    it('is infinite when no host can ever be emptied', () => {
      const full = cluster({
        hosts: [
          { name: 'h1', slots: 1, vms: ['a'] },
          { name: 'h2', slots: 1, vms: ['b'] },
        ],
      });

      expect(makespanLowerBound(full).makespan).toBe(Infinity);
      expect(simulate(full)).toMatchObject({ complete: false, waiting: [{ host: 'h1' }, { host: 'h2' }] });
    });
  });

  it('decides the same whatever the order of its input', () => {
    const input = sampleCluster(7, 12);
    const shuffled = { ...input, hosts: [...input.hosts].reverse(), instances: [...input.instances].reverse() };

    expect(simulate(shuffled)).toEqual(simulate(input));
  });
});

describe('Drain planner on generated clusters', () => {
  const seeds = Array.from({ length: 40 }, (_, n) => n + 1);
  const runs = seeds.map((seed) => {
    const input = sampleCluster(seed, 5 + (seed % 26));
    return { seed, input, planned: simulate(input), fenix: fenixBaseline(input), bound: makespanLowerBound(input) };
  });

  it.each(runs)('cluster $seed: every schedule keeps every constraint at every moment', ({ input, planned, fenix }) => {
    expect(violations(input, planned)).toEqual([]);
    expect(violations({ ...input, maxHostsAtOnce: 1, maxMovesAtOnce: 1 }, fenix)).toEqual([]);
  });

  it.each(runs)(
    'cluster $seed: every host is maintained, no sooner than the lower bound',
    ({ input, planned, bound }) => {
      expect(planned.complete).toBe(true);
      expect(Object.keys(planned.hosts).sort()).toEqual(input.hosts.filter((h) => h.maintain).map((h) => h.name));
      expect(planned.makespan).toBeGreaterThanOrEqual(bound.makespan);
    },
  );

  it.each(runs)(
    'cluster $seed: no slower than Fenix, and faster when two hosts can be out at once',
    ({ input, planned, fenix, bound }) => {
      const maintained = input.hosts.filter((h) => h.maintain).length;

      expect(fenix.complete).toBe(true);
      if (maintained >= 2 && bound.hostsAtOnce >= 2) expect(planned.makespan).toBeLessThan(fenix.makespan);
      else expect(planned.makespan).toBeLessThanOrEqual(fenix.makespan);
    },
  );
});

/**
 * Every constraint a schedule breaks, checked independently of the planner: the schedule is
 * replayed and looked at whenever anything in it changes. An instance being moved counts on both hosts.
 */
function violations(input: PlannerInput, schedule: Schedule): string[] {
  const found: string[] = [];
  const groups = new Map(input.groups.map((g) => [g.group_id, g]));
  const movesOf = new Map(input.instances.map((i) => [i.id, schedule.moves.filter((m) => m.instanceId === i.id)]));
  const hostsAt = (id: string, t: number): string[] => {
    const moves = movesOf.get(id) ?? [];
    const moving = moves.find((m) => m.startedAt <= t && t < m.endsAt);
    if (moving) return [moving.from, moving.to];
    const arrived = moves.filter((m) => m.endsAt <= t).at(-1);
    return [arrived?.to ?? input.instances.find((i) => i.id === id)!.host];
  };

  for (const [id, moves] of movesOf) {
    let at = input.instances.find((i) => i.id === id)!.host;
    for (const m of moves) {
      if (m.from !== at) found.push(`${id} moved from ${m.from} but was on ${at}`);
      const from = schedule.hosts[m.from];
      if (!from || m.startedAt < from.drainStartedAt || (from.maintenanceStartedAt ?? Infinity) < m.endsAt)
        found.push(`${id} moved off ${m.from} outside its drain`);
      const to = schedule.hosts[m.to];
      if (to && m.endsAt > to.drainStartedAt && m.startedAt < (to.doneAt ?? Infinity))
        found.push(`${id} moved to ${m.to} while it was draining or in maintenance`);
      at = m.to;
    }
  }

  const hostTimes = Object.values(schedule.hosts).flatMap((h) => [h.drainStartedAt, h.maintenanceStartedAt ?? 0]);
  const moveTimes = schedule.moves.flatMap((m) => [m.startedAt, m.endsAt, m.recoveredAt]);
  for (const t of [...new Set([0, ...hostTimes, ...moveTimes])]) {
    const load = new Map<string, number>();
    const members = new Map<string, number>();
    for (const instance of input.instances)
      for (const host of hostsAt(instance.id, t)) {
        load.set(host, (load.get(host) ?? 0) + instance.size);
        if (instance.group_id)
          members.set(`${host} ${instance.group_id}`, (members.get(`${host} ${instance.group_id}`) ?? 0) + 1);
      }
    for (const host of input.hosts) {
      if ((load.get(host.name) ?? 0) > host.slots)
        found.push(`t=${t}: ${host.name} holds more than ${host.slots} slots`);
      const h = schedule.hosts[host.name];
      if (h?.maintenanceStartedAt !== undefined && h.maintenanceStartedAt <= t && t < h.doneAt! && load.has(host.name))
        found.push(`t=${t}: ${host.name} is in maintenance with instances on it`);
    }
    for (const [key, count] of members) {
      const group = groups.get(key.split(' ')[1]!)!;
      const limit = group.anti_affinity_group ? 1 : group.max_instances_per_host || Infinity;
      if (count > limit) found.push(`t=${t}: ${key} has ${count} members`);
    }
    for (const group of input.groups) {
      const impacted = schedule.moves.filter(
        (m) => m.groupId === group.group_id && m.startedAt <= t && t < m.recoveredAt,
      );
      if (impacted.length > group.max_impacted_members)
        found.push(`t=${t}: group ${group.group_id} has ${impacted.length} impacted members`);
    }
    const moving = schedule.moves.filter((m) => m.startedAt <= t && t < m.endsAt).length;
    if (moving > (input.maxMovesAtOnce ?? Infinity)) found.push(`t=${t}: ${moving} moves at once`);
    const busy = Object.values(schedule.hosts).filter(
      (h) => h.drainStartedAt <= t && t < (h.doneAt ?? Infinity),
    ).length;
    if (busy > (input.maxHostsAtOnce ?? Infinity)) found.push(`t=${t}: ${busy} hosts out at once`);
  }
  return found;
}
