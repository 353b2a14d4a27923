import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type Agent, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignableSnsMessage, SnsSigningIdentity } from '../../../../infra/local/sns-signing';
import { TENANT_EVENT_TYPE } from '../../../../lib/contracts/fenix';
import { deliveriesOf } from '../../../../lib/inspector/notifications';
import { localSnsCertificateAgent } from '../../../../lib/platform/local-stack/local-sns-certificate';
import {
  FileDuplicateMemory,
  SigningCertificateUnavailableError,
  SnsConsumer,
  snsHttpListener,
  type ReceivedNotification,
  type SnsConsumerOptions,
  type TenantNotification,
} from '../../../../lib/products/consumer-kit';
import { DuplicateFilter } from '../../../../lib/products/consumer-kit/duplicate-filter';
import { recoveryPublications } from '../../../../lib/recovery/recovery-notifications';
import { notificationBody, signedSnsBody, startTestSns, type TestSns } from '../../../support/signed-sns';
import { linkDown, recordOf, replay } from '../../inspector/builders';

/*
 * The consumer kit as a VNF manager embeds it, against SNS messages signed as SNS signs them:
 * a signing key of the test's own, its certificate served over HTTPS on a random port, and
 * the agent that reaches it (test/support/signed-sns.ts). Nothing else runs.
 */

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:nfvi-doctor-local-tenant-tenant-a';

let testSns: TestSns;
let sns: SnsSigningIdentity;
/** Someone else's key: its signatures do not verify against SNS's certificate. */
let forger: SnsSigningIdentity;
let agent: Agent;

beforeAll(async () => {
  testSns = await startTestSns();
  ({ identity: sns, agent } = testSns);
  forger = await testSns.forger();
});

afterAll(() => testSns.close());

// ---- SNS messages ----------------------------------------------------------------------------

/** The tenant-a AlarmNotification and its attributes, as the correlator publishes them. */
const alarmDelivery = (() => {
  const delivery = deliveriesOf(recordOf(replay([linkDown(1)]))).find((d) => d.audience.kind === 'tenant');
  if (!delivery) throw new Error('no tenant delivery');
  return delivery;
})();

const scheduled: TenantNotification = {
  service: 'nfvi-doctor',
  session_id: 'session-1',
  project_id: 'tenant-a',
  reply_url: 'http://127.0.0.1:3000/v1/maintenance/session-1/tenant-a',
  metadata: {},
  state: 'PREPARE_MAINTENANCE',
  instance_ids: 'http://127.0.0.1:3000/v1/maintenance/session-1/tenant-a',
  allowed_actions: ['MIGRATE', 'LIVE_MIGRATE', 'OWN_ACTION'],
  actions_at: '2026-11-25T10:05:00.000Z',
  reply_at: '2026-11-25T10:05:00.000Z',
};
const scheduledAttributes = { eventType: TENANT_EVENT_TYPE, state: scheduled.state, tenantId: 'tenant-a' };

let messages = 0;

const notification = (
  message: unknown,
  attributes: Readonly<Record<string, string>>,
  options: Parameters<typeof notificationBody>[4] = {},
) => notificationBody(sns, TOPIC, message, attributes, options);

const alarm = (options: Parameters<typeof notification>[2] = {}) =>
  notification(alarmDelivery.notification, alarmDelivery.attributes, options);

/** A SubscriptionConfirmation whose SubscribeURL is `subscribeUrl`. */
function confirmation(
  subscribeUrl: string,
  options: { type?: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation'; signer?: SnsSigningIdentity } = {},
) {
  const unsigned: SignableSnsMessage = {
    Type: options.type ?? 'SubscriptionConfirmation',
    MessageId: `message-${++messages}`,
    TopicArn: TOPIC,
    Message: `You have chosen to subscribe to the topic ${TOPIC}.`,
    Timestamp: new Date().toISOString(),
    Token: 'token-1',
    SubscribeURL: subscribeUrl,
  };
  return signedSnsBody(unsigned, sns, options);
}

// ---- the VNF manager -----------------------------------------------------------------------

/** A consumer whose handler records what it is handed. */
function vnfManager(options: Partial<SnsConsumerOptions> = {}) {
  const handed: ReceivedNotification[] = [];
  const consumer = new SnsConsumer({
    onNotification: (received) => {
      handed.push(received);
    },
    requestAgent: agent,
    ...options,
  });
  const deliver = (body: Record<string, unknown>, headers = { 'x-amz-sns-message-type': String(body.Type) }) =>
    consumer.receive(JSON.stringify(body), headers);
  return { consumer, handed, deliver };
}

/** An HTTP server standing in for SNS's SubscribeURL: it records the GETs. */
async function subscribeEndpoint(): Promise<{ url: string; visits: string[]; server: Server }> {
  const visits: string[] = [];
  const server = createServer((req, res) => {
    visits.push(req.url ?? '');
    res.end('<ConfirmSubscriptionResponse/>');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/?Action=ConfirmSubscription&Token=token-1`;
  return { url, visits, server };
}

const closed = (server: Server | HttpsServer) => new Promise<void>((done) => server.close(() => done()));

/** A port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await closed(server);
  return port;
}

// ---- specifications ----------------------------------------------------------------------

describe('Consumer kit: SnsConsumer.receive()', () => {
  it('hands over a signed AlarmNotification, typed, with its SNS message attributes', async () => {
    // Prepare
    const vnfm = vnfManager();
    const message = alarm();

    // Act
    const receipt = await vnfm.deliver(message);

    // Assess
    expect(receipt.outcome).toBe('handled');
    expect(vnfm.handed).toEqual([
      {
        kind: 'alarm',
        notification: alarmDelivery.notification,
        sns: {
          messageId: message.MessageId,
          topicArn: TOPIC,
          timestamp: message.Timestamp,
          attributes: alarmDelivery.attributes,
        },
      },
    ]);
  });

  it('hands over a notification delivered twice (a new SNS MessageId, the same notification id) once', async () => {
    // Prepare
    const vnfm = vnfManager();

    // Act
    const first = await vnfm.deliver(alarm());
    const again = await vnfm.deliver(alarm());

    // Assess
    expect(first.outcome).toBe('handled');
    expect(again).toMatchObject({ outcome: 'duplicate', id: alarmDelivery.notification.id });
    expect(vnfm.handed).toHaveLength(1);
  });

  it('drops a redelivered maintenance notification by its SNS MessageId, as it carries no id of its own', async () => {
    // Prepare
    const vnfm = vnfManager();
    const message = notification(scheduled, scheduledAttributes);

    // Act
    await vnfm.deliver(message);
    const again = await vnfm.deliver(message);

    // Assess
    expect(again).toMatchObject({ outcome: 'duplicate', id: message.MessageId });
    expect(vnfm.handed).toHaveLength(1);
  });

  it('hands a delivery over again when SNS retries it after the handler failed', async () => {
    // Prepare
    let calls = 0;
    const vnfm = vnfManager({
      onNotification: () => {
        if (++calls === 1) throw new Error('the VNF manager is busy');
      },
    });

    // Act
    const failed = vnfm.deliver(alarm());
    await expect(failed).rejects.toThrow('the VNF manager is busy');
    const retried = await vnfm.deliver(alarm());

    // Assess
    expect(retried.outcome).toBe('handled');
    expect(calls).toBe(2);
  });

  it('hands over a maintenance.scheduled notification typed as maintenance', async () => {
    // Prepare
    const vnfm = vnfManager();

    // Act
    await vnfm.deliver(notification(scheduled, scheduledAttributes));

    // Assess
    expect(vnfm.handed).toEqual([
      expect.objectContaining({
        kind: 'maintenance',
        notification: scheduled,
        sns: expect.objectContaining({ attributes: scheduledAttributes }),
      }),
    ]);
  });

  it('hands over a RecoveryNotification typed as recovery (a copy sent again once), and one breaking its schema as unrecognised', async () => {
    // Prepare
    const vnfm = vnfManager();
    const recovery = recoveryPublications(
      {
        recoveryId: 'recovery-1',
        tenantId: 'tenant-a',
        host: 'compute-1',
        hostAlarmId: 'alarm-1',
        createdAt: '2026-11-25T10:00:00.000Z',
        graceUntil: '2026-11-25T10:00:30.000Z',
        state: 'GRACE',
        instances: [
          {
            instanceId: 'vm-1',
            name: 'mme',
            policy: 'evacuate',
            policySource: 'tenant',
            state: 'WAITING',
            attempts: 0,
            host: 'compute-1',
          },
        ],
        history: [],
        wakeAt: '2026-11-25T10:00:30.000Z',
        version: 1,
      },
      'http://127.0.0.1:3000',
      '2026-11-25T10:00:00.000Z',
    )[0]!;

    // Act
    await vnfm.deliver(notification(recovery.notification as Record<string, unknown>, recovery.attributes));
    await vnfm.deliver(notification(recovery.notification as Record<string, unknown>, recovery.attributes));
    await vnfm.deliver(
      notification(
        { ...(recovery.notification as Record<string, unknown>), id: 'n-2', allowedAnswers: ['LATER'] },
        recovery.attributes,
      ),
    );

    // Assess
    expect(vnfm.handed).toEqual([
      expect.objectContaining({
        kind: 'recovery',
        notification: expect.objectContaining({
          replyUrl: 'http://127.0.0.1:3000/v1/recoveries/recovery-1',
          recovery: expect.objectContaining({ state: 'GRACE', tenantId: 'tenant-a' }),
        }),
      }),
      expect.objectContaining({ kind: 'unrecognised', reason: expect.stringContaining('allowedAnswers') }),
    ]);
  });

  it('reports a genuine message it does not know as unrecognised, with the reason', async () => {
    // Prepare
    const vnfm = vnfManager();

    // Act
    await vnfm.deliver(notification({ hello: 'world' }, { eventType: 'something.else' }));

    // Assess
    expect(vnfm.handed).toEqual([
      expect.objectContaining({
        kind: 'unrecognised',
        message: '{"hello":"world"}',
        reason: expect.stringContaining('something.else'),
      }),
    ]);
  });

  it('reports a maintenance notification that breaks its schema as unrecognised, naming the field', async () => {
    // Prepare
    const vnfm = vnfManager();

    // Act
    await vnfm.deliver(notification({ ...scheduled, reply_url: 42 }, scheduledAttributes));

    // Assess
    expect(vnfm.handed).toEqual([
      expect.objectContaining({ kind: 'unrecognised', reason: expect.stringContaining('reply_url') }),
    ]);
  });

  describe('rejects what is not provably from SNS, and hands none of it over', () => {
    const cases: [string, () => Record<string, unknown>, string][] = [
      [
        'an unsigned message (Signature "EXAMPLE")',
        () => alarm({ changes: { Signature: 'EXAMPLE' } }),
        'the signature does not verify against the signing certificate',
      ],
      [
        'a message whose Message was changed after signing',
        () => alarm({ changes: { Message: JSON.stringify({ ...alarmDelivery.notification, id: 'forged' }) } }),
        'the signature does not verify against the signing certificate',
      ],
      [
        'a message signed with another key',
        () => alarm({ signer: forger }),
        'the signature does not verify against the signing certificate',
      ],
      [
        'a message whose certificate is not at an SNS certificate URL',
        () => alarm({ changes: { SigningCertURL: `https://127.0.0.1:${testSns.port}/cert.pem` } }),
        'SigningCertURL is not an Amazon SNS certificate URL',
      ],
      [
        'a message signed with an unknown SignatureVersion',
        () => alarm({ changes: { SignatureVersion: '3' } }),
        'unsupported SignatureVersion (SNS signs with 1 or 2)',
      ],
    ];

    it.each(cases)('%s: 403', async (_, message, reason) => {
      // Prepare
      const vnfm = vnfManager();

      // Act
      const receipt = await vnfm.deliver(message());

      // Assess
      expect(receipt).toEqual({ outcome: 'rejected', status: 403, reason });
      expect(vnfm.handed).toEqual([]);
    });
  });

  it('rejects a delivery whose x-amz-sns-message-type header disagrees with its Type: 400', async () => {
    // Prepare
    const vnfm = vnfManager();

    // Act
    const receipt = await vnfm.deliver(alarm(), { 'x-amz-sns-message-type': 'SubscriptionConfirmation' });

    // Assess
    expect(receipt).toMatchObject({ outcome: 'rejected', status: 400, reason: expect.stringContaining('header') });
    expect(vnfm.handed).toEqual([]);
  });

  it('rejects the unsigned body the offline SNS emulator sends unpatched (SigningCertUrl "EXAMPLE"): 400', async () => {
    // Prepare
    const vnfm = vnfManager();
    const { SigningCertURL: _, ...unpatched } = alarm({ changes: { Signature: 'EXAMPLE', SigningCertUrl: 'EXAMPLE' } });

    // Act
    const receipt = await vnfm.deliver(unpatched);

    // Assess
    expect(receipt).toMatchObject({
      outcome: 'rejected',
      status: 400,
      reason: expect.stringContaining('SigningCertURL'),
    });
    expect(vnfm.handed).toEqual([]);
  });

  it('refuses messages from a topic it was not told about: 403', async () => {
    // Prepare
    const vnfm = vnfManager({ topicArns: ['arn:aws:sns:us-east-1:123456789012:nfvi-doctor-local-tenant-tenant-b'] });

    // Act
    const receipt = await vnfm.deliver(alarm());

    // Assess
    expect(receipt).toEqual({
      outcome: 'rejected',
      status: 403,
      reason: `topic ${TOPIC} is not one this endpoint subscribed to`,
    });
    expect(vnfm.handed).toEqual([]);
  });
});

describe('Consumer kit: the signing certificate', () => {
  it('fails the delivery, for SNS to retry it, when the certificate cannot be downloaded', async () => {
    // Prepare: an agent to a port where nothing listens.
    const unreachable = localSnsCertificateAgent({ port: await freePort(), certificatePem: sns.certificatePem });
    const vnfm = vnfManager({ requestAgent: unreachable });

    // Act
    const receipt = vnfm.deliver(alarm());

    // Assess
    await expect(receipt).rejects.toBeInstanceOf(SigningCertificateUnavailableError);
    expect(vnfm.handed).toEqual([]);
    unreachable.destroy();
  });

  it('downloads the certificate again when what it kept was an error page, and verifies', async () => {
    // Prepare: the first download answers 503 with a page, as a proxy might.
    let downloads = 0;
    const flaky = createHttpsServer({ key: sns.privateKeyPem, cert: sns.certificatePem }, (_, res) => {
      if (++downloads === 1) res.writeHead(503).end('<html>Service Unavailable</html>');
      else res.end(sns.certificatePem);
    });
    await new Promise<void>((done) => flaky.listen(0, '127.0.0.1', done));
    const port = (flaky.address() as AddressInfo).port;
    const viaFlaky = localSnsCertificateAgent({ port, certificatePem: sns.certificatePem });
    const vnfm = vnfManager({ requestAgent: viaFlaky });

    // Act
    const first = await vnfm.deliver(alarm());
    const second = await vnfm.deliver(notification(scheduled, scheduledAttributes));
    viaFlaky.destroy();
    await closed(flaky);

    // Assess
    expect([first.outcome, second.outcome]).toEqual(['handled', 'handled']);
  });
});

describe("Consumer kit: LocalStack's signing certificate, only when asked", () => {
  /** LocalStack's endpoint, serving its own certificate over plain HTTP as LocalStack does. */
  async function localStack(): Promise<{ origin: string; server: Server }> {
    const server = createServer((req, res) => {
      if (req.url === '/_aws/sns/SimpleNotificationService-localstack.pem') res.end(sns.certificatePem);
      else res.writeHead(404).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
  }
  const fromLocalStack = (origin: string, options: Parameters<typeof alarm>[0] = {}) =>
    alarm({
      ...options,
      changes: { ...options.changes, SigningCertURL: `${origin}/_aws/sns/SimpleNotificationService-localstack.pem` },
    });

  it("accepts a message LocalStack signed when the consumer names LocalStack's origin", async () => {
    // Prepare
    const { origin, server } = await localStack();
    const vnfm = vnfManager({ localStackOrigin: origin });

    // Act
    const receipt = await vnfm.deliver(fromLocalStack(origin)).finally(() => closed(server));

    // Assess
    expect(receipt.outcome).toBe('handled');
    expect(vnfm.handed).toHaveLength(1);
  });

  it('refuses it by default, and refuses a forged or tampered one even with the origin named', async () => {
    // Prepare
    const { origin, server } = await localStack();
    const trusting = vnfManager({ localStackOrigin: origin });

    // Act
    const [byDefault, forged, tampered] = await Promise.all([
      vnfManager().deliver(fromLocalStack(origin)),
      trusting.deliver(fromLocalStack(origin, { signer: forger })),
      trusting.deliver(fromLocalStack(origin, { changes: { Message: '{"forged":true}' } })),
    ]).finally(() => closed(server));

    // Assess
    expect(byDefault).toMatchObject({
      outcome: 'rejected',
      reason: 'SigningCertURL is not an Amazon SNS certificate URL',
    });
    expect(forged).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('signature') });
    expect(tampered).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('signature') });
    expect(trusting.handed).toEqual([]);
  });
});

describe('Consumer kit: subscription handshake', () => {
  it('confirms a signed SubscriptionConfirmation by visiting its SubscribeURL', async () => {
    // Prepare
    const endpoint = await subscribeEndpoint();
    const vnfm = vnfManager();

    // Act
    const receipt = await vnfm.deliver(confirmation(endpoint.url));
    await closed(endpoint.server);

    // Assess
    expect(receipt).toEqual({ outcome: 'subscription-confirmed', topicArn: TOPIC });
    expect(endpoint.visits).toEqual(['/?Action=ConfirmSubscription&Token=token-1']);
  });

  it('never visits the SubscribeURL of a forged SubscriptionConfirmation', async () => {
    // Prepare
    const endpoint = await subscribeEndpoint();
    const vnfm = vnfManager();

    // Act
    const receipt = await vnfm.deliver(confirmation(endpoint.url, { signer: forger }));
    await closed(endpoint.server);

    // Assess
    expect(receipt).toMatchObject({ outcome: 'rejected', status: 403 });
    expect(endpoint.visits).toEqual([]);
  });

  it('never confirms a subscription to a topic it was not told about', async () => {
    // Prepare
    const endpoint = await subscribeEndpoint();
    const vnfm = vnfManager({ topicArns: [] });

    // Act
    const receipt = await vnfm.deliver(confirmation(endpoint.url));
    await closed(endpoint.server);

    // Assess
    expect(receipt).toMatchObject({ outcome: 'rejected', status: 403 });
    expect(endpoint.visits).toEqual([]);
  });

  it('acknowledges an UnsubscribeConfirmation and reports it, without visiting anything', async () => {
    // Prepare
    const endpoint = await subscribeEndpoint();
    const vnfm = vnfManager();

    // Act
    const receipt = await vnfm.deliver(confirmation(endpoint.url, { type: 'UnsubscribeConfirmation' }));
    await closed(endpoint.server);

    // Assess
    expect(receipt).toEqual({ outcome: 'unsubscribed', topicArn: TOPIC, subscribeUrl: endpoint.url });
    expect(endpoint.visits).toEqual([]);
    expect(vnfm.handed).toEqual([]);
  });
});

describe('Consumer kit: snsHttpListener()', () => {
  let server: Server;
  let url: string;
  let failNext = false;
  const handed: ReceivedNotification[] = [];

  beforeAll(async () => {
    const consumer = new SnsConsumer({
      onNotification: (received) => {
        if (failNext) throw new Error('the VNF manager is busy');
        handed.push(received);
      },
      requestAgent: agent,
    });
    server = createServer(snsHttpListener(consumer));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sns`;
  });

  afterAll(() => closed(server));

  const post = async (body: string, type = 'Notification') => {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'x-amz-sns-message-type': type, 'content-type': 'text/plain; charset=UTF-8' },
    });
    return { status: response.status, text: (await response.text()).trim() };
  };

  it('answers 200 once the notification is handed over', async () => {
    // Act
    const response = await post(JSON.stringify(notification(scheduled, scheduledAttributes)));

    // Assess
    expect(response).toEqual({ status: 200, text: 'handled' });
    expect(handed.at(-1)?.kind).toBe('maintenance');
  });

  it('answers 400 to a body that is not JSON', async () => {
    expect(await post('{"Type": "Notification", ')).toEqual({ status: 400, text: 'the body is not JSON' });
  });

  it('answers 403 with the reason to an unsigned message', async () => {
    expect(await post(JSON.stringify(alarm({ changes: { Signature: 'EXAMPLE' } })))).toEqual({
      status: 403,
      text: 'the signature does not verify against the signing certificate',
    });
  });

  it('answers 500 when the handler fails, so that SNS delivers again', async () => {
    // Prepare
    failNext = true;

    // Act
    const response = await post(JSON.stringify(notification(scheduled, scheduledAttributes)));
    failNext = false;

    // Assess
    expect(response.status).toBe(500);
  });

  it('answers 405 to anything but a POST', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});

describe('Consumer kit: replays and stale messages', () => {
  const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();

  it.each([
    ['2 hours old', ago(2 * 3600), /is 720\d s old/],
    ['30 days old', ago(30 * 86_400), /s old/],
    ['dated a day ahead', ago(-86_400), /ahead/],
  ])('refuses a correctly signed message %s (403), and hands nothing over', async (_case, timestamp, reason) => {
    // Prepare
    const vnfm = vnfManager();

    // Act
    const receipt = await vnfm.deliver(alarm({ timestamp }));

    // Assess
    expect(receipt).toEqual({ outcome: 'rejected', status: 403, reason: expect.stringMatching(reason) });
    expect(vnfm.handed).toEqual([]);
  });

  it('takes a message retried within the hour SNS retries it', async () => {
    const receipt = await vnfManager().deliver(alarm({ timestamp: ago(3500) }));
    expect(receipt.outcome).toBe('handled');
  });

  it('recognises, after a restart, a delivery it handled before, when given a duplicate memory on disk', async () => {
    // Prepare: the VNF manager handled the alarm, then restarted
    const dir = mkdtempSync(join(tmpdir(), 'nfvi-kit-duplicates-'));
    const message = alarm();
    const before = vnfManager({ duplicates: new FileDuplicateMemory(join(dir, 'handled')) });
    await before.deliver(message);

    // Act: the same delivery, replayed to the restarted VNF manager
    const after = vnfManager({ duplicates: new FileDuplicateMemory(join(dir, 'handled')) });
    const receipt = await after.deliver(message);

    // Assess
    expect(receipt).toMatchObject({ outcome: 'duplicate', id: alarmDelivery.notification.id });
    expect(after.handed).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('handles again, after a restart, a delivery whose first handling failed', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'nfvi-kit-duplicates-'));
    const failing = new SnsConsumer({
      onNotification: () => {
        throw new Error('the VNF manager could not act');
      },
      requestAgent: agent,
      duplicates: new FileDuplicateMemory(join(dir, 'handled')),
    });
    const message = alarm();
    await expect(
      failing.receive(JSON.stringify(message), { 'x-amz-sns-message-type': 'Notification' }),
    ).rejects.toThrow();

    // Act
    const after = vnfManager({ duplicates: new FileDuplicateMemory(join(dir, 'handled')) });
    const receipt = await after.deliver(message);

    // Assess
    expect(receipt.outcome).toBe('handled');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('Consumer kit: DuplicateFilter', () => {
  it('forgets the least recently seen id past its capacity', () => {
    // Prepare
    const recent = new DuplicateFilter(2);
    ['a', 'b', 'a', 'c'].forEach((id) => recent.seenBefore(id));

    // Act & Assess: "b" was the least recently seen when "c" came.
    expect(recent.seenBefore('a')).toBe(true);
    expect(recent.seenBefore('b')).toBe(false);
  });
});
