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
import { type RecoveryNotification } from '../../lib/contracts/recovery-notification';
import { FENCING_DETAIL_PREFIX } from '../../lib/inspector/fencing-signals';
import { awsClients } from '../../lib/platform/aws-clients';
import { config, type Config } from '../../lib/platform/config';
import { localApiUrl } from '../../lib/platform/local-stack/local-endpoints';
import { localSnsCertificateAgent } from '../../lib/platform/local-stack/local-sns-certificate';
import { ExampleVnfManager } from '../../test/sample-vnfm/example-vnf-manager';
import { createAdminTopic } from './bootstrap';
import { canRunLab, runCollectorDemo } from './collector-demo';
import { fileScenario, openStackScenario, type Scenario } from './demo-scenario';
import { canRunBmc, runFencingDemo } from './fencing-demo';
import { registerVnffmCatalogEntry } from './keystone-catalog';
import { LocalCloud } from './local-cloud';
import { useLocalEnvironment } from './local-env';
import { runMaintenanceDemo } from './maintenance-demo';
import type { NetnsLab } from './netns-lab';
import { OPENSTACK_LOG, openstackScript, startOpenStack } from './openstack';
import { SnsHttpSubscriber, type ReceivedMessage } from './sns-http-subscriber';
import { startLocalStack, type LocalStack } from './stack';

const say = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What this command has started so far: what a failure stops, as Ctrl-C does. */
let stack: LocalStack | undefined;
let lab: NetnsLab | undefined;
let openStackStarted = false;
/** What the demo opened that must be closed before the stack stops (its consumer, a scenario's servers). */
const closers: (() => Promise<unknown>)[] = [];
let stopping: Promise<void> | undefined;

/**
 * Stops everything this command started, once, however it is asked: Ctrl-C (a second one while
 * stopping changes nothing), SIGTERM from a supervisor, SIGHUP from a closed terminal, a failure.
 * A SIGKILL cannot be caught: then every process of the stack dies with this one (infra/local/stack.ts)
 * and the next start removes a namespace lab left behind.
 */
function stopEverything(code: number): Promise<void> {
  stopping ??= (async () => {
    say('\nstopping ...');
    for (const close of closers.reverse()) await close().catch(() => undefined);
    // Left running, the lab's collectors would report its teardown to the next run's stack.
    await lab?.destroy().catch(() => undefined);
    await stack?.stop().catch(() => undefined);
    if (openStackStarted) await openstackScript('stop').catch(() => undefined);
    process.exit(code);
  })();
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopEverything(0));

/** What the demo runs on: the local OpenStack (none with VIM=none) and the local stack. */
interface Infrastructure {
  cloud: LocalCloud | undefined;
  stack: LocalStack;
}

/** What the demo's steps share. */
interface Demo extends Infrastructure {
  cfg: Config;
  scenario: Scenario;
  /** Subscribed to the tenants' topics and the admin topic, it prints each delivery. */
  consumer: SnsHttpSubscriber;
  /** The tenant's example VNF manager, when the VIM gave it an active/standby pair. */
  vnfm: ExampleVnfManager | undefined;
  /** One collector's events, numbered in sequence from the heartbeat on. */
  injector: FaultInjector;
  /** When the last fault was injected: deliveries are timed from it. */
  sent: { at: number };
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

/** The VIM: its first run installs it, hence the log's path up front. */
async function startLocalOpenStack(): Promise<LocalCloud> {
  say('Starting the local OpenStack (Keystone, Nova with 3 fake compute hosts, Glance, Neutron, Placement);');
  say(`the first run installs it from Debian's packages, about 4 minutes (log: ${OPENSTACK_LOG}) ...`);
  const started = Date.now();
  const cloud = new LocalCloud(await startOpenStack(3));
  openStackStarted = true;
  say(
    `  OpenStack up in ${((Date.now() - started) / 1000).toFixed(0)} s: ${cloud.env.authUrl}, hosts ${cloud.env.computeHosts.join(', ')}`,
  );
  return cloud;
}

/** The local OpenStack unless VIM=none, then the local stack. */
async function startInfrastructure(): Promise<Infrastructure> {
  const cloud = process.env.NFVI_VIM !== 'none' ? await startLocalOpenStack() : undefined;
  say('Starting the local stack: DynamoDB Local, the local EventBridge, SNS and SQS, serverless-offline ...');
  const started = Date.now();
  stack = await startLocalStack();
  // SOL 003 clients (Tacker's) find the fault-management binding in Keystone's catalog.
  if (cloud) await registerVnffmCatalogEntry(cloud.env, localApiUrl(stack.ports));
  say(
    `  ${stack.reused ? "reusing this checkout's running stack" : `up in ${((Date.now() - started) / 1000).toFixed(1)} s`} (log: ${stack.logFile})`,
  );
  say(cloud ? '  VIM: the local OpenStack' : '  VIM: none (VIM=none) - notifications only, no VIM actions');
  return { cloud, stack };
}

/** The admin topic, the scenario, the demo consumer and, with the local OpenStack, the tenant's VNF manager. */
async function prepareDemo(infrastructure: Infrastructure): Promise<Demo> {
  const { cloud } = infrastructure;
  const { sns, eventBridge } = awsClients();
  const cfg = config();
  await createAdminTopic();
  const scenario = cloud ? await openStackScenario(cloud, say) : await fileScenario(say);
  if (scenario.cleanup) closers.push(scenario.cleanup);
  const { host, tenant, other, topics } = scenario;

  const sent = { at: 0 };
  // Maintenance notifications share the topics; the maintenance demo prints its own.
  const consumer = await SnsHttpSubscriber.start(sns, (m) => {
    if (!m.attributes.eventType?.startsWith('maintenance.')) say(describeDelivery(m, sent.at));
  });
  closers.push(() => consumer.close());
  await consumer.subscribe(topics.get(tenant) as string, `tenant ${tenant}`);
  await consumer.subscribe(cfg.adminTopicArn, 'admin');
  if (other) await consumer.subscribe(topics.get(other) as string, `tenant ${other}`);
  say(
    `  demo consumer ${consumer.url} subscribed to tenant ${tenant}'s topic, the admin topic${other ? ` and tenant ${other}'s topic (nothing on ${host}: it must receive nothing)` : ''}`,
  );

  const vnfm = cloud && scenario.pair && (await startVnfManager(cloud, tenant, scenario.pair, () => sent.at));
  const injector = new FaultInjector(eventBridge, cfg.eventBusName, 'demo-collector');
  return { ...infrastructure, cfg, scenario, consumer, vnfm, injector, sent };
}

/** A heartbeat first, as collectors send: it also warms the correlator, as provisioned concurrency does on AWS. */
async function warmUpCorrelator({ scenario, injector }: Demo): Promise<void> {
  // This machine's own boot id, as the collectors started below will report it: no false reboot.
  const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  await injector.put([injector.event('host.heartbeat', { host: scenario.host, uptimeS: uptime(), bootId })]);
  await sleep(1500);
}

/** The host's management link down: how fast its tenant hears of it, and what the VIM then reports. */
async function demoHostFault({ scenario, consumer, injector, sent }: Demo): Promise<void> {
  const { host, tenant, expected } = scenario;
  say();
  say(`Injecting a host fault: management link of ${host} down (link.state, PutEvents) ...`);
  sent.at = await injector.put([injector.link(host, 'down')]);
  await consumer.waitFor(`tenant ${tenant}`, expected, 15_000);
  await consumer.waitFor('admin', 1, 15_000);
  const first = Math.min(...consumer.from(`tenant ${tenant}`).map((m) => m.receivedAt));
  say(
    `Fault to tenant notification: ${first - sent.at} ms (first of ${expected}), from PutEvents to the consumer's receipt.`,
  );
  await scenario.showVim?.('fault', sent.at);
  const sample = consumer.from(`tenant ${tenant}`)[0];
  if (sample) say(`\nThe notification tenant ${tenant} received:\n${JSON.stringify(sample.message, null, 2)}`);
}

/** The link up again, so that the following demos start from a healthy host. */
async function recoverHost({ scenario, consumer, injector, sent }: Demo): Promise<void> {
  const { host, tenant, expected } = scenario;
  await sleep(1000);
  say(`\nRecovering: management link of ${host} up ...`);
  const before = consumer.from(`tenant ${tenant}`).length;
  sent.at = await injector.put([injector.link(host, 'up')]);
  await consumer.waitFor(`tenant ${tenant}`, before + expected, 15_000);
  await scenario.showVim?.('recovery', sent.at);
  await sleep(500);
}

/** As root: the demo hosts as network namespaces, a collector in each, and a link set down for real. */
async function demoNamespaceLab({ scenario, consumer, sent }: Demo): Promise<void> {
  say();
  if (canRunLab()) {
    say(`Doctor's fault injection: ${scenario.hosts.join(', ')} as network namespaces, an nfvi-collector in each ...`);
    lab = await runCollectorDemo({
      hosts: scenario.hosts,
      host: scenario.host,
      consumer,
      subscription: `tenant ${scenario.tenant}`,
      expected: scenario.expected,
      say,
      onInject: () => {
        sent.at = Date.now();
      },
    });
  } else {
    say(
      "Doctor's fault injection on network namespaces skipped: it needs root (the PutEvents above stood in for a collector).",
    );
  }
}

/** The tenant without instances on the faulty host was told nothing of its faults. */
function reportIsolation({ scenario: { other }, consumer }: Demo): void {
  if (other) say(`Tenant ${other} received ${consumer.from(`tenant ${other}`).length} notifications (isolation).`);
}

/** With the local OpenStack: planned maintenance through the Fenix API, the tenant's VNF manager answering. */
async function demoMaintenance({ cloud, scenario, vnfm }: Demo): Promise<void> {
  // The maintenance demo runs its own VNF manager for the tenant: one answer per notification.
  await vnfm?.close();
  if (cloud) {
    const [, ...toEmpty] = scenario.hosts;
    say();
    say(`Planned maintenance (Fenix API): the administrator empties ${toEmpty.join(' and ')} ...`);
    await runMaintenanceDemo({
      cloud,
      hosts: toEmpty,
      tenant: scenario.tenant,
      tenantTopic: scenario.topics.get(scenario.tenant) as string,
      pair: { active: 'demo-mme-active', standby: 'demo-mme-standby' },
      say,
    });
  }
}

/** With the local OpenStack and a simulated BMC: a host dies, is fenced, and its instances are evacuated. */
async function demoFencing({ cloud, scenario, consumer, sent }: Demo): Promise<void> {
  const { host, tenant } = scenario;
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
        sent.at = Date.now();
      },
      say,
    });
  } else if (cloud) {
    say('\nFencing and recovery demo skipped: it needs ipmi_sim and ipmitool (Debian packages openipmi, ipmitool).');
  }
}

/** The endpoints, for the CLI, the benchmark and any other client in another terminal. */
function printEndpoints(demo: Demo): void {
  const { cloud, cfg } = demo;
  const p = demo.stack.ports;
  say(`
The stack is running. Endpoints (stage "local", region us-east-1, any AWS credentials):
  EventBridge (PutEvents)  http://127.0.0.1:${p.eventBridge}   bus ${cfg.eventBusName}, source nfvi.collector
  SNS                      http://127.0.0.1:${p.sns}   admin ${cfg.adminTopicArn}
  DynamoDB Local           http://127.0.0.1:${p.dynamodb}
  Lambda (invoke)          http://127.0.0.1:${p.lambda}
  HTTP API (X-Auth-Token)  http://127.0.0.1:${p.http}/v1/alarms, /v1/subscriptions, /v1/recoveries, /v1/recovery-policy, /v1/tenants/{tenantId}/topic, POST /v1/inventory/sync, /v1/maintenance${cloud ? `\n  Keystone                 ${cloud.env.authUrl} (admin / secret)` : ''}
Try: npm run cli -- --local alarms --all    npm run cli -- --local hosts    npm run bench   (in another terminal; they use this stack)
Ctrl-C stops everything this command started.`);
}

/** On Ctrl-C (at once with NFVI_DEMO_EXIT=1), stops everything this command started. */
async function stopOnCtrlC(): Promise<void> {
  if (process.env.NFVI_DEMO_EXIT === '1') await stopEverything(0);
}

async function main(): Promise<void> {
  useLocalEnvironment();
  const demo = await prepareDemo(await startInfrastructure());
  await warmUpCorrelator(demo);
  await demoHostFault(demo);
  await recoverHost(demo);
  await demoNamespaceLab(demo);
  reportIsolation(demo);
  await demoMaintenance(demo);
  await demoFencing(demo);
  printEndpoints(demo);
  await stopOnCtrlC();
}

main().catch(async (error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopEverything(1);
});
