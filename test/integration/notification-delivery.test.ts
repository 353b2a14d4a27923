import { GetSubscriptionAttributesCommand } from '@aws-sdk/client-sns';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { callApi } from '../../infra/local/local-cloud';
import { PROJECT_ROOT } from '../../infra/local/stack';
import { HTTP_DELIVERY_POLICY } from '../../lib/adapters/sns/sns-topic-subscriptions';
import type { DeadLetter } from '../../lib/adapters/sqs/dead-letters';
import { alarmNotification } from '../../lib/contracts/etsi-alarm';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { localCloud } from '../support/openstack';
import { createWorld, eventually, sleep, type World } from '../support/world';

const CLI = join(PROJECT_ROOT, 'lib', 'products', 'operator-cli', 'main.ts');
const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** `nfvi-doctor --local <args>`, as an operator runs it. */
const cli = (...args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(TSX, [CLI, '--local', ...args], { cwd: PROJECT_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });

const AWAY_MS = 60_000;

/**
 * Delivery that survives a consumer being away: every subscription the API creates has SNS
 * retry it for an hour (its DeliveryPolicy) and then keep what it could not deliver in the
 * stage's notification dead-letter queue (its RedrivePolicy), from which the operator CLI
 * sends it again. The local SNS applies both as SNS does.
 */
describe('Notification delivery when a consumer is away', () => {
  let world: World;
  let token: string;
  const alarmsOn = (name: string) =>
    world.subscriber
      .from(name)
      .map((m) => alarmNotification.safeParse(m.message))
      .flatMap((p) => (p.success ? [p.data.alarm] : []));

  const subscribe = async (name: string) => {
    const created = await callApi('POST', '/v1/subscriptions', token, {
      callbackUri: `${world.subscriber.url}/${name}`,
    });
    expect(created.status).toBe(201);
    await world.subscriber.confirmed(name);
    return created.body as { id: string };
  };

  beforeAll(async () => {
    const cloud = localCloud();
    world = await createWorld(
      {
        'away-1': [{ name: 'mme', tenant: 'a' }],
        'away-2': [{ name: 'spgw', tenant: 'a' }],
        'refused-1': [{ name: 'hss', tenant: 'a' }],
      },
      [],
      { a: cloud.projectId('tenant-a') },
    );
    token = await cloud.memberToken('tenant-a');
  });

  afterAll(() => world.close());

  it('gives every subscription the API creates a delivery policy of an hour and the dead-letter queue', async () => {
    // Act
    await subscribe('policy');

    // Assess
    const subscriptionArn = await snsSubscriptionArnOf(`${world.subscriber.url}/policy`);
    const { Attributes = {} } = await awsClients().sns.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }),
    );
    expect(JSON.parse(Attributes.DeliveryPolicy ?? '{}')).toEqual(HTTP_DELIVERY_POLICY);
    expect(JSON.parse(Attributes.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: expect.stringMatching(/:nfvi-doctor-local-notification-dead-letters$/),
    });
  });

  it('delivers, once it is back, every alarm raised while the consumer was down for 60 s', async () => {
    // Prepare
    await subscribe('away');

    // Act: the consumer's port refuses connections while two hosts fail, then it comes back.
    await world.subscriber.pause();
    let missedWhileAway: number;
    try {
      await world.injector.put([world.injector.link(world.host('away-1'), 'down')]);
      await sleep(5_000);
      await world.injector.put([world.injector.link(world.host('away-2'), 'down')]);
      await sleep(AWAY_MS - 5_000);
      missedWhileAway = alarmsOn('away').length;
    } finally {
      await world.subscriber.resume();
    }

    // Assess
    await eventually(async () => alarmsOn('away').length >= 2, 'both alarms on the returning consumer', 150_000);
    expect(missedWhileAway).toBe(0);
    expect(
      alarmsOn('away')
        .map((a) => a.managedObjectId)
        .sort(),
    ).toEqual([`mme-${world.id}`, `spgw-${world.id}`]);
  }, 240_000);

  it('keeps a notification its endpoint refused in the dead-letter queue, and the CLI sends it again', async () => {
    // Prepare: an endpoint that refuses notifications (410 Gone: SNS does not retry a client error).
    await subscribe('refusing');
    world.subscriber.refuse('refusing', 410);

    // Act
    await world.injector.put([world.injector.link(world.host('refused-1'), 'down')]);
    let letter: DeadLetter | undefined;
    await eventually(async () => {
      const listed = await cli('--json', 'dead-letters', 'list', 'notifications');
      letter = (JSON.parse(listed.stdout) as DeadLetter[]).find((l) =>
        JSON.stringify(l.body).includes(`hss-${world.id}`),
      );
      return letter !== undefined;
    }, 'the refused notification in `nfvi-doctor dead-letters list`');
    const shown = await cli('dead-letters', 'show', 'notifications', letter!.id.slice(0, 8));
    world.subscriber.refuse('refusing', undefined);
    const redriven = await cli('dead-letters', 'redrive', 'notifications', letter!.id);

    // Assess
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`hss-${world.id}`);
    expect(redriven).toMatchObject({ code: 0 });
    expect(redriven.stdout).toContain('1 redriven');
    await eventually(
      async () => alarmsOn('refusing').some((a) => a.managedObjectId === `hss-${world.id}`),
      'the redriven alarm on the endpoint',
    );
    const after = await cli('--json', 'dead-letters', 'list', 'notifications');
    expect((JSON.parse(after.stdout) as DeadLetter[]).map((l) => l.id)).not.toContain(letter!.id);
  }, 90_000);
});

/** The SNS subscription of an endpoint, as the subscriptions table records it. */
async function snsSubscriptionArnOf(endpoint: string): Promise<string> {
  const { Items = [] } = await awsClients().dynamo.send(new ScanCommand({ TableName: config().subscriptionsTable }));
  const arn = Items.find((i) => i.callbackUri === endpoint)?.subscriptionArn as unknown;
  if (typeof arn !== 'string') throw new Error(`no subscription recorded for ${endpoint}`);
  return arn;
}
