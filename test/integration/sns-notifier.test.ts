import { SnsNotifier } from '../../lib/adapters/sns/sns-notifier';
import { TenantTopics } from '../../lib/adapters/sns/tenant-topics';
import type { Publication } from '../../lib/notifier/ports';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { createWorld, waitUntil, type World } from '../support/world';

const COUNTING = 'countSnsCalls';

/**
 * The notifier production wires into the correlator, against the local SNS: a fault's
 * notifications go to each audience's own topic in PublishBatch calls of at most 10 messages.
 */
describe('SNS notifier (local SNS)', () => {
  let world: World;
  const calls: { command: string; topicArn: string; entries: number }[] = [];
  const notification = (tenant: string, n: number): Publication => ({
    audience: { kind: 'tenant', tenantId: world.tenant(tenant) },
    notification: { id: `${world.id}-${tenant}-${n}`, notificationType: 'AlarmNotification' },
    attributes: { host: world.host('rack-1'), tenantId: world.tenant(tenant) },
  });

  beforeAll(async () => {
    world = await createWorld({ 'rack-1': [] }, ['a', 'b']);
    awsClients().sns.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { TopicArn?: string; PublishBatchRequestEntries?: unknown[] };
        calls.push({
          command: String(context.commandName),
          topicArn: String(input.TopicArn),
          entries: input.PublishBatchRequestEntries?.length ?? 1,
        });
        return next(args);
      },
      { step: 'initialize', name: COUNTING },
    );
  });

  afterAll(async () => {
    awsClients().sns.middlewareStack.remove(COUNTING);
    await world.close();
  });

  it("publishes 23 + 3 tenant notifications and the admin's in 5 PublishBatch calls, each to its own topic", async () => {
    // Prepare
    const cfg = config();
    const { dynamo, sns } = awsClients();
    const notifier = new SnsNotifier(
      sns,
      cfg.adminTopicArn,
      new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix),
    );
    const publications = [
      {
        audience: { kind: 'admin' as const },
        notification: { id: `${world.id}-admin` },
        attributes: { host: world.host('rack-1') },
      },
      ...Array.from({ length: 23 }, (_, n) => notification('a', n)),
      ...Array.from({ length: 3 }, (_, n) => notification('b', n)),
    ];

    // Act
    await notifier.publish(publications);

    // Assess
    const published = calls.filter((c) => c.command !== 'CreateTopicCommand');
    expect(published.every((c) => c.command === 'PublishBatchCommand' && c.entries <= 10)).toBe(true);
    const entriesTo = (topicArn: string | undefined) =>
      published.filter((c) => c.topicArn === topicArn).map((c) => c.entries);
    expect(entriesTo(world.topics.get(world.tenant('a')))).toEqual([10, 10, 3]);
    expect(entriesTo(world.topics.get(world.tenant('b')))).toEqual([3]);
    expect(entriesTo(cfg.adminTopicArn)).toEqual([1]);
    await waitUntil(
      () => world.subscriber.from('a').length === 23 && world.subscriber.from('b').length === 3,
      'deliveries',
    );
    const ids = (name: string) => world.subscriber.from(name).map((m) => (m.message as { id: string }).id);
    expect(new Set(ids('a'))).toEqual(new Set(Array.from({ length: 23 }, (_, n) => `${world.id}-a-${n}`)));
    expect(new Set(ids('b'))).toEqual(new Set(Array.from({ length: 3 }, (_, n) => `${world.id}-b-${n}`)));
    expect(world.subscriber.from('b').every((m) => m.attributes.tenantId === world.tenant('b'))).toBe(true);
  });
});
