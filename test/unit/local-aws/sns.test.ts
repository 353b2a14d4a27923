import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  InvalidParameterException,
  NotFoundException,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snsListener } from '../../../infra/local/aws/http-listeners';
import type { MessageAttribute } from '../../../infra/local/aws/query-protocol';
import { LocalSns } from '../../../infra/local/aws/sns';
import {
  snsSigningIdentity,
  startSnsCertificateServer,
  type SnsCertificateServer,
  type SnsSigningIdentity,
} from '../../../infra/local/sns-signing';
import { localSnsCertificateAgent } from '../../../lib/platform/local-stack/local-sns-certificate';
import { SnsConsumer, type ReceivedNotification } from '../../../lib/products/consumer-kit';

/*
 * The local SNS (infra/local/aws/sns.ts) through the real SDK client, delivering to HTTP
 * endpoints that the consumer kit verifies, as a VNF manager would.
 */

/** An AlarmNotification as the correlator publishes it to a tenant's topic, with its attributes. */
const recorded = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'offline-sns', 'alarm-notification.json'), 'utf8'),
) as { Message: string; MessageAttributes: Record<string, { Type: string; Value: string }> };
const ATTRIBUTES = Object.fromEntries(
  Object.entries(recorded.MessageAttributes).map(([name, a]) => [name, { DataType: a.Type, StringValue: a.Value }]),
);

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP endpoint that records what it is sent and answers `status()` (200 unless a test says otherwise). */
class Endpoint {
  readonly received: Received[] = [];
  status: (r: Received) => number = () => 200;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Endpoint> {
    let endpoint!: Endpoint;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const received = { path: req.url ?? '', headers: req.headers, body };
        endpoint.received.push(received);
        res.writeHead(endpoint.status(received)).end();
      });
    });
    endpoint = new Endpoint(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return endpoint;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${path}`;
  }

  of(path: string, type = 'Notification'): Received[] {
    return this.received.filter((r) => r.path === `/${path}` && r.headers['x-amz-sns-message-type'] === type);
  }

  async until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }
}

let dir: string;
let identity: SnsSigningIdentity;
let certificates: SnsCertificateServer;
let agent: Agent;
let endpoint: Endpoint;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nfvi-local-sns-'));
  identity = await snsSigningIdentity(join(dir, 'signing'));
  certificates = await startSnsCertificateServer(identity, 0);
  agent = localSnsCertificateAgent({ port: certificates.port, certificatePem: identity.certificatePem });
  endpoint = await Endpoint.start();
});

afterAll(async () => {
  agent.destroy();
  await certificates.close();
  await endpoint.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A local SNS on its own state directory, served over HTTP, with the SDK client pointed at it. */
async function localSns(stateDir = mkdtempSync(join(dir, 'state-'))) {
  let listener: RequestListener = () => undefined;
  const server = createServer((req, res) => listener(req, res));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const queued: { queueArn: string; body: string; attributes?: Record<string, MessageAttribute> }[] = [];
  const sns = await LocalSns.open({
    region: 'us-east-1',
    account: '123456789012',
    endpoint: url,
    stateDir,
    identity,
    invoke: async () => ({ kind: 'ok', payload: '' }),
    sendToQueue: async (queueArn, body, attributes) => {
      queued.push({ queueArn, body, ...(attributes ? { attributes } : {}) });
    },
    retryScale: 0.001,
    log: () => undefined,
  });
  listener = snsListener(sns);
  const client = new SNSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const topicArn = (await client.send(new CreateTopicCommand({ Name: 'nfvi-doctor-test-tenant-a' })))
    .TopicArn as string;
  return {
    sns,
    client,
    url,
    stateDir,
    topicArn,
    queued,
    /** Subscribes an endpoint path over HTTP and confirms it as the consumer kit would. */
    async subscribed(path: string, attributes: Record<string, string> = {}): Promise<string> {
      const { SubscriptionArn } = await client.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'http',
          Endpoint: endpoint.url(path),
          Attributes: attributes,
          ReturnSubscriptionArn: true,
        }),
      );
      await endpoint.until(() => endpoint.of(path, 'SubscriptionConfirmation').length > 0, 'the confirmation');
      const [confirmation] = endpoint.of(path, 'SubscriptionConfirmation');
      const consumer = new SnsConsumer({ onNotification: () => undefined, requestAgent: agent, topicArns: [topicArn] });
      const receipt = await consumer.receive(confirmation?.body as string, confirmation?.headers as never);
      expect(receipt).toEqual({ outcome: 'subscription-confirmed', topicArn });
      return SubscriptionArn as string;
    },
    publish: (message = recorded.Message, attributes = ATTRIBUTES) =>
      client.send(new PublishCommand({ TopicArn: topicArn, Message: message, MessageAttributes: attributes })),
    async close() {
      client.destroy();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await sns.close();
    },
  };
}

describe('Local SNS: HTTP subscriptions', () => {
  it('asks a new HTTP subscription to confirm with a signed message, and delivers nothing before', async () => {
    // Prepare
    const s = await localSns();
    await s.client.send(
      new SubscribeCommand({ TopicArn: s.topicArn, Protocol: 'http', Endpoint: endpoint.url('unconfirmed') }),
    );
    await endpoint.until(() => endpoint.of('unconfirmed', 'SubscriptionConfirmation').length > 0, 'the confirmation');

    // Act
    await s.publish();
    await new Promise((r) => setTimeout(r, 200));

    // Assess
    expect(endpoint.of('unconfirmed')).toEqual([]);
    expect(JSON.parse(endpoint.of('unconfirmed', 'SubscriptionConfirmation')[0]?.body as string)).toMatchObject({
      Type: 'SubscriptionConfirmation',
      TopicArn: s.topicArn,
      SignatureVersion: '2',
      SigningCertURL: identity.certificateUrl,
    });
    await s.close();
  });

  it("delivers a notification in SNS's fields, casing and order, with SNS's headers", async () => {
    // Prepare
    const s = await localSns();
    const subscriptionArn = await s.subscribed('format');

    // Act
    const { MessageId } = await s.publish();
    await endpoint.until(() => endpoint.of('format').length === 1, 'the notification');

    // Assess
    const [delivery] = endpoint.of('format');
    const body = JSON.parse(delivery?.body as string) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'Type',
      'MessageId',
      'TopicArn',
      'Message',
      'Timestamp',
      'SignatureVersion',
      'Signature',
      'SigningCertURL',
      'UnsubscribeURL',
      'MessageAttributes',
    ]);
    expect(body).toMatchObject({
      Type: 'Notification',
      MessageId,
      TopicArn: s.topicArn,
      Message: recorded.Message,
      SignatureVersion: '2',
      SigningCertURL: identity.certificateUrl,
      UnsubscribeURL: `${s.url}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`,
      MessageAttributes: recorded.MessageAttributes,
    });
    expect(delivery?.headers).toMatchObject({
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-message-id': MessageId,
      'x-amz-sns-topic-arn': s.topicArn,
      'x-amz-sns-subscription-arn': subscriptionArn,
    });
    await s.close();
  });

  it('signs each notification so that the consumer kit verifies it and hands the alarm over', async () => {
    // Prepare
    const s = await localSns();
    await s.subscribed('verified');
    const handed: ReceivedNotification[] = [];
    const consumer = new SnsConsumer({ onNotification: (received) => void handed.push(received), requestAgent: agent });

    // Act
    await s.publish();
    await endpoint.until(() => endpoint.of('verified').length === 1, 'the notification');
    const [delivery] = endpoint.of('verified');
    const receipt = await consumer.receive(delivery?.body as string, delivery?.headers as never);

    // Assess
    expect(receipt.outcome).toBe('handled');
    expect(handed.map((received) => [received.kind, received.sns.attributes.tenantId])).toEqual([
      ['alarm', 'tenant-a'],
    ]);
    await s.close();
  });

  it('gives an HTTP subscriber its own message of a MessageStructure "json" publication', async () => {
    // Prepare
    const s = await localSns();
    await s.subscribed('structured');

    // Act
    await s.client.send(
      new PublishCommand({
        TopicArn: s.topicArn,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: 'for everyone', http: 'for HTTP subscribers' }),
      }),
    );
    await endpoint.until(() => endpoint.of('structured').length === 1, 'the notification');

    // Assess
    const body = JSON.parse(endpoint.of('structured')[0]?.body as string) as Record<string, unknown>;
    expect(body.Message).toBe('for HTTP subscribers');
    expect(body).not.toHaveProperty('MessageStructure');
    await s.close();
  });

  it('applies a filter policy to the message attributes', async () => {
    // Prepare
    const s = await localSns();
    await s.subscribed('critical-only', { FilterPolicy: JSON.stringify({ perceivedSeverity: ['CRITICAL'] }) });
    await s.subscribed('not-warnings', {
      FilterPolicy: JSON.stringify({ perceivedSeverity: [{ 'anything-but': ['WARNING'] }] }),
    });

    // Act
    await s.publish('warning', { perceivedSeverity: { DataType: 'String', StringValue: 'WARNING' } });
    await s.publish('critical', { perceivedSeverity: { DataType: 'String', StringValue: 'CRITICAL' } });
    await endpoint.until(() => endpoint.of('not-warnings').length === 1, 'the critical notification');
    await new Promise((r) => setTimeout(r, 100));

    // Assess
    const messages = (path: string) =>
      endpoint.of(path).map((r) => (JSON.parse(r.body) as { Message: string }).Message);
    expect(messages('critical-only')).toEqual(['critical']);
    expect(messages('not-warnings')).toEqual(['critical']);
    await s.close();
  });

  it('gives the same subscription for the same request, and refuses the endpoint with other attributes', async () => {
    // Prepare
    const s = await localSns();
    const first = await s.subscribed('twice', { FilterPolicy: JSON.stringify({ tenantId: ['tenant-a'] }) });
    const again = (filter: string) =>
      s.client.send(
        new SubscribeCommand({
          TopicArn: s.topicArn,
          Protocol: 'http',
          Endpoint: endpoint.url('twice'),
          Attributes: { FilterPolicy: filter },
          ReturnSubscriptionArn: true,
        }),
      );

    // Act
    const repeated = await again(JSON.stringify({ tenantId: ['tenant-a'] }));
    const conflicting = again(JSON.stringify({ tenantId: ['tenant-b'] }));

    // Assess
    expect(repeated.SubscriptionArn).toBe(first);
    await expect(conflicting).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(conflicting).rejects.toThrow(/already exists with different attributes/);
    await s.close();
  });

  it('answers NotFound for a topic it does not have, and for a subscription removed already', async () => {
    // Prepare
    const s = await localSns();
    const arn = await s.subscribed('gone');
    await s.client.send(new UnsubscribeCommand({ SubscriptionArn: arn }));

    // Act
    const publish = s.client.send(new PublishCommand({ TopicArn: `${s.topicArn}-nope`, Message: 'x' }));
    const unsubscribe = s.client.send(new UnsubscribeCommand({ SubscriptionArn: arn }));

    // Assess
    await expect(publish).rejects.toBeInstanceOf(NotFoundException);
    await expect(unsubscribe).rejects.toBeInstanceOf(NotFoundException);
    await s.close();
  });
});

describe('Local SNS: delivery retries and dead-letter queues', () => {
  it('retries a failing endpoint by its delivery policy until it answers', async () => {
    // Prepare: the endpoint fails its first three deliveries
    const s = await localSns();
    await s.subscribed('flaky', {
      DeliveryPolicy: JSON.stringify({ healthyRetryPolicy: { numRetries: 5, minDelayTarget: 1, maxDelayTarget: 5 } }),
    });
    let failures = 3;
    endpoint.status = (r) => (r.path === '/flaky' && failures-- > 0 ? 503 : 200);

    // Act
    const { MessageId } = await s.publish();
    await endpoint.until(() => endpoint.of('flaky').length === 4, 'the fourth attempt');

    // Assess: four attempts of the same message, the last one taken
    expect(new Set(endpoint.of('flaky').map((r) => r.headers['x-amz-sns-message-id']))).toEqual(new Set([MessageId]));
    endpoint.status = () => 200;
    await s.close();
  });

  it("sends what it could not deliver to the subscription's dead-letter queue, with the reason", async () => {
    // Prepare: an endpoint that always fails, after the default policy's three retries
    const s = await localSns();
    const dlq = 'arn:aws:sqs:us-east-1:123456789012:nfvi-doctor-test-notification-dlq';
    const subscriptionArn = await s.subscribed('down', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq }) });
    endpoint.status = (r) => (r.path === '/down' ? 502 : 200);

    // Act
    const { MessageId } = await s.publish();
    await endpoint.until(() => s.queued.length === 1, 'the dead letter');

    // Assess
    expect(endpoint.of('down')).toHaveLength(4);
    expect(s.queued[0]).toMatchObject({
      queueArn: dlq,
      attributes: {
        TopicArn: { DataType: 'String', StringValue: s.topicArn },
        SubscriptionArn: { DataType: 'String', StringValue: subscriptionArn },
        ErrorMessage: { DataType: 'String', StringValue: expect.stringContaining('502') },
      },
    });
    expect(JSON.parse(s.queued[0]?.body as string)).toMatchObject({
      Type: 'Notification',
      MessageId,
      Message: recorded.Message,
      MessageAttributes: recorded.MessageAttributes,
    });
    endpoint.status = () => 200;
    await s.close();
  });

  it('does not retry a client error (4xx): the message goes to the dead-letter queue at once', async () => {
    // Prepare
    const s = await localSns();
    const dlq = 'arn:aws:sqs:us-east-1:123456789012:nfvi-doctor-test-notification-dlq';
    await s.subscribed('gone-away', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq }) });
    endpoint.status = (r) => (r.path === '/gone-away' ? 410 : 200);

    // Act
    await s.publish();
    await endpoint.until(() => s.queued.length === 1, 'the dead letter');

    // Assess
    expect(endpoint.of('gone-away')).toHaveLength(1);
    endpoint.status = () => 200;
    await s.close();
  });

  it('refuses a delivery policy that would retry for more than an hour', async () => {
    // Prepare
    const s = await localSns();

    // Act
    const subscribe = s.client.send(
      new SubscribeCommand({
        TopicArn: s.topicArn,
        Protocol: 'http',
        Endpoint: endpoint.url('too-long'),
        Attributes: {
          DeliveryPolicy: JSON.stringify({
            healthyRetryPolicy: { numRetries: 100, minDelayTarget: 60, maxDelayTarget: 60 },
          }),
        },
      }),
    );

    // Assess
    await expect(subscribe).rejects.toThrow(/more than 3600 seconds/);
    await s.close();
  });
});

describe('Local SNS: PublishBatch', () => {
  it('publishes up to ten messages in one call, each delivered, with a result per entry', async () => {
    // Prepare
    const s = await localSns();
    await s.subscribed('batch');
    const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `n${i}`, Message: `message ${i}` }));

    // Act
    const result = await s.client.send(
      new PublishBatchCommand({ TopicArn: s.topicArn, PublishBatchRequestEntries: entries }),
    );
    await endpoint.until(() => endpoint.of('batch').length === 10, 'ten notifications');

    // Assess
    expect(result.Successful?.map((r) => r.Id)).toEqual(entries.map((e) => e.Id));
    expect(result.Failed ?? []).toEqual([]);
    expect(
      endpoint
        .of('batch')
        .map((r) => (JSON.parse(r.body) as { Message: string }).Message)
        .sort(),
    ).toEqual(entries.map((e) => e.Message).sort());
    await s.close();
  });

  it('refuses more than ten entries, as SNS does', async () => {
    // Prepare
    const s = await localSns();
    const entries = Array.from({ length: 11 }, (_, i) => ({ Id: `n${i}`, Message: `message ${i}` }));

    // Act
    const publish = s.client.send(
      new PublishBatchCommand({ TopicArn: s.topicArn, PublishBatchRequestEntries: entries }),
    );

    // Assess
    await expect(publish).rejects.toThrow(/more entries than permissible/);
    await s.close();
  });
});

describe('Local SNS: durability', () => {
  it('keeps its topics and confirmed subscriptions across a restart', async () => {
    // Prepare
    const first = await localSns();
    const arn = await first.subscribed('durable');
    await first.close();

    // Act
    const second = await localSns(first.stateDir);
    const attributes = await second.client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }));
    await second.publish('after the restart');
    await endpoint.until(() => endpoint.of('durable').length === 1, 'the notification');

    // Assess
    expect(attributes.Attributes).toMatchObject({ TopicArn: first.topicArn, PendingConfirmation: 'false' });
    expect((JSON.parse(endpoint.of('durable')[0]?.body as string) as { Message: string }).Message).toBe(
      'after the restart',
    );
    await second.close();
  });

  it('delivers after a restart what it had accepted and not yet delivered', async () => {
    // Prepare: the endpoint is down, the emulator stops before its retries succeed
    const first = await localSns();
    await first.subscribed('later', {
      DeliveryPolicy: JSON.stringify({
        healthyRetryPolicy: { numRetries: 20, minDelayTarget: 20, maxDelayTarget: 20 },
      }),
    });
    endpoint.status = (r) => (r.path === '/later' ? 503 : 200);
    const { MessageId } = await first.publish();
    await endpoint.until(() => endpoint.of('later').length >= 1, 'the first attempt');
    await first.close();
    endpoint.status = () => 200;

    // Act
    const second = await localSns(first.stateDir);
    await endpoint.until(
      () =>
        endpoint
          .of('later')
          .some((r) => r.headers['x-amz-sns-message-id'] === MessageId && r !== endpoint.of('later')[0]),
      'the delivery after the restart',
    );

    // Assess
    expect(endpoint.of('later').every((r) => r.headers['x-amz-sns-message-id'] === MessageId)).toBe(true);
    await second.close();
  });
});
