import type { SnsHttpSubscriber } from '../../infra/local/sns-http-subscriber';
import { DynamoDbCallbackSubscriptions } from '../../lib/adapters/dynamodb/dynamodb-callback-subscriptions';
import type { FaultInjector } from '../../lib/adapters/eventbridge/fault-injector';
import { SnsDispatcherRouting } from '../../lib/adapters/sns/sns-dispatcher-routing';
import { TenantTopics } from '../../lib/adapters/sns/tenant-topics';
import type { InventoryFile } from '../../lib/contracts/inventory';
import { callbackSubscriptionIdOf } from '../../lib/notifier/callbacks/callback-subscription';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { CallbackConsumer } from '../support/callback-consumer';
import { summary, type Summary } from './percentiles';

export const CALLBACK_FAULTS = Number(process.env.NFVI_BENCH_CALLBACK_FAULTS ?? 100);
const WARMUP = 5;

export interface CallbackDispatchResult {
  note: string;
  faults: number;
  /** PutEvents -> the tenant's SNS HTTP subscriber. */
  toSnsSubscriberMs: Summary;
  /** PutEvents -> the tenant's SOL 003 callback, through the dispatcher. */
  toCallbackMs: Summary;
  /** What the dispatcher adds: callback minus SNS subscriber, per fault. */
  addedMs: Summary;
}

/**
 * The callback dispatcher's cost: one host fault at a time, each tenant notification reaching
 * both an SNS HTTP subscriber and a SOL 003 callback of the same tenant (the subscription made
 * as the API makes it: stored, and the dispatcher subscribed to the tenant's topic).
 */
export async function callbackDispatch(
  subscriber: SnsHttpSubscriber,
  injector: FaultInjector,
  load: (inventory: InventoryFile) => Promise<Map<string, string>>,
  run: string,
): Promise<CallbackDispatchResult> {
  const cfg = config();
  const { dynamo, sns } = awsClients();
  const tenant = `bench-callback-${run}`;
  const hosts = Array.from({ length: WARMUP + CALLBACK_FAULTS }, (_, i) => `bench-cb-${run}-${i}`);
  const topics = await load({
    hosts: hosts.map((name) => ({ name, instances: [{ id: `${name}-vm`, name: 'vnf-active', tenantId: tenant }] })),
  });
  await subscriber.subscribe(topics.get(tenant) as string, tenant);
  const consumer = await CallbackConsumer.start();
  try {
    const store = new DynamoDbCallbackSubscriptions(dynamo, cfg.callbacks.subscriptionsTable);
    const subscription = { tenantId: tenant, format: 'sol003' as const, callbackUri: consumer.url };
    await store.put({
      id: callbackSubscriptionIdOf(subscription),
      ...subscription,
      createdAt: new Date().toISOString(),
    });
    await new SnsDispatcherRouting(
      sns,
      cfg.callbacks.dispatcherArn as string,
      { projectId: cfg.adminProjectId, topicArn: cfg.adminTopicArn },
      new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix),
    ).route(tenant);
    const toSns: number[] = [];
    const toCallback: number[] = [];
    for (const [i, host] of hosts.entries()) {
      const sentAt = await injector.put([injector.link(host, 'down')]);
      const [delivery] = (await subscriber.waitFor(tenant, i + 1, 15_000)).slice(i);
      const deadline = Date.now() + 15_000;
      while (consumer.notifications().length < i + 1 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 2));
      const callback = consumer.received.filter((r) => r.method === 'POST')[i];
      if (i < WARMUP) continue;
      toSns.push((delivery?.receivedAt ?? NaN) - sentAt);
      toCallback.push((callback?.at ?? NaN) - sentAt);
    }
    return {
      note: 'one host fault at a time; the same tenant notification to an SNS HTTP subscriber and, through the callback dispatcher (SNS lambda protocol), to a SOL 003 callback',
      faults: CALLBACK_FAULTS,
      toSnsSubscriberMs: summary(toSns),
      toCallbackMs: summary(toCallback),
      addedMs: summary(toCallback.map((c, i) => c - (toSns[i] as number))),
    };
  } finally {
    await consumer.close();
  }
}

export function printCallbackDispatch(r: CallbackDispatchResult): void {
  process.stdout.write(
    `callback dispatcher (${r.faults} faults): PutEvents -> SNS subscriber p50 ${r.toSnsSubscriberMs.p50} ms, -> SOL 003 callback p50 ${r.toCallbackMs.p50} ms (p99 ${r.toCallbackMs.p99} ms); added by the dispatcher p50 ${r.addedMs.p50} ms, p99 ${r.addedMs.p99} ms (target p50 <= 50 ms)\n`,
  );
}
