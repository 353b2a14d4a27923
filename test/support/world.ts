import { randomUUID } from 'node:crypto';
import { SnsHttpSubscriber } from '../../infra/local/sns-http-subscriber';
import { DynamoDbInventory } from '../../lib/adapters/dynamodb/dynamodb-inventory';
import { FaultInjector } from '../../lib/adapters/eventbridge/fault-injector';
import { TenantTopics } from '../../lib/adapters/sns/tenant-topics';
import { type InventoryFile } from '../../lib/contracts/inventory';
import { loadInventory } from '../../lib/inventory/load-inventory';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';

/**
 * A test's own slice of the local stack: hosts and tenants named uniquely, loaded into the
 * inventory, a subscriber on each tenant's topic and on the admin topic, and an injector.
 */
export interface World {
  id: string;
  host: (name: string) => string;
  tenant: (name: string) => string;
  topics: Map<string, string>;
  subscriber: SnsHttpSubscriber;
  injector: FaultInjector;
  close(): Promise<void>;
}

type Layout = Record<string, Array<{ name: string; tenant: string }>>;

/**
 * `layout`: host name -> its instances (name and tenant), names local to the test.
 * `tenantIds` gives some tenants a fixed id instead (e.g. a Keystone project's, for the APIs).
 */
export async function createWorld(
  layout: Layout,
  extraTenants: string[] = [],
  tenantIds: Record<string, string> = {},
): Promise<World> {
  const id = randomUUID().slice(0, 8);
  const host = (name: string) => `${name}-${id}`;
  const tenant = (name: string) => tenantIds[name] ?? `${name}-${id}`;
  const { dynamo, sns, eventBridge } = awsClients();
  const cfg = config();
  const inventory: InventoryFile = {
    hosts: Object.entries(layout).map(([h, instances]) => ({
      name: host(h),
      instances: instances.map((i) => ({ id: `${i.name}-${id}`, name: i.name, tenantId: tenant(i.tenant) })),
    })),
  };
  const tenantTopics = new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix);
  await loadInventory(inventory, new DynamoDbInventory(dynamo, cfg.inventoryTable), tenantTopics, new Date());
  const tenants = [
    ...new Set([
      ...Object.values(layout)
        .flat()
        .map((i) => i.tenant),
      ...extraTenants,
    ]),
  ];
  const topics = await tenantTopics.topicArnsFor(tenants.map(tenant));
  const subscriber = await SnsHttpSubscriber.start(sns);
  await subscriber.subscribe(cfg.adminTopicArn, 'admin');
  for (const t of tenants) await subscriber.subscribe(topics.get(tenant(t)) as string, t);
  return {
    id,
    host,
    tenant,
    topics,
    subscriber,
    injector: new FaultInjector(eventBridge, cfg.eventBusName),
    close: () => subscriber.close(),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls an asynchronous check (e.g. what Nova reports) until it holds; fails naming what it waited for. */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Polls until the condition holds; fails naming what it waited for. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** Deliveries on the admin topic about this world's hosts only (other tests share the topic). */
export const adminDeliveriesFor = (world: World, hostName: string) =>
  world.subscriber.from('admin').filter((m) => m.attributes.host === world.host(hostName));
