import { join } from 'node:path';
import { createLab, DATA_IF, type NetnsLab } from './netns-lab';
import type { SnsHttpSubscriber } from './sns-http-subscriber';
import { PROJECT_ROOT } from './stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether this machine can build the lab: root, for network namespaces. */
export const canRunLab = () => process.getuid?.() === 0;

export interface CollectorDemo {
  hosts: string[];
  /** The faulty host, one of `hosts`. */
  host: string;
  consumer: SnsHttpSubscriber;
  /** The consumer's subscription to the tenant with instances on `host`, and how many it has there. */
  subscription: string;
  expected: number;
  say: (line?: string) => void;
  /** Called at each `ip link set`, so that deliveries are timed from it. */
  onInject: () => void;
}

/**
 * The second half of `npm start`: Doctor's own fault injection. The demo hosts become network
 * namespaces, each running the shipped nfvi-collector; the data link of the faulty host is set
 * down with `ip link` and the collector's report travels the same path as any other.
 * The lab stays up (collectors probing and heartbeating) until `destroy`.
 */
export async function runCollectorDemo(demo: CollectorDemo): Promise<NetnsLab> {
  const { say, consumer, subscription } = demo;
  const dir = join(PROJECT_ROOT, '.local', 'collectors');
  const lab = await createLab(demo.hosts, 'demo');
  try {
    for (const host of lab.hosts) await lab.startCollector(host, dir);
    say(
      `  ${lab.hosts.map((h) => `${h.name} (netns ${h.namespace}, ${h.mgmtAddress})`).join(', ')}: collectors running (logs: ${join(dir, 'logs')})`,
    );
    await lab.watched();
    say(`  ${demo.host} is watched by its ${lab.hosts.length - 1} peers (TCP probes every 100 ms)`);

    const faulty = lab.hosts.find((h) => h.name === demo.host)!;
    const before = consumer.from(subscription).length;
    say(`\nip netns exec ${faulty.namespace} ip link set ${DATA_IF} down ...`);
    const downAt = Date.now();
    demo.onInject();
    await lab.ip(faulty, 'link', 'set', DATA_IF, 'down');
    await consumer.waitFor(subscription, before + demo.expected, 15_000);
    const first = consumer.from(subscription)[before]!;
    say(`From \`ip link set down\` (T00) to the tenant's notification (T09): ${first.receivedAt - downAt} ms.`);

    await sleep(1500);
    say(`\nip netns exec ${faulty.namespace} ip link set ${DATA_IF} up ...`);
    demo.onInject();
    await lab.ip(faulty, 'link', 'set', DATA_IF, 'up');
    await consumer.waitFor(subscription, before + 2 * demo.expected, 15_000);
    return lab;
  } catch (error) {
    await lab.destroy();
    throw error;
  }
}
