/**
 * `npm start`: the whole system on this machine. Starts the local OpenStack (VIM) unless
 * VIM=none, then the local stack; boots the demo's servers on fake hosts and syncs the
 * inventory from Nova (with VIM=none: loads the inventory file); subscribes a demo consumer
 * (an HTTP SNS subscriber) to one tenant's topic, another tenant's topic and the admin topic;
 * injects a host fault; prints what arrived, how fast, and what Nova then reports; recovers the
 * host. Then, as root, Doctor's fault injection: the demo hosts as network namespaces with an
 * nfvi-collector each, and `ip link set down` inside one. Then planned maintenance through the
 * Fenix API, with the sample VNF manager answering. The stack stays up until Ctrl-C,
 * which stops everything this command started.
 */
import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';
import { FaultInjector } from '../../lib/adapters/eventbridge/fault-injector';
import type { Server } from '../../lib/adapters/openstack/nova';
import { readInventoryFile } from '../../lib/inventory/inventory-file';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { createAdminTopic, inventoryPath, loadInventoryFile } from './bootstrap';
import { canRunLab, runCollectorDemo } from './collector-demo';
import { canRunBmc, runFencingDemo } from './fencing-demo';
import { runMaintenanceDemo } from './maintenance-demo';

import { localApiUrl } from '../../lib/platform/local-stack/local-endpoints';
import { localSnsCertificateAgent } from '../../lib/platform/local-stack/local-sns-certificate';
import { ExampleVnfManager } from '../../test/sample-vnfm/example-vnf-manager';
import { callApi, LocalCloud } from './local-cloud';
import { useLocalEnvironment } from './local-env';
import type { NetnsLab } from './netns-lab';
import { OPENSTACK_LOG, openstackScript, startOpenStack } from './openstack';
import { SnsHttpSubscriber, type ReceivedMessage } from './sns-http-subscriber';
import { startLocalStack, type LocalStack } from './stack';

import { type RecoveryNotification } from '../../lib/contracts/recovery-notification';
import { FENCING_DETAIL_PREFIX } from '../../lib/inspector/fencing-signals';
const say = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Who the demo watches: the faulty host, a tenant with instances there, and one without. */
interface Scenario {
  host: string;
  /** Every host of the demo, `host` first. */
  hosts: string[];
  tenant: string;
  other: string | undefined;
  topics: Map<string, string>;
  /** Instances of `tenant` on `host`: the notifications it must receive. */
  expected: number;
  /** The tenant's active/standby pair (Nova servers), for the example VNF manager. */
  pair?: { active: Server; standby: Server };
  /** Prints what the VIM reports after the fault, and after the recovery. */
  showVim?: (phase: 'fault' | 'recovery', sentAt: number) => Promise<void>;
  /** Removes what the demo created in the VIM. */
  cleanup?: () => Promise<void>;
}

let stack: LocalStack | undefined;
let lab: NetnsLab | undefined;
let openStackStarted = false;

/** VIM=none: the inventory file (NFVI_DOCTOR_INVENTORY or the demo one), no VIM actions. */
async function fileScenario(): Promise<Scenario> {
  const file = inventoryPath();
  const loaded = await loadInventoryFile(file);
  say(`  inventory ${file}: ${loaded.hosts} hosts, ${loaded.instances} instances, ${loaded.tenants.size} tenants`);
  const inventory = await readInventoryFile(file);
  const host = process.env.NFVI_DEMO_HOST ?? inventory.hosts[0]?.name;
  const onHost = inventory.hosts.find((h) => h.name === host)?.instances ?? [];
  const tenant = onHost[0]?.tenantId;
  if (!host || !tenant) throw new Error(`the inventory has no instance on host ${host}`);
  return {
    host,
    hosts: [host, ...inventory.hosts.map((h) => h.name).filter((name) => name !== host)].slice(0, 3),
    tenant,
    other: [...loaded.tenants.keys()].find((t) => !onHost.some((i) => i.tenantId === t)),
    topics: loaded.tenants,
    expected: onHost.filter((i) => i.tenantId === tenant).length,
  };
}

/** Until the state is reached, polls what Nova reports; returns ms since `since`. */
async function until(check: () => Promise<boolean>, since: number, timeoutMs = 30_000): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return Date.now() - since;
    await sleep(50);
  }
  return undefined;
}

/** The default: real Nova servers of two Keystone projects on fake hosts, the inventory synced from Nova. */
async function openStackScenario(cloud: LocalCloud): Promise<Scenario> {
  const [host, standbyHost, otherHost] = cloud.env.computeHosts;
  if (!host || !standbyHost || !otherHost) throw new Error('the demo needs 3 fake compute hosts');
  const admin = cloud.nova();
  // A previous demo may have left its servers: start from a clean slate.
  const previous = (await admin.listServers()).filter((s) => s.name.startsWith('demo-'));
  await cloud.deleteAll(previous);
  await Promise.all(cloud.env.computeHosts.map((h) => admin.forceDown(h, false)));
  const servers: Server[] = [
    ...(await cloud.boot('tenant-a', host, ['demo-mme-active', 'demo-spgw-active'])),
    ...(await cloud.boot('tenant-a', standbyHost, ['demo-mme-standby'])),
    ...(await cloud.boot('tenant-b', otherHost, ['demo-ims-cscf'])),
  ];
  say(`  booted ${servers.length} Nova servers: tenant-a on ${host} and ${standbyHost}, tenant-b on ${otherHost}`);

  const synced = await callApi('POST', '/v1/inventory/sync', await cloud.adminToken());
  if (synced.status !== 200)
    throw new Error(`inventory sync answered ${synced.status}: ${JSON.stringify(synced.body)}`);
  say(`  inventory synced from Nova (POST /v1/inventory/sync as admin): ${JSON.stringify(synced.body)}`);

  const tenant = cloud.projectId('tenant-a');
  const other = cloud.projectId('tenant-b');
  const topics = new Map<string, string>();
  for (const [name, id] of [
    ['tenant-a', tenant],
    ['tenant-b', other],
  ] as const) {
    const answer = await callApi('GET', `/v1/tenants/${id}/topic`, await cloud.memberToken(name));
    topics.set(id, String(answer.body.topicArn));
  }
  const onHost = servers.filter((s) => s.host === host);
  const showVim = async (phase: 'fault' | 'recovery', sentAt: number) => {
    if (phase === 'fault') {
      const t04 = await until(async () => (await cloud.computeService(host)).forcedDown, sentAt);
      const t03 = await until(
        async () => (await Promise.all(onHost.map((s) => admin.getServer(s.id)))).every((s) => s.status === 'ERROR'),
        sentAt,
      );
      const service = await cloud.computeService(host);
      say(
        `Nova: nova-compute on ${host} forced_down=${service.forcedDown} state=${service.state} (T04 ${t04 ?? '?'} ms after PutEvents)`,
      );
      for (const s of onHost) say(`Nova: server ${s.name} is ${(await admin.getServer(s.id)).status}`);
      say(`Nova: all ${onHost.length} servers on ${host} in ERROR ${t03 ?? '?'} ms after PutEvents (T03)`);
    } else {
      const up = await until(async () => !(await cloud.computeService(host)).forcedDown, sentAt);
      say(`Nova: nova-compute on ${host} forced_down=false again ${up ?? '?'} ms after the recovery event`);
    }
  };
  return {
    host,
    hosts: [host, standbyHost, otherHost],
    tenant,
    other,
    topics,
    expected: onHost.length,
    pair: {
      active: servers.find((s) => s.name === 'demo-mme-active') as Server,
      standby: servers.find((s) => s.name === 'demo-mme-standby') as Server,
    },
    showVim,
    cleanup: () => cloud.deleteAll(servers),
  };
}

function describeDelivery(m: ReceivedMessage, sentAt: number): string {
  const n = m.message;
  const alarm = n.alarm as
    | { perceivedSeverity: string; faultType: string; managedObjectId: string; faultDetails: string[] }
    | undefined;
  const recovery = n.recovery as RecoveryNotification['recovery'] | undefined;
  const fencing = alarm?.faultDetails.find((line) => line.startsWith(FENCING_DETAIL_PREFIX));
  const what = recovery
    ? `${n.notificationType} ${recovery.state} on ${recovery.host}: ${recovery.instances.map((i) => `${i.name} ${i.policy} ${i.state}${i.host && i.host !== recovery.host ? ` on ${i.host}` : ''}`).join(', ')}`
    : alarm
      ? `${n.notificationType} ${alarm.perceivedSeverity} ${alarm.faultType} on ${alarm.managedObjectId}${fencing ? ` (${fencing.split(' (')[0]})` : ''}`
      : `${n.notificationType} alarm ${n.alarmId}`;
  return `  [${m.subscription}] +${m.receivedAt - sentAt} ms  ${what}`;
}

/**
 * The example VNF manager of the tenant, as a VNF vendor runs it: subscribed through the fault
 * API with the tenant's own token, every delivery's SNS signature verified by the consumer kit.
 */
async function startVnfManager(
  cloud: LocalCloud,
  tenant: string,
  pair: { active: Server; standby: Server },
  sentAt: () => number,
): Promise<ExampleVnfManager> {
  const names = new Map([pair.active, pair.standby].map((s) => [s.id, s.name]));
  const vnfm = await ExampleVnfManager.start({
    apiUrl: localApiUrl(),
    projectId: tenant,
    token: () => cloud.memberToken('tenant-a'),
    pair: { active: pair.active.id, standby: pair.standby.id },
    requestAgent: localSnsCertificateAgent(),
    onEvent: (event) => {
      if (event.kind === 'rejected') say(`  [example VNF manager] rejected a delivery: ${event.reason}`);
      else if (event.handled.outcome === 'switched-over')
        say(
          `  [example VNF manager of ${tenant}] +${event.at - sentAt()} ms  switched over: ${names.get(event.handled.from)} -> ${names.get(event.handled.to)} (SNS signature verified)`,
        );
    },
  });
  say(
    `  example VNF manager ${vnfm.url} subscribed with POST /v1/subscriptions (tenant-a's token): ${pair.active.name} active on ${pair.active.host}, ${pair.standby.name} standby on ${pair.standby.host}`,
  );
  return vnfm;
}

async function main(): Promise<void> {
  useLocalEnvironment();
  const vim = process.env.NFVI_VIM !== 'none';
  let cloud: LocalCloud | undefined;
  if (vim) {
    say('Starting the local OpenStack (Keystone, Nova with 3 fake compute hosts, Glance, Neutron, Placement);');
    say(`the first run installs it from Debian's packages, about 4 minutes (log: ${OPENSTACK_LOG}) ...`);
    const started = Date.now();
    cloud = new LocalCloud(await startOpenStack(3));
    openStackStarted = true;
    say(
      `  OpenStack up in ${((Date.now() - started) / 1000).toFixed(0)} s: ${cloud.env.authUrl}, hosts ${cloud.env.computeHosts.join(', ')}`,
    );
  }
  say('Starting the local stack: DynamoDB Local, offline SNS, offline EventBridge, serverless-offline ...');
  const started = Date.now();
  stack = await startLocalStack();
  say(
    `  ${stack.reused ? 'reusing the running stack' : `up in ${((Date.now() - started) / 1000).toFixed(1)} s`} (log: ${stack.logFile})`,
  );
  say(vim ? '  VIM: the local OpenStack' : '  VIM: none (VIM=none) - notifications only, no VIM actions');

  const { sns, eventBridge } = awsClients();
  const cfg = config();
  await createAdminTopic();
  const scenario = cloud ? await openStackScenario(cloud) : await fileScenario();
  const { host, tenant, other, topics, expected } = scenario;

  let sentAt = 0;
  // Maintenance notifications share the topics; the maintenance demo prints its own.
  const consumer = await SnsHttpSubscriber.start(sns, (m) => {
    if (!m.attributes.eventType?.startsWith('maintenance.')) say(describeDelivery(m, sentAt));
  });
  await consumer.subscribe(topics.get(tenant) as string, `tenant ${tenant}`);
  await consumer.subscribe(cfg.adminTopicArn, 'admin');
  if (other) await consumer.subscribe(topics.get(other) as string, `tenant ${other}`);
  say(
    `  demo consumer ${consumer.url} subscribed to tenant ${tenant}'s topic, the admin topic${other ? ` and tenant ${other}'s topic (nothing on ${host}: it must receive nothing)` : ''}`,
  );

  const vnfm = cloud && scenario.pair && (await startVnfManager(cloud, tenant, scenario.pair, () => sentAt));

  const injector = new FaultInjector(eventBridge, cfg.eventBusName, 'demo-collector');
  // A heartbeat first, as collectors send: it also warms the correlator, as provisioned concurrency does on AWS.
  // This machine's own boot id, as the collectors started below will report it: no false reboot.
  const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  await injector.put([injector.event('host.heartbeat', { host, uptimeS: uptime(), bootId })]);
  await sleep(1500);

  say();
  say(`Injecting a host fault: management link of ${host} down (link.state, PutEvents) ...`);
  sentAt = await injector.put([injector.link(host, 'down')]);
  await consumer.waitFor(`tenant ${tenant}`, expected, 15_000);
  await consumer.waitFor('admin', 1, 15_000);
  const first = Math.min(...consumer.from(`tenant ${tenant}`).map((m) => m.receivedAt));
  say(
    `Fault to tenant notification: ${first - sentAt} ms (first of ${expected}), from PutEvents to the consumer's receipt.`,
  );
  await scenario.showVim?.('fault', sentAt);
  const sample = consumer.from(`tenant ${tenant}`)[0];
  if (sample) say(`\nThe notification tenant ${tenant} received:\n${JSON.stringify(sample.message, null, 2)}`);

  await sleep(1000);
  say(`\nRecovering: management link of ${host} up ...`);
  const before = consumer.from(`tenant ${tenant}`).length;
  sentAt = await injector.put([injector.link(host, 'up')]);
  await consumer.waitFor(`tenant ${tenant}`, before + expected, 15_000);
  await scenario.showVim?.('recovery', sentAt);
  await sleep(500);

  say();
  if (canRunLab()) {
    say(`Doctor's fault injection: ${scenario.hosts.join(', ')} as network namespaces, an nfvi-collector in each ...`);
    lab = await runCollectorDemo({
      hosts: scenario.hosts,
      host,
      consumer,
      subscription: `tenant ${tenant}`,
      expected,
      say,
      onInject: () => {
        sentAt = Date.now();
      },
    });
  } else {
    say(
      "Doctor's fault injection on network namespaces skipped: it needs root (the PutEvents above stood in for a collector).",
    );
  }
  if (other) say(`Tenant ${other} received ${consumer.from(`tenant ${other}`).length} notifications (isolation).`);

  // The maintenance demo runs its own VNF manager for the tenant: one answer per notification.
  await vnfm?.close();
  if (cloud) {
    const [, ...toEmpty] = scenario.hosts;
    say();
    say(`Planned maintenance (Fenix API): the administrator empties ${toEmpty.join(' and ')} ...`);
    await runMaintenanceDemo({
      cloud,
      hosts: toEmpty,
      tenant,
      tenantTopic: topics.get(tenant) as string,
      pair: { active: 'demo-mme-active', standby: 'demo-mme-standby' },
      say,
    });
  }

  if (cloud && (await canRunBmc())) {
    say();
    say(`A host dies (peer quorum), is fenced through its BMC, and tenant ${tenant}'s instances are evacuated ...`);
    await runFencingDemo({
      cloud,
      host,
      tenant,
      consumer,
      subscription: `tenant ${tenant}`,
      lab,
      onInject: () => {
        sentAt = Date.now();
      },
      say,
    });
  } else if (cloud) {
    say('\nFencing and recovery demo skipped: it needs ipmi_sim and ipmitool (Debian packages openipmi, ipmitool).');
  }

  const p = stack.ports;
  const running = stack;
  say(`
The stack is running. Endpoints (stage "local", region us-east-1, any AWS credentials):
  EventBridge (PutEvents)  http://127.0.0.1:${p.eventBridge}   bus ${cfg.eventBusName}, source nfvi.collector
  SNS                      http://127.0.0.1:${p.sns}   admin ${cfg.adminTopicArn}
  DynamoDB Local           http://127.0.0.1:${p.dynamodb}
  Lambda (invoke)          http://127.0.0.1:${p.lambda}
  HTTP API (X-Auth-Token)  http://127.0.0.1:${p.http}/v1/alarms, /v1/subscriptions, /v1/recoveries, /v1/recovery-policy, /v1/tenants/{tenantId}/topic, POST /v1/inventory/sync, /v1/maintenance${cloud ? `\n  Keystone                 ${cloud.env.authUrl} (admin / secret)` : ''}
Try: npm run cli -- --local alarms --all    npm run cli -- --local hosts    npm run bench   (in another terminal; they use this stack)
Ctrl-C stops everything this command started.`);

  const shutdown = async () => {
    say('\nstopping ...');
    await consumer.close().catch(() => undefined);
    await lab?.destroy().catch(() => undefined);
    await scenario.cleanup?.().catch(() => undefined);
    await running.stop();
    if (openStackStarted) await openstackScript('stop');
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  if (process.env.NFVI_DEMO_EXIT === '1') await shutdown();
}

main().catch(async (error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  // Left running, the lab's collectors would report its teardown to the next run's stack.
  await lab?.destroy().catch(() => undefined);
  await stack?.stop();
  if (openStackStarted) await openstackScript('stop').catch(() => undefined);
  process.exit(1);
});
