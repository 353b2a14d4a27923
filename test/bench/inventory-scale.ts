/**
 * Inventory scale: a cluster of 10,000 hosts and 200,000 instances over 5,000 tenants loaded
 * into an inventory table through the production path (loadInventory with DynamoDbInventory),
 * then each fault's inventory lookup (hostInventory, one Query of the host's partition) and its
 * whole correlation (correlateEvent with the DynamoDB fault store and inventory) timed against
 * it, compared with a 10-host inventory of the same host shape in a table of its own. Target:
 * the big inventory's per-fault times within 1.2x the small one's.
 *
 * The two are measured in turns (a small host, a big host, a big host, a small host, ...), so
 * that warm-up, drift and other processes on the machine weigh on both alike; the big
 * inventory's lookups and faults fall on hosts drawn across the whole cluster, once each.
 *
 * Not measured: tenant topic creation (5,000 SNS topics; loadInventory is given a registry that
 * names topics without creating them) and what follows the correlator's writes (the notifier,
 * the bus event publisher, the fault API's alarm copies and the quarantine are in-memory ports).
 *
 * `npx tsx test/bench/inventory-scale.ts` runs it against a private DynamoDB Local of its own
 * (port NFVI_BENCH_DYNAMODB_PORT, default 8123), leaving anyone's local stack alone.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { DynamoDbFaultStore } from '../../lib/adapters/dynamodb/dynamodb-fault-store';
import { DynamoDbInventory } from '../../lib/adapters/dynamodb/dynamodb-inventory';
import type { InventoryFile } from '../../lib/contracts/inventory';
import { correlateEvent, type CorrelatorDeps } from '../../lib/inspector/correlate-event';
import { FLAP_DAMPING } from '../../lib/inspector/flap-damping';
import { loadInventory } from '../../lib/inventory/load-inventory';
import type { TenantTopicRegistry } from '../../lib/notifier/ports';
import {
  InMemoryPeerVotes,
  RecordingAlarmViews,
  RecordingFaultEvents,
  RecordingNotifier,
  RecordingQuarantine,
} from '../support/correlator-ports';
import { startPrivateDynamoDb } from '../support/private-dynamodb';
import { seeded, shuffled } from '../support/seeded-random';
import { clusterInventory, managementLinkEvent, type ClusterShape } from './fault-workload';
import { summary, type Summary } from './percentiles';

/** The target: a fault against the big inventory takes at most this many times as long as against the small one. */
export const SCALE_TARGET_RATIO = 1.2;

export interface InventoryScaleTables {
  /** The inventory table the 10,000 hosts are loaded into. */
  inventory: string;
  /**
   * The inventory table of the 10 hosts: another table with the same key schema. The same table
   * works too, but then only the spread of the faults differs between the two, not the table.
   */
  smallInventory: string;
  /** The fault records of both (the alarms table). */
  alarms: string;
}

const options = z.object({
  hosts: z.number().int().positive().default(10_000),
  instancesPerHost: z.number().int().positive().default(20),
  tenants: z.number().int().positive().default(5_000),
  tenantsPerHost: z.number().int().positive().default(5),
  smallHosts: z.number().int().positive().default(10),
  /** Faults timed against each inventory. */
  faults: z.number().int().positive().default(200),
  /** Lookups timed against each inventory: cheap, so more of them, for steadier percentiles. */
  lookups: z.number().int().positive().default(1_000),
  /** Lookups and faults, in turns on both inventories, before any is timed: DynamoDB Local's JVM warms up. */
  warmupRounds: z.number().int().nonnegative().default(200),
  /** Delete what the benchmark wrote, so that a shared table is left as it was. */
  cleanup: z.boolean().default(true),
});
export type InventoryScaleOptions = z.input<typeof options>;

/** Per-fault times against one inventory, in milliseconds. */
export interface InventoryTimes {
  hostsLookedUp: number;
  hostsFaulted: number;
  /** inventory.hostInventory(host): the Query of the host's partition, unmarshalled. */
  lookupMs: Summary;
  /**
   * correlateEvent of a management link down (RAISED, an alarm per instance): GetItem + Query,
   * the conditional update, then markPublished and markRecorded.
   */
  correlationMs: Summary;
}

export interface Ratios {
  lookupP50: number;
  lookupP99: number;
  correlationP50: number;
  correlationP99: number;
}

export interface InventoryScaleResult {
  note: string;
  notMeasured: string;
  shape: ClusterShape & { smallHosts: number };
  separateTables: boolean;
  load: {
    hosts: number;
    instances: number;
    tenants: number;
    items: number;
    seconds: number;
    itemsPerSecond: number;
    tenantTopics: string;
  };
  small: InventoryTimes;
  big: InventoryTimes;
  /** big / small. */
  ratios: Ratios;
  targetRatio: number;
  meetsTarget: boolean;
  cleanupSeconds: number | undefined;
  /** Other processes share the cores: the load average when the run started. */
  loadAverage1m: number;
}

/** Names each tenant's topic without creating it: topic creation is not what this measures. */
const unmadeTopics: TenantTopicRegistry = {
  topicArnsFor: async (tenantIds) =>
    new Map(tenantIds.map((t) => [t, `arn:aws:sns:us-east-1:123456789012:not-created-${t}`])),
};

const INVOCATION_MS = 10_000;

/** One inventory under test: its hosts, its reader and a correlator reading it. */
interface Subject {
  hosts: string[];
  inventory: DynamoDbInventory;
  correlate: (event: unknown) => ReturnType<typeof correlateEvent>;
  lookups: number[];
  faults: number[];
}

export async function inventoryScale(
  client: DynamoDBDocumentClient,
  tables: InventoryScaleTables,
  input: InventoryScaleOptions = {},
): Promise<InventoryScaleResult> {
  const o = options.parse(input);
  const loadAverage1m = Math.round((loadavg()[0] ?? NaN) * 100) / 100;
  const run = `scale-${Date.now().toString(36)}`;
  const shape: ClusterShape = {
    hosts: o.hosts,
    instancesPerHost: o.instancesPerHost,
    tenants: o.tenants,
    tenantsPerHost: o.tenantsPerHost,
  };
  const smallFile = clusterInventory(
    { ...shape, hosts: o.smallHosts, tenants: o.smallHosts * o.tenantsPerHost },
    `${run}-small`,
  );
  const bigFile = clusterInventory(shape, `${run}-big`);
  const subject = (table: string, hosts: string[]): Subject => {
    const inventory = new DynamoDbInventory(client, table);
    return { hosts, inventory, correlate: correlator(client, tables.alarms, inventory), lookups: [], faults: [] };
  };
  const small = subject(
    tables.smallInventory,
    smallFile.hosts.map((h) => h.name),
  );
  // The big inventory's lookups and faults fall on hosts drawn across the whole cluster.
  const big = subject(
    tables.inventory,
    shuffled(
      bigFile.hosts.map((h) => h.name),
      seeded(1),
    ),
  );
  const seqs = new Map<string, number>();

  /** One fault of `host`: its management link goes down (timed) and comes back (not timed). */
  const fault = async (s: Subject, host: string): Promise<number> => {
    const seq = (seqs.get(host) ?? 0) + 2;
    seqs.set(host, seq);
    const t0 = performance.now();
    const raised = await s.correlate(managementLinkEvent(host, seq - 1, true, new Date()));
    const ms = performance.now() - t0;
    if (raised.outcome !== 'RAISED') throw new Error(`a fault of ${host} was ${raised.outcome}, not RAISED`);
    const cleared = await s.correlate(managementLinkEvent(host, seq, false, new Date()));
    if (cleared.outcome !== 'CLEARED') throw new Error(`the fault of ${host} ended ${cleared.outcome}, not CLEARED`);
    return ms;
  };
  const lookup = async (s: Subject, host: string): Promise<number> => {
    const t0 = performance.now();
    const found = await s.inventory.hostInventory(host);
    const ms = performance.now() - t0;
    if (found.instances.length !== o.instancesPerHost)
      throw new Error(`${host} has ${found.instances.length} instances in the table, not ${o.instancesPerHost}`);
    return ms;
  };
  /** Host i of a subject: the small one's take turns, the big one's are each used once (as far as they go). */
  const hostOf = (s: Subject, i: number) => s.hosts[i % s.hosts.length] as string;
  /** `n` rounds of `act` on both subjects, the one going first alternating (neither always follows the other). */
  const inTurns = async (n: number, act: (s: Subject, i: number) => Promise<void>) => {
    for (let i = 0; i < n; i++) for (const s of i % 2 === 0 ? [small, big] : [big, small]) await act(s, i);
  };

  try {
    await loadInventory(smallFile, small.inventory, unmadeTopics, new Date());
    const t0 = performance.now();
    const loaded = await loadInventory(bigFile, big.inventory, unmadeTopics, new Date());
    const loadSeconds = (performance.now() - t0) / 1000;
    // The warm-up uses hosts beyond those timed, so that each timed host is as fresh as in a cluster.
    const warmup = o.faults + o.lookups;
    await inTurns(o.warmupRounds, async (s, i) => {
      await lookup(s, hostOf(s, warmup + i));
      await fault(s, hostOf(s, warmup + i));
    });
    // Every timed raise finds the record a past fault of its host left, as in a running cluster.
    await inTurns(o.faults, async (s, i) => {
      if (!seqs.has(hostOf(s, i))) await fault(s, hostOf(s, i));
    });
    await inTurns(o.lookups, async (s, i) => {
      s.lookups.push(await lookup(s, hostOf(s, i)));
    });
    await inTurns(o.faults, async (s, i) => {
      s.faults.push(await fault(s, hostOf(s, i)));
    });
    const times = (s: Subject): InventoryTimes => ({
      hostsLookedUp: Math.min(s.hosts.length, o.lookups),
      hostsFaulted: Math.min(s.hosts.length, o.faults),
      lookupMs: summary(s.lookups),
      correlationMs: summary(s.faults),
    });
    const [smallTimes, bigTimes] = [times(small), times(big)];
    const ratio = (b: number, s: number) => Math.round((b / s) * 100) / 100;
    const ratios: Ratios = {
      lookupP50: ratio(bigTimes.lookupMs.p50, smallTimes.lookupMs.p50),
      lookupP99: ratio(bigTimes.lookupMs.p99, smallTimes.lookupMs.p99),
      correlationP50: ratio(bigTimes.correlationMs.p50, smallTimes.correlationMs.p50),
      correlationP99: ratio(bigTimes.correlationMs.p99, smallTimes.correlationMs.p99),
    };
    const items = loaded.hosts + loaded.instances;
    const cleanupStarted = performance.now();
    if (o.cleanup) await remove(client, tables, smallFile, bigFile, [...seqs.keys()]);
    return {
      note: 'one call at a time from this process, the two inventories in turns; DynamoDbInventory and DynamoDbFaultStore as production wires them',
      notMeasured:
        'tenant topic creation (SNS) for the loaded tenants; the notifier, bus event publisher, alarm views, quarantine and peer votes are in-memory',
      shape: { ...shape, smallHosts: o.smallHosts },
      separateTables: tables.smallInventory !== tables.inventory,
      load: {
        hosts: loaded.hosts,
        instances: loaded.instances,
        tenants: loaded.tenants.size,
        items,
        seconds: Math.round(loadSeconds * 10) / 10,
        itemsPerSecond: Math.round(items / loadSeconds),
        tenantTopics: 'not created: loadInventory given a registry that names topics without SNS',
      },
      small: smallTimes,
      big: bigTimes,
      ratios,
      targetRatio: SCALE_TARGET_RATIO,
      meetsTarget: Object.values(ratios).every((r) => r <= SCALE_TARGET_RATIO),
      cleanupSeconds: o.cleanup ? Math.round((performance.now() - cleanupStarted) / 100) / 10 : undefined,
      loadAverage1m,
    };
  } catch (error) {
    if (o.cleanup) await remove(client, tables, smallFile, bigFile, [...seqs.keys()]).catch(() => undefined);
    throw error;
  }
}

/** correlateEvent with the DynamoDB fault store and inventory; every other port in memory. */
function correlator(client: DynamoDBDocumentClient, alarmsTable: string, inventory: DynamoDbInventory) {
  const notifier = new RecordingNotifier();
  const faultEvents = new RecordingFaultEvents();
  const alarmViews = new RecordingAlarmViews();
  const deps: CorrelatorDeps = {
    faults: new DynamoDbFaultStore(client, alarmsTable),
    inventory,
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
    clock: () => new Date(),
    newId: randomUUID,
  };
  return async (event: unknown) => {
    const outcome = await correlateEvent(event, deps, { deadline: new Date(Date.now() + INVOCATION_MS) });
    // Kept by the recording ports: emptied, so memory stays flat.
    notifier.attempts.length = 0;
    notifier.published.length = 0;
    faultEvents.emitted.length = 0;
    alarmViews.recorded.length = 0;
    return outcome;
  };
}

/** Deletes both inventories' items and the faulted hosts' fault records, 16 batches at a time. */
async function remove(
  client: DynamoDBDocumentClient,
  tables: InventoryScaleTables,
  small: InventoryFile,
  big: InventoryFile,
  faulted: string[],
): Promise<void> {
  const itemsOf = (file: InventoryFile, table: string) =>
    file.hosts.flatMap((h) =>
      [{ host: h.name, sk: 'HOST' }, ...h.instances.map((i) => ({ host: h.name, sk: `INSTANCE#${i.id}` }))].map(
        (Key) => ({ table, Key }),
      ),
    );
  const requests = [
    ...itemsOf(small, tables.smallInventory),
    ...itemsOf(big, tables.inventory),
    ...faulted.map((host) => ({ table: tables.alarms, Key: { pk: `FAULT#${host}#link:eno1` } })),
  ];
  const batches: (typeof requests)[] = [];
  for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
  const worker = async () => {
    for (let batch = batches.pop(); batch; batch = batches.pop()) {
      let pending: Record<string, { DeleteRequest: { Key: Record<string, unknown> } }[]> = {};
      for (const { table, Key } of batch) (pending[table] ??= []).push({ DeleteRequest: { Key } });
      while (Object.keys(pending).length > 0) {
        const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: pending }));
        pending = (UnprocessedItems ?? {}) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

export function printInventoryScale(r: InventoryScaleResult): void {
  const line = (name: string, t: InventoryTimes) =>
    `  ${name} (${t.hostsLookedUp} hosts looked up, ${t.hostsFaulted} faulted): lookup p50 ${t.lookupMs.p50} ms, p99 ${t.lookupMs.p99} ms; correlation p50 ${t.correlationMs.p50} ms, p99 ${t.correlationMs.p99} ms\n`;
  process.stdout.write(
    `inventory scale (DynamoDB; load average ${r.loadAverage1m}): loaded ${r.load.hosts} hosts, ${r.load.instances} instances, ${r.load.tenants} tenants (${r.load.items} items) in ${r.load.seconds} s, ${r.load.itemsPerSecond} items/s; tenant topics ${r.load.tenantTopics}\n` +
      line(`${r.shape.smallHosts}-host inventory${r.separateTables ? '' : ' (in the same table)'}`, r.small) +
      line(`${r.load.hosts}-host inventory`, r.big) +
      `  big/small: lookup p50 ${r.ratios.lookupP50}x, p99 ${r.ratios.lookupP99}x; correlation p50 ${r.ratios.correlationP50}x, p99 ${r.ratios.correlationP99}x (target ${r.targetRatio}x: ${r.meetsTarget ? 'met' : 'NOT met'})\n`,
  );
}

if (require.main === module) {
  const env = z
    .object({
      NFVI_BENCH_DYNAMODB_PORT: z.coerce.number().int().min(1024).max(65535).default(8123),
      NFVI_BENCH_SCALE_HOSTS: z.coerce.number().int().positive().default(10_000),
    })
    .parse(process.env);
  (async () => {
    const db = await startPrivateDynamoDb(env.NFVI_BENCH_DYNAMODB_PORT, [
      { stage: 'bench-scale', table: 'InventoryTable' },
      { stage: 'bench-scale-small', table: 'InventoryTable' },
      { stage: 'bench-scale', table: 'AlarmsTable' },
    ]);
    try {
      const r = await inventoryScale(
        db.client,
        {
          inventory: db.table('bench-scale', 'InventoryTable'),
          smallInventory: db.table('bench-scale-small', 'InventoryTable'),
          alarms: db.table('bench-scale', 'AlarmsTable'),
        },
        // A private DynamoDB Local is thrown away whole: no need to delete item by item.
        { hosts: env.NFVI_BENCH_SCALE_HOSTS, cleanup: false },
      );
      printInventoryScale(r);
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    } finally {
      await db.stop();
    }
  })().catch((error: unknown) => {
    process.stderr.write(
      `inventory scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
