/**
 * `npm run bench`: fault-to-notification figures through the local stack (started here, or
 * the one `npm start` is running). Prints a table and writes bench-results/latest.json.
 *
 * 1. latency: one host fault at a time (at least 200), PutEvents -> the tenant's HTTP subscriber;
 * 2. burst: a rack of 40 hosts x 50 instances over 100 tenants fails at once; time until the
 *    last tenant notification arrives, and notifications per second.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { awsClients, destroyAwsClients } from '../../lib/aws/clients';
import { config } from '../../lib/config';
import { loadInventory } from '../../lib/inventory/load-inventory';
import type { InventoryFile } from '../../lib/inventory/inventory-file';
import { DynamoDbInventory } from '../../lib/store/dynamodb-inventory';
import { TenantTopics } from '../../lib/tenants/tenant-topics';
import { createAdminTopic } from '../../infra/local/bootstrap';
import { FaultInjector } from '../../infra/local/fault-injector';
import { useLocalEnvironment } from '../../infra/local/local-env';
import { SnsHttpSubscriber } from '../../infra/local/sns-http-subscriber';
import { PROJECT_ROOT, startLocalStack } from '../../infra/local/stack';

const LATENCY_FAULTS = Number(process.env.NFVI_BENCH_FAULTS ?? 200);
const WARMUP_FAULTS = 10;
const BURST = { hosts: 40, instancesPerHost: 50, tenants: 100 };

const run = Date.now().toString(36);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted[0] ?? NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    mean: Math.round((sorted.reduce((a, b) => a + b, 0) / sorted.length) * 10) / 10,
  };
}

async function load(inventory: InventoryFile): Promise<Map<string, string>> {
  const cfg = config();
  const { dynamo, sns } = awsClients();
  const topics = new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix);
  return (await loadInventory(inventory, new DynamoDbInventory(dynamo, cfg.inventoryTable), topics, new Date()))
    .tenants;
}

async function latency(subscriber: SnsHttpSubscriber, injector: FaultInjector) {
  const tenant = `bench-latency-${run}`;
  const hosts = Array.from({ length: WARMUP_FAULTS + LATENCY_FAULTS }, (_, i) => `bench-lat-${run}-${i}`);
  const topics = await load({
    hosts: hosts.map((name) => ({ name, instances: [{ id: `${name}-vm`, name: 'vnf-active', tenantId: tenant }] })),
  });
  await subscriber.subscribe(topics.get(tenant) as string, tenant);
  const samples: number[] = [];
  for (const [i, host] of hosts.entries()) {
    const sentAt = await injector.put([injector.link(host, 'down')]);
    const [delivery] = (await subscriber.waitFor(tenant, i + 1, 15_000)).slice(i);
    if (i >= WARMUP_FAULTS) samples.push((delivery?.receivedAt ?? NaN) - sentAt);
  }
  return summary(samples);
}

async function burst(subscriber: SnsHttpSubscriber, injector: FaultInjector) {
  const tenantOf = (n: number) => `bench-burst-${run}-t${n % BURST.tenants}`;
  const hosts: InventoryFile['hosts'] = Array.from({ length: BURST.hosts }, (_, h) => ({
    name: `bench-rack-${run}-${h}`,
    instances: Array.from({ length: BURST.instancesPerHost }, (_, i) => {
      const n = h * BURST.instancesPerHost + i;
      return { id: `bench-rack-${run}-vm-${n}`, name: `vm-${n}`, tenantId: tenantOf(n) };
    }),
  }));
  const topics = await load({ hosts });
  for (const [tenant, arn] of topics) await subscriber.subscribe(arn, tenant);
  const expected = BURST.hosts * BURST.instancesPerHost;
  const isBurst = (name: string) => name.startsWith(`bench-burst-${run}-`);
  const count = () => subscriber.received.filter((m) => isBurst(m.subscription)).length;
  // Warm the correlator outside the measurement, with a burst on hosts of no tenant.
  await injector.put(hosts.map((h) => injector.link(`${h.name}-warmup`, 'down')));
  await new Promise((r) => setTimeout(r, 3000));

  const sentAt = await injector.put(hosts.map((h) => injector.link(h.name, 'down')));
  const deadline = Date.now() + 120_000;
  while (count() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const received = subscriber.received.filter((m) => isBurst(m.subscription));
  const arrivals = received.map((m) => m.receivedAt - sentAt);
  const lastMs = Math.max(...arrivals);
  return {
    ...BURST,
    expectedNotifications: expected,
    receivedNotifications: received.length,
    tenantsNotified: new Set(received.map((m) => m.subscription)).size,
    firstNotificationMs: Math.min(...arrivals),
    lastNotificationMs: lastMs,
    notificationsPerSecond: Math.round((received.length / lastMs) * 1000),
    perNotification: summary(arrivals),
  };
}

async function main(): Promise<void> {
  useLocalEnvironment();
  const stack = await startLocalStack();
  try {
    await createAdminTopic();
    const { sns, eventBridge } = awsClients();
    const subscriber = await SnsHttpSubscriber.start(sns);
    const injector = new FaultInjector(eventBridge, config().eventBusName, `bench-${run}`);
    process.stdout.write(
      `latency: ${LATENCY_FAULTS} host faults, one at a time (after ${WARMUP_FAULTS} warm-up faults) ...\n`,
    );
    const lat = await latency(subscriber, injector);
    process.stdout.write(
      `burst: ${BURST.hosts} hosts x ${BURST.instancesPerHost} instances over ${BURST.tenants} tenants at once ...\n`,
    );
    const rack = await burst(subscriber, injector);
    await subscriber.close();

    const results = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
      stack: 'local: serverless-offline + offline EventBridge + offline SNS (HTTP delivery) + DynamoDB Local',
      faultToTenantNotificationMs: lat,
      burst: rack,
    };
    const table = [
      ['measure', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      ['PutEvents -> tenant subscriber', lat.count, lat.p50, lat.p95, lat.p99, lat.max],
      [
        `burst ${BURST.hosts}x${BURST.instancesPerHost}, per notification`,
        rack.receivedNotifications,
        rack.perNotification.p50,
        rack.perNotification.p95,
        rack.perNotification.p99,
        rack.perNotification.max,
      ],
    ];
    const widths = table[0]?.map((_, c) => Math.max(...table.map((row) => String(row[c]).length))) ?? [];
    process.stdout.write(
      `\n${table.map((row) => row.map((v, c) => String(v).padEnd(widths[c] ?? 0)).join('  ')).join('\n')}\n`,
    );
    process.stdout.write(
      `burst: last of ${rack.receivedNotifications}/${rack.expectedNotifications} tenant notifications (${rack.tenantsNotified} tenants) after ${rack.lastNotificationMs} ms, ${rack.notificationsPerSecond} notifications/s\n`,
    );
    const dir = join(PROJECT_ROOT, 'bench-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`results written to bench-results/latest.json\n`);
  } finally {
    destroyAwsClients();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
