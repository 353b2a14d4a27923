/**
 * `npm start`: the whole system on this machine. Boots the local stack, loads the inventory,
 * subscribes a demo consumer (an HTTP SNS subscriber) to one tenant's topic, another tenant's
 * topic and the admin topic, injects a host fault, prints what arrived and how fast, then
 * recovers the host. The stack stays up until Ctrl-C, which stops everything it started.
 */
import { awsClients } from '../../lib/aws/clients';
import { config } from '../../lib/config';
import { readInventoryFile } from '../../lib/inventory/inventory-file';
import { tenantTopicName } from '../../lib/tenants/tenant-topics';
import { createAdminTopic, inventoryPath, loadInventoryFile } from './bootstrap';
import { FaultInjector } from './fault-injector';
import { useLocalEnvironment } from './local-env';
import { SnsHttpSubscriber, type ReceivedMessage } from './sns-http-subscriber';
import { startLocalStack, type LocalStack } from './stack';

let stack: LocalStack | undefined;

const say = (line = '') => process.stdout.write(`${line}\n`);

function describe(m: ReceivedMessage, sentAt: number): string {
  const n = m.message;
  const alarm = n.alarm as Record<string, unknown> | undefined;
  const what = alarm
    ? `${n.notificationType} ${alarm.perceivedSeverity} ${alarm.faultType} on ${alarm.managedObjectId}`
    : `${n.notificationType} alarm ${n.alarmId}`;
  return `  [${m.subscription}] +${m.receivedAt - sentAt} ms  ${what}`;
}

async function main(): Promise<void> {
  useLocalEnvironment();
  say('nfvi-doctor local stack: starting DynamoDB Local, offline SNS, offline EventBridge, serverless-offline ...');
  const started = Date.now();
  stack = await startLocalStack();
  say(
    `  ${stack.reused ? 'reusing the running stack' : `up in ${((Date.now() - started) / 1000).toFixed(1)} s`} (log: ${stack.logFile})`,
  );
  say('  VIM: none - notifications only (the OpenStack VIM adapter is not part of this build)');

  const { sns, eventBridge } = awsClients();
  const cfg = config();
  await createAdminTopic();
  const file = inventoryPath();
  const loaded = await loadInventoryFile(file);
  say(`  inventory ${file}: ${loaded.hosts} hosts, ${loaded.instances} instances, ${loaded.tenants.size} tenants`);

  const inventory = await readInventoryFile(file);
  const host = process.env.NFVI_DEMO_HOST ?? inventory.hosts[0]?.name;
  const onHost = inventory.hosts.find((h) => h.name === host)?.instances ?? [];
  const tenant = onHost[0]?.tenantId;
  const other = [...loaded.tenants.keys()].find((t) => !onHost.some((i) => i.tenantId === t));
  if (!host || !tenant) throw new Error(`the inventory has no instance on host ${host}`);

  let sentAt = 0;
  const consumer = await SnsHttpSubscriber.start(sns, (m) => say(describe(m, sentAt)));
  await consumer.subscribe(loaded.tenants.get(tenant) as string, `tenant ${tenant}`);
  await consumer.subscribe(cfg.adminTopicArn, 'admin');
  if (other) await consumer.subscribe(loaded.tenants.get(other) as string, `tenant ${other}`);
  say(
    `  demo consumer ${consumer.url} subscribed to ${tenantTopicName(cfg.topicPrefix, tenant)}, the admin topic${other ? ` and tenant ${other}'s topic (not on ${host}: it must receive nothing)` : ''}`,
  );

  const injector = new FaultInjector(eventBridge, cfg.eventBusName, 'demo-collector');
  const expected = onHost.filter((i) => i.tenantId === tenant).length;
  say();
  say(`Injecting a host fault: management link of ${host} down (link.state, PutEvents) ...`);
  sentAt = await injector.put([injector.link(host, 'down')]);
  await consumer.waitFor(`tenant ${tenant}`, expected, 15_000);
  await consumer.waitFor('admin', 1, 15_000);
  const first = Math.min(...consumer.from(`tenant ${tenant}`).map((m) => m.receivedAt));
  say(
    `Fault to tenant notification: ${first - sentAt} ms (first of ${expected}), measured from PutEvents to the consumer's receipt.`,
  );
  const sample = consumer.from(`tenant ${tenant}`)[0];
  if (sample) say(`\nThe notification tenant ${tenant} received:\n${JSON.stringify(sample.message, null, 2)}`);

  await new Promise((r) => setTimeout(r, 1000));
  say(`\nRecovering: management link of ${host} up ...`);
  const before = consumer.from(`tenant ${tenant}`).length;
  sentAt = await injector.put([injector.link(host, 'up')]);
  await consumer.waitFor(`tenant ${tenant}`, before + expected, 15_000);
  await new Promise((r) => setTimeout(r, 500));
  if (other) say(`Tenant ${other} received ${consumer.from(`tenant ${other}`).length} notifications (isolation).`);

  const p = stack.ports;
  const running = stack;
  say(`
The stack is running. Endpoints (stage "local", region us-east-1, any credentials):
  EventBridge (PutEvents)  http://127.0.0.1:${p.eventBridge}   bus ${cfg.eventBusName}, source nfvi.collector
  SNS                      http://127.0.0.1:${p.sns}   admin ${cfg.adminTopicArn}
  DynamoDB Local           http://127.0.0.1:${p.dynamodb}
  Lambda (invoke)          http://127.0.0.1:${p.lambda}
Try: npm run bench   (in another terminal; it reuses this stack)
Ctrl-C stops everything this command started.`);

  const shutdown = async () => {
    say('\nstopping ...');
    await consumer.close().catch(() => undefined);
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  if (process.env.NFVI_DEMO_EXIT === '1') await shutdown();
}

main().catch(async (error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stack?.stop();
  process.exit(1);
});
