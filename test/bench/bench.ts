/**
 * `npm run bench`: fault-to-notification figures through the local stack (started here, or
 * the one `npm start` is running). Prints a table and writes bench-results/latest.json.
 *
 * 1. latency: one host fault at a time (at least 200), PutEvents -> the tenant's HTTP subscriber;
 * 2. burst: a rack of 40 hosts x 50 instances over 100 tenants fails at once; time until the
 *    last tenant notification arrives, and notifications per second;
 * 3. detection (Doctor's measure): hosts as network namespaces with an nfvi-collector each;
 *    `ip link set down` (T00) -> the tenant's subscriber (T09), detection (T00 -> T01) apart,
 *    for a data link (the host reports it) and a management link (its peers' quorum reports it);
 * 4. VIM path (unless VIM=none): a fake host of the local OpenStack with 50 servers of two
 *    projects fails; Doctor's profiler points T09 (tenants notified), T04 (host forced down) and
 *    T03 (all instances in ERROR), from PutEvents, as the VIM adapter reports them; Nova is
 *    checked to show that state.
 * 5. maintenance makespan of simulated 20-host clusters (test/bench/maintenance-makespan.ts);
 * 6. switch-over (unless VIM=none; 4 and 6 run first): the example VNF manager, subscribed through the fault API and
 *    verifying SNS signatures with the consumer kit, switches its pair over when the active's
 *    host fails; PutEvents -> switched over, to compare with 1 (test/bench/vnf-switch-over.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../lib/inventory/load-inventory';
import { awsClients, destroyAwsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';

import { createAdminTopic } from '../../infra/local/bootstrap';
import { watchBus } from '../../infra/local/bus-watcher';
import { callApi, LocalCloud } from '../../infra/local/local-cloud';
import { useLocalEnvironment } from '../../infra/local/local-env';
import { startOpenStack } from '../../infra/local/openstack';
import { SnsHttpSubscriber } from '../../infra/local/sns-http-subscriber';
import { PROJECT_ROOT, startLocalStack } from '../../infra/local/stack';
import { DynamoDbInventory } from '../../lib/adapters/dynamodb/dynamodb-inventory';
import { FaultInjector } from '../../lib/adapters/eventbridge/fault-injector';
import { TenantTopics } from '../../lib/adapters/sns/tenant-topics';
import { FENCING_INSTANCES, FENCING_RUNS, fencingRecovery } from './fencing-recovery';
import { maintenanceMakespan, printMaintenance } from './maintenance-makespan';
import { NETNS_HOST_FAULTS, NETNS_LINK_FAULTS, netnsDetection, type DetectionSample } from './netns-detection';
import { SWITCH_OVER_RUNS, vnfSwitchOver } from './vnf-switch-over';

import { type InventoryFile } from '../../lib/contracts/inventory';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

const VIM_RUNS = 3;
const VIM_INSTANCES = 50;

async function vimPath(cloud: LocalCloud, subscriber: SnsHttpSubscriber, injector: FaultInjector) {
  const host = cloud.env.computeHosts[0] as string;
  const nova = cloud.nova();
  await cloud.deleteAll((await nova.listServers({ host })).filter((s) => s.name.startsWith('bench-')));
  await nova.forceDown(host, false);
  const half = Array.from({ length: VIM_INSTANCES / 2 }, (_, i) => i);
  const servers = [
    ...(await cloud.boot(
      'tenant-a',
      host,
      half.map((i) => `bench-a-${i}`),
    )),
    ...(await cloud.boot(
      'tenant-b',
      host,
      half.map((i) => `bench-b-${i}`),
    )),
  ];
  const synced = await callApi('POST', '/v1/inventory/sync', await cloud.adminToken());
  if (synced.status !== 200) throw new Error(`inventory sync answered ${synced.status}`);
  const tenants = ['tenant-a', 'tenant-b'].map((name) => cloud.projectId(name));
  for (const tenant of tenants) {
    const answer = await callApi('GET', `/v1/tenants/${tenant}/topic`, await cloud.adminToken());
    await subscriber.subscribe(String(answer.body.topicArn), `vim-${tenant}`);
  }
  const bus = await watchBus();
  const runs: { t09FirstMs: number; t09LastMs: number; t04Ms: number; t03Ms: number }[] = [];
  try {
    for (let run = 0; run < VIM_RUNS; run++) {
      const received = () =>
        subscriber.received.filter((m) => m.subscription.startsWith('vim-') && m.attributes.host === host);
      const before = received().length;
      const reportsBefore = bus.entries.length;
      const sentAt = await injector.put([injector.link(host, 'down')]);
      const deadline = Date.now() + 60_000;
      const report = () =>
        bus.entries
          .slice(reportsBefore)
          .filter((e) => e.DetailType === 'VimActionsApplied')
          .map((e) => JSON.parse(e.Detail) as { host: string; forcedDownAt?: string; instancesErroredAt?: string })
          .find((d) => d.host === host && d.instancesErroredAt);
      while ((received().length < before + VIM_INSTANCES || !report()) && Date.now() < deadline) await sleep(20);
      const arrivals = received()
        .slice(before)
        .map((m) => m.receivedAt - sentAt);
      const applied = report();
      if (!applied?.forcedDownAt || !applied.instancesErroredAt) throw new Error('the VIM adapter reported no actions');
      const statuses = await Promise.all(servers.map(async (s) => (await nova.getServer(s.id)).status));
      if (!statuses.every((st) => st === 'ERROR') || !(await cloud.computeService(host)).forcedDown) {
        throw new Error('Nova does not show the host forced down with its servers in ERROR');
      }
      runs.push({
        t09FirstMs: Math.min(...arrivals),
        t09LastMs: Math.max(...arrivals),
        t04Ms: Date.parse(applied.forcedDownAt) - sentAt,
        t03Ms: Date.parse(applied.instancesErroredAt) - sentAt,
      });
      await injector.put([injector.link(host, 'up')]);
      await eventuallyUp(cloud, host);
      await nova.resetStateAll(
        servers.map((s) => s.id),
        'active',
      );
    }
  } finally {
    bus.close();
    await cloud.deleteAll(servers);
  }
  return { host, instances: VIM_INSTANCES, runs };
}

async function eventuallyUp(cloud: LocalCloud, host: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await cloud.computeService(host)).forcedDown) {
    if (Date.now() > deadline) throw new Error(`${host} stayed forced down after the recovery`);
    await sleep(200);
  }
}

async function main(): Promise<void> {
  useLocalEnvironment();
  const stack = await startLocalStack();
  try {
    await createAdminTopic();
    const { sns, eventBridge } = awsClients();
    const subscriber = await SnsHttpSubscriber.start(sns);
    const injector = new FaultInjector(eventBridge, config().eventBusName, `bench-${run}`);
    // The VIM first: the faults of the hosts below, which Nova does not know, leave the VIM
    // adapter hundreds of reset-state calls that keep the local nova-api busy for minutes.
    const cloud = process.env.NFVI_VIM === 'none' ? undefined : new LocalCloud(await startOpenStack(3));
    if (cloud) process.stdout.write(`VIM path: ${VIM_INSTANCES} servers on a fake host, ${VIM_RUNS} runs ...\n`);
    const vim = cloud && (await vimPath(cloud, subscriber, injector));
    if (cloud)
      process.stdout.write(
        `switch-over: the example VNF manager, ${SWITCH_OVER_RUNS} faults on its active's host ...\n`,
      );
    const switchOver = cloud && (await vnfSwitchOver(cloud, subscriber, injector, load, run));
    const switchOverMs = switchOver && summary(switchOver.samples.map((s) => s.switchOverMs));
    const sameFaultNotificationMs = switchOver && summary(switchOver.samples.map((s) => s.notificationMs));
    const afterNotificationMs = switchOver && summary(switchOver.samples.map((s) => s.switchOverMs - s.notificationMs));
    if (switchOverMs && sameFaultNotificationMs && afterNotificationMs)
      process.stdout.write(
        `  switched over p50 ${switchOverMs.p50} ms, p99 ${switchOverMs.p99} ms; the same faults reached a plain subscriber p50 ${sameFaultNotificationMs.p50} ms, p99 ${sameFaultNotificationMs.p99} ms (switch-over minus notification p50 ${afterNotificationMs.p50} ms)\n`,
      );
    if (cloud)
      process.stdout.write(
        `fencing and evacuation: a host with ${FENCING_INSTANCES} instances dies (peer quorum), ${FENCING_RUNS} runs ...\n`,
      );
    const fencing = cloud && (await fencingRecovery(cloud, subscriber, injector));
    const fencingSummary = fencing && {
      deathToFencedMs: summary(fencing.runs.map((r) => r.deathToFencedMs)),
      deathToEvacuatedMs: summary(fencing.runs.map((r) => r.deathToEvacuatedMs)),
      deathToDoneNotifiedMs: summary(fencing.runs.map((r) => r.deathToDoneNotifiedMs)),
    };
    if (fencingSummary)
      process.stdout.write(
        `  confirmed death -> fenced p50 ${fencingSummary.deathToFencedMs.p50} ms; -> ${FENCING_INSTANCES} instances ACTIVE elsewhere p50 ${fencingSummary.deathToEvacuatedMs.p50} ms (max ${fencingSummary.deathToEvacuatedMs.max} ms)\n`,
      );
    process.stdout.write(
      `latency: ${LATENCY_FAULTS} host faults, one at a time (after ${WARMUP_FAULTS} warm-up faults) ...\n`,
    );
    const lat = await latency(subscriber, injector);
    process.stdout.write(`  p50 ${lat.p50} ms, p95 ${lat.p95} ms, p99 ${lat.p99} ms\n`);
    process.stdout.write(
      `burst: ${BURST.hosts} hosts x ${BURST.instancesPerHost} instances over ${BURST.tenants} tenants at once ...\n`,
    );
    const rack = await burst(subscriber, injector);
    process.stdout.write(`  last of ${rack.receivedNotifications} notifications after ${rack.lastNotificationMs} ms\n`);
    process.stdout.write(
      `detection: network namespaces, ${NETNS_LINK_FAULTS} data link and ${NETNS_HOST_FAULTS} management link faults ...\n`,
    );
    const detection = await netnsDetection(subscriber, load, run);
    const phases = (samples: DetectionSample[]) => ({
      detectionMs: summary(samples.map((s) => s.detectionMs)),
      notificationMs: summary(samples.map((s) => s.notificationMs)),
      totalMs: summary(samples.map((s) => s.totalMs)),
    });
    const linkFault = phases(detection.link);
    const hostDown = phases(detection.hostDown);
    for (const [name, p] of [
      ['data link', linkFault],
      ['host down (peer quorum)', hostDown],
    ] as const)
      process.stdout.write(
        `  ${name}: T00 -> T09 p50 ${p.totalMs.p50} ms, p99 ${p.totalMs.p99} ms; detection T00 -> T01 p50 ${p.detectionMs.p50} ms, p99 ${p.detectionMs.p99} ms\n`,
      );
    const maintenance = maintenanceMakespan();
    printMaintenance(maintenance);
    await subscriber.close();

    const results = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
      stack: 'local: serverless-offline + offline EventBridge + offline SNS (HTTP delivery) + DynamoDB Local',
      faultToTenantNotificationMs: lat,
      burst: rack,
      netnsDetection: {
        note: 'T00 = ip link set down inside a host namespace; T01 = the observation that raised the alarm (its eventTime); T09 = the tenant HTTP subscriber',
        dataLinkDown: linkFault,
        managementLinkDownByPeerQuorum: hostDown,
      },
      vimPath: vim,
      vnfSwitchOver: switchOver && {
        note: 'PutEvents -> the example VNF manager switched its pair over (SNS HTTP delivery, signature verified by the consumer kit)',
        switchOverMs,
        sameFaultToPlainSubscriberMs: sameFaultNotificationMs,
        switchOverMinusNotificationMs: afterNotificationMs,
        rejectedDeliveries: switchOver.rejected,
      },
      fencingAndEvacuation: fencing && {
        note: 'from the host-down alarm (death confirmed by peer quorum): HostFenced (IPMI ipmi_sim power off + read back), and every instance ACTIVE on the other host as Nova lists them (tenant policy evacuate, grace 0 s)',
        instances: fencing.instances,
        runs: fencing.runs,
        ...fencingSummary,
      },
      maintenanceMakespan: maintenance,
    };
    const table = [
      ['measure', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      ['PutEvents -> tenant subscriber', lat.count, lat.p50, lat.p95, lat.p99, lat.max],
      ...(switchOverMs
        ? [
            [
              'PutEvents -> VNF manager switched over',
              switchOverMs.count,
              switchOverMs.p50,
              switchOverMs.p95,
              switchOverMs.p99,
              switchOverMs.max,
            ],
          ]
        : []),
      ...(fencingSummary
        ? (
            [
              ['confirmed death -> fenced', fencingSummary.deathToFencedMs],
              [`confirmed death -> ${FENCING_INSTANCES} evacuated ACTIVE`, fencingSummary.deathToEvacuatedMs],
            ] as const
          ).map(([name, s]) => [name, s.count, s.p50, s.p95, s.p99, s.max])
        : []),
      [
        `burst ${BURST.hosts}x${BURST.instancesPerHost}, per notification`,
        rack.receivedNotifications,
        rack.perNotification.p50,
        rack.perNotification.p95,
        rack.perNotification.p99,
        rack.perNotification.max,
      ],
      ...(
        [
          ['data link down', linkFault],
          ['host down (peer quorum)', hostDown],
        ] as const
      ).flatMap(([name, p]) =>
        (['totalMs', 'detectionMs'] as const).map((phase) => [
          `${name}: ${phase === 'totalMs' ? 'T00 -> T09' : '  detection T00 -> T01'}`,
          p[phase].count,
          p[phase].p50,
          p[phase].p95,
          p[phase].p99,
          p[phase].max,
        ]),
      ),
    ];
    const widths = table[0]?.map((_, c) => Math.max(...table.map((row) => String(row[c]).length))) ?? [];
    process.stdout.write(
      `\n${table.map((row) => row.map((v, c) => String(v).padEnd(widths[c] ?? 0)).join('  ')).join('\n')}\n`,
    );
    process.stdout.write(
      `burst: last of ${rack.receivedNotifications}/${rack.expectedNotifications} tenant notifications (${rack.tenantsNotified} tenants) after ${rack.lastNotificationMs} ms, ${rack.notificationsPerSecond} notifications/s\n`,
    );
    for (const [i, r] of (vim?.runs ?? []).entries()) {
      process.stdout.write(
        `VIM path run ${i + 1}, ${vim?.host} with ${vim?.instances} servers: T09 first/last tenant notification ${r.t09FirstMs}/${r.t09LastMs} ms, T04 host forced down ${r.t04Ms} ms, T03 all instances ERROR ${r.t03Ms} ms\n`,
      );
    }
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
