/**
 * The correlation core alone: correlateEvent on one core with in-memory ports
 * (test/support/correlator-ports.ts), so the figure is the correlator's own CPU cost per event,
 * without DynamoDB, SNS or EventBridge. The measured stream is every host's management link going
 * down and up in turn, so every event is a transition, the costliest kind (an alarm per instance,
 * a notification per alarm, a bus event); a stream of heartbeats, which change nothing, is
 * measured after it for the other end of the range.
 * `npx tsx test/bench/correlation-core.ts` runs it alone (NFVI_BENCH_CORE_EVENTS).
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { correlateEvent, type CorrelatorDeps } from '../../lib/inspector/correlate-event';
import { FLAP_DAMPING } from '../../lib/inspector/flap-damping';
import type { HostInventory } from '../../lib/inventory/inventory';
import {
  InMemoryFaultStore,
  InMemoryPeerVotes,
  RecordingAlarmViews,
  RecordingFaultEvents,
  RecordingNotifier,
  RecordingQuarantine,
} from '../support/correlator-ports';
import { clusterInventory, heartbeatEvent, hostName, managementLinkEvent, type ClusterShape } from './fault-workload';
import { summary, type Summary } from './percentiles';

/** The target: one core correlates at least this many events a second. */
export const CORE_TARGET_EVENTS_PER_SECOND = 50_000;

const options = z.object({
  events: z.number().int().positive().default(200_000),
  warmupEvents: z.number().int().nonnegative().default(20_000),
  hosts: z.number().int().positive().default(1_000),
  instancesPerHost: z.number().int().nonnegative().default(20),
  tenants: z.number().int().positive().default(1_000),
  tenantsPerHost: z.number().int().positive().default(5),
  /**
   * Whether the in-memory fault store copies records in and out (structuredClone) as the unit
   * tests' does. Off by default: the copies would be timed, not the correlator (they cost about
   * as much as the correlator itself).
   */
  copyRecords: z.boolean().default(false),
});
export type CorrelationCoreOptions = z.input<typeof options>;

export interface StreamResult {
  events: number;
  /** Time spent in correlateEvent, summed over the measured events (building the events excluded). */
  seconds: number;
  eventsPerSecond: number;
  meanUsPerEvent: number;
  perEventUs: Summary;
  outcomes: Record<string, number>;
  notifications: number;
  notificationsPerSecond: number;
}

export interface CorrelationCoreResult extends StreamResult {
  note: string;
  shape: ClusterShape;
  warmupEvents: number;
  copyRecords: boolean;
  targetEventsPerSecond: number;
  meetsTarget: boolean;
  /** The same correlator on heartbeats of the same hosts: no transition, nothing published. */
  heartbeats: StreamResult;
  /** Other processes share the cores: the load average when the run started, to judge the figures by. */
  machine: { cpu: string | undefined; cpus: number; node: string; loadAverage1m: number };
}

/** Events are built and run in batches: a batch's events are built before its timing starts. */
const BATCH = 1_000;
const INVOCATION_MS = 10_000;
const START = Date.parse('2026-11-25T10:00:00.000Z');
const PREFIX = 'core';

type Stream = (n: number) => { at: number; event: unknown };

export async function correlationCore(input: CorrelationCoreOptions = {}): Promise<CorrelationCoreResult> {
  const o = options.parse(input);
  const loadAverage1m = Math.round((loadavg()[0] ?? NaN) * 100) / 100;
  const shape: ClusterShape = {
    hosts: o.hosts,
    instancesPerHost: o.instancesPerHost,
    tenants: o.tenants,
    tenantsPerHost: o.tenantsPerHost,
  };
  const inventories = new Map<string, HostInventory>(
    clusterInventory(shape, PREFIX).hosts.map((h) => [h.name, { known: true, instances: h.instances }]),
  );
  const unknown: HostInventory = { known: false, instances: [] };
  const notifier = new RecordingNotifier();
  const faultEvents = new RecordingFaultEvents();
  const alarmViews = new RecordingAlarmViews();
  const clock = { now: START };
  const deps: CorrelatorDeps = {
    faults: new InMemoryFaultStore(o.copyRecords ? structuredClone : (record) => record),
    inventory: { hostInventory: async (host) => inventories.get(host) ?? unknown },
    notifier,
    alarmViews,
    faultEvents,
    quarantine: new RecordingQuarantine(),
    peerVotes: new InMemoryPeerVotes(),
    settings: {
      vimConnectionId: 'vim-regionone',
      adminProjectId: 'admin',
      quorum: { minObservers: 2, voteTtlS: 90 },
      fencing: true,
      maxClockSkewS: 300,
      damping: FLAP_DAMPING,
    },
    clock: () => new Date(clock.now),
    newId: randomUUID,
  };

  const run = async (stream: Stream, from: number, count: number, samples?: Float64Array): Promise<StreamResult> => {
    const outcomes: Record<string, number> = {};
    let notifications = 0;
    let seconds = 0;
    for (let done = 0; done < count; ) {
      const batch = Array.from({ length: Math.min(BATCH, count - done) }, (_, i) => stream(from + done + i));
      const startedAt = performance.now();
      for (const [i, { at, event }] of batch.entries()) {
        clock.now = at;
        const t0 = performance.now();
        const result = await correlateEvent(event, deps, { deadline: new Date(at + INVOCATION_MS) });
        if (samples) samples[done + i] = (performance.now() - t0) * 1000;
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
        if ('notifications' in result) notifications += result.notifications;
      }
      seconds += (performance.now() - startedAt) / 1000;
      done += batch.length;
      // The recording ports keep what they were given: emptied, so memory stays flat over the run.
      notifier.attempts.length = 0;
      notifier.published.length = 0;
      faultEvents.emitted.length = 0;
      alarmViews.recorded.length = 0;
    }
    return {
      events: count,
      seconds: Math.round(seconds * 1000) / 1000,
      eventsPerSecond: Math.round(count / seconds),
      meanUsPerEvent: Math.round((seconds / count) * 1e7) / 10,
      perEventUs: summary(samples ?? [], 1),
      outcomes,
      notifications,
      notificationsPerSecond: Math.round(notifications / seconds),
    };
  };

  // Event n goes to host n mod H; that host's k-th event is down for even k and up for odd k,
  // so every event is a transition. Virtual time: 1 ms between events, the clock 5 ms later.
  const transitions: Stream = (n) => {
    const k = Math.floor(n / o.hosts);
    const observedAt = START + n;
    const host = hostName(PREFIX, n % o.hosts);
    return { at: observedAt + 5, event: managementLinkEvent(host, k + 1, k % 2 === 0, new Date(observedAt)) };
  };
  // Heartbeats carry on each collector's seq after its link events, later in virtual time.
  const linkEvents = o.warmupEvents + o.events;
  const heartbeats: Stream = (n) => {
    const k = Math.floor((linkEvents + n) / o.hosts);
    const observedAt = START + linkEvents + n;
    const host = hostName(PREFIX, (linkEvents + n) % o.hosts);
    return { at: observedAt + 5, event: heartbeatEvent(host, k + 1, new Date(observedAt)) };
  };

  await run(transitions, 0, o.warmupEvents);
  const measured = await run(transitions, o.warmupEvents, o.events, new Float64Array(o.events));
  await run(heartbeats, 0, Math.min(o.warmupEvents, o.events));
  const steady = await run(heartbeats, Math.min(o.warmupEvents, o.events), o.events, new Float64Array(o.events));
  return {
    note: `correlateEvent alone on one core, in-memory ports (test/support/correlator-ports.ts${o.copyRecords ? ', records copied' : ', records not copied'}); every event a transition (management link down/up in turn); heartbeats apart`,
    shape,
    warmupEvents: o.warmupEvents,
    copyRecords: o.copyRecords,
    ...measured,
    targetEventsPerSecond: CORE_TARGET_EVENTS_PER_SECOND,
    meetsTarget: measured.eventsPerSecond >= CORE_TARGET_EVENTS_PER_SECOND,
    heartbeats: steady,
    machine: { cpu: cpus()[0]?.model, cpus: cpus().length, node: process.version, loadAverage1m },
  };
}

export function printCorrelationCore(r: CorrelationCoreResult): void {
  const h = r.heartbeats;
  process.stdout.write(
    `correlation core (in-memory ports, one core, load average ${r.machine.loadAverage1m} on ${r.machine.cpus} cpus):\n` +
      `  transitions: ${r.events} events (${r.shape.hosts} hosts x ${r.shape.instancesPerHost} instances, ${r.shape.tenantsPerHost} tenants each) in ${r.seconds} s: ${r.eventsPerSecond} events/s (target ${r.targetEventsPerSecond}: ${r.meetsTarget ? 'met' : 'NOT met'}), mean ${r.meanUsPerEvent} us, p50 ${r.perEventUs.p50} us, p99 ${r.perEventUs.p99} us; ${r.notificationsPerSecond} notifications/s\n` +
      `  heartbeats (no transition): ${h.events} events in ${h.seconds} s: ${h.eventsPerSecond} events/s, mean ${h.meanUsPerEvent} us, p50 ${h.perEventUs.p50} us, p99 ${h.perEventUs.p99} us\n`,
  );
}

if (require.main === module) {
  const env = z
    .object({
      NFVI_BENCH_CORE_EVENTS: z.coerce.number().int().positive().default(200_000),
      NFVI_BENCH_CORE_COPY_RECORDS: z.enum(['0', '1']).default('0'),
    })
    .parse(process.env);
  correlationCore({ events: env.NFVI_BENCH_CORE_EVENTS, copyRecords: env.NFVI_BENCH_CORE_COPY_RECORDS === '1' })
    .then((r) => {
      printCorrelationCore(r);
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(
        `correlation core failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    });
}
