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
 * 4. Doctor side by side (unless VIM=none): Doctor's monitor payload to Doctor's sample inspector
 *    and to nfvi-doctor's Doctor route in turn, 20 and 50 instances on a fake host of the local
 *    OpenStack; T04 (host forced down) and T03 (all instances ERROR) from Nova's database, T09
 *    at the tenants' subscriber, and the ratios (test/bench/doctor-side-by-side.ts).
 * 5. maintenance makespan of simulated 20-host clusters (test/bench/maintenance-makespan.ts), and
 *    (unless VIM=none) Doctor's maintenance scenario on the local OpenStack in the default and the
 *    vnf workflow (test/bench/doctor-maintenance.ts);
 * 6. switch-over (unless VIM=none; 4 and 6 run first): the example VNF manager, subscribed through the fault API and
 *    verifying SNS signatures with the consumer kit, switches its pair over when the active's
 *    host fails; PutEvents -> switched over, to compare with 1 (test/bench/vnf-switch-over.ts).
 * 7. callback dispatcher: one fault at a time to an SNS HTTP subscriber and a SOL 003 callback of
 *    the same tenant; what the dispatcher adds (test/bench/callback-dispatch.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../lib/inventory/load-inventory';
import { awsClients, destroyAwsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';

import { createAdminTopic } from '../../infra/local/bootstrap';
import { LocalCloud } from '../../infra/local/local-cloud';
import { useLocalEnvironment } from '../../infra/local/local-env';
import { startOpenStack } from '../../infra/local/openstack';
import { SnsHttpSubscriber } from '../../infra/local/sns-http-subscriber';
import { PROJECT_ROOT, startLocalStack } from '../../infra/local/stack';
import { DynamoDbInventory } from '../../lib/adapters/dynamodb/dynamodb-inventory';
import { FaultInjector } from '../../lib/adapters/eventbridge/fault-injector';
import { TenantTopics } from '../../lib/adapters/sns/tenant-topics';
import { startPrivateDynamoDb } from '../support/private-dynamodb';
import { awsProjection, printAwsProjection } from './aws-projection';
import { CALLBACK_FAULTS, callbackDispatch, printCallbackDispatch } from './callback-dispatch';
import { correlationCore, printCorrelationCore } from './correlation-core';
import { doctorMaintenance, printDoctorMaintenance } from './doctor-maintenance';
import {
  DOCTOR_SIDE_BY_SIDE_COUNTS,
  DOCTOR_SIDE_BY_SIDE_RUNS,
  doctorSideBySide,
  printDoctorSideBySide,
} from './doctor-side-by-side';
import { FENCING_INSTANCES, FENCING_RUNS, fencingRecovery } from './fencing-recovery';
import { inventoryScale, printInventoryScale } from './inventory-scale';
import { maintenanceMakespan, printMaintenance } from './maintenance-makespan';
import { NETNS_HOST_FAULTS, NETNS_LINK_FAULTS, netnsDetection, type DetectionSample } from './netns-detection';
import { summary } from './percentiles';
import { SWITCH_OVER_RUNS, vnfSwitchOver } from './vnf-switch-over';

import { type InventoryFile } from '../../lib/contracts/inventory';

const LATENCY_FAULTS = Number(process.env.NFVI_BENCH_FAULTS ?? 200);
const WARMUP_FAULTS = 10;
const BURST = { hosts: 40, instancesPerHost: 50, tenants: 100 };

const run = Date.now().toString(36);

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
  // Distinct ids: a copy of a notification does not stand for one still missing.
  const count = () =>
    new Set(subscriber.received.filter((m) => isBurst(m.subscription)).map((m) => String(m.message.id))).size;
  // Warm the correlator outside the measurement, with a burst on hosts of no tenant.
  await injector.put(hosts.map((h) => injector.link(`${h.name}-warmup`, 'down')));
  await new Promise((r) => setTimeout(r, 3000));

  const sentAt = await injector.put(hosts.map((h) => injector.link(h.name, 'down')));
  const deadline = Date.now() + 120_000;
  while (count() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const firstCopies = new Map<string, number>();
  for (const m of subscriber.received.filter((m) => isBurst(m.subscription)))
    if (!firstCopies.has(String(m.message.id))) firstCopies.set(String(m.message.id), m.receivedAt - sentAt);
  const arrivals = [...firstCopies.values()];
  const lastMs = Math.max(...arrivals);
  // A copy arrives after its first, if at all: a moment more to count them.
  await new Promise((r) => setTimeout(r, 2000));
  const received = subscriber.received.filter((m) => isBurst(m.subscription));
  const ids = received.map((m) => String(m.message.id));
  return {
    ...BURST,
    expectedNotifications: expected,
    receivedNotifications: received.length,
    /** Notifications that arrived more than once under the same id (the same transition published twice). */
    duplicateIds: ids.length - new Set(ids).size,
    tenantsNotified: new Set(received.map((m) => m.subscription)).size,
    firstNotificationMs: Math.min(...arrivals),
    lastNotificationMs: lastMs,
    notificationsPerSecond: Math.round((firstCopies.size / lastMs) * 1000),
    perNotification: summary(arrivals),
  };
}

const SCALE_DYNAMODB_PORT = Number(process.env.NFVI_BENCH_DYNAMODB_PORT ?? 8123);

/** The inventory scale section on a DynamoDB Local of its own: two inventories side by side, 210,000 items. */
async function scaleOnPrivateDynamoDb() {
  const db = await startPrivateDynamoDb(SCALE_DYNAMODB_PORT, [
    { stage: 'bench-scale', table: 'InventoryTable' },
    { stage: 'bench-scale-small', table: 'InventoryTable' },
    { stage: 'bench-scale', table: 'AlarmsTable' },
  ]);
  try {
    return await inventoryScale(
      db.client,
      {
        inventory: db.table('bench-scale', 'InventoryTable'),
        smallInventory: db.table('bench-scale-small', 'InventoryTable'),
        alarms: db.table('bench-scale', 'AlarmsTable'),
      },
      { cleanup: false },
    );
  } finally {
    await db.stop();
  }
}

async function main(): Promise<void> {
  useLocalEnvironment();
  // CPU-bound and DynamoDB-bound sections first, before the stack and OpenStack share the cores.
  process.stdout.write('correlation core: in-memory ports, one core ...\n');
  const core = await correlationCore();
  printCorrelationCore(core);
  process.stdout.write('inventory scale: 10,000 hosts / 200,000 instances / 5,000 tenants in DynamoDB Local ...\n');
  const scale = await scaleOnPrivateDynamoDb();
  printInventoryScale(scale);
  const projection = awsProjection();
  const stack = await startLocalStack();
  try {
    await createAdminTopic();
    const { sns, eventBridge } = awsClients();
    const subscriber = await SnsHttpSubscriber.start(sns);
    const injector = new FaultInjector(eventBridge, config().eventBusName, `bench-${run}`);
    // The VIM first: the faults of the hosts below, which Nova does not know, leave the VIM
    // adapter hundreds of reset-state calls that keep the local nova-api busy for minutes.
    const cloud = process.env.NFVI_VIM === 'none' ? undefined : new LocalCloud(await startOpenStack(3));
    if (cloud)
      process.stdout.write(
        `Doctor side by side: ${DOCTOR_SIDE_BY_SIDE_COUNTS.join(' and ')} instances on a fake host, ${DOCTOR_SIDE_BY_SIDE_RUNS} runs each ...\n`,
      );
    const doctor = cloud && (await doctorSideBySide(cloud, subscriber, run));
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
    if (cloud)
      process.stdout.write("maintenance, Doctor's scenario on the local OpenStack: default and vnf workflow ...\n");
    const doctorScenario = cloud && (await doctorMaintenance(cloud));
    if (doctorScenario) printDoctorMaintenance(doctorScenario);
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
    process.stdout.write(`callback dispatcher: ${CALLBACK_FAULTS} host faults, one at a time ...\n`);
    const callbacks = await callbackDispatch(subscriber, injector, load, run);
    printCallbackDispatch(callbacks);
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
      callbackDispatch: callbacks,
      netnsDetection: {
        note: 'T00 = ip link set down inside a host namespace; T01 = the observation that raised the alarm (its eventTime); T09 = the tenant HTTP subscriber',
        dataLinkDown: linkFault,
        managementLinkDownByPeerQuorum: hostDown,
      },
      doctorSideBySide: doctor,
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
      doctorMaintenanceScenario: doctorScenario && {
        note: "doctor_tests/scenario/maintenance.py's session (hosts: [] = every compute host, maintenance_at 30 s ahead, no plug-in) on the local OpenStack, the VNF manager as Doctor's app manager (default) or Fenix's sample VNFM (vnf)",
        rows: doctorScenario,
      },
      correlationCore: core,
      inventoryScale: scale,
      awsProjection: projection,
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
      `burst: last of ${rack.receivedNotifications}/${rack.expectedNotifications} tenant notifications (${rack.tenantsNotified} tenants) after ${rack.lastNotificationMs} ms, ${rack.notificationsPerSecond} notifications/s, ${rack.duplicateIds} duplicate ids at the wire\n`,
    );
    if (doctor) printDoctorSideBySide(doctor);
    printCallbackDispatch(callbacks);
    printAwsProjection(projection);
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
