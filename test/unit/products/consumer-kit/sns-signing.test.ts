import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { get, type Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  signedHttpDelivery,
  signedSubscriptionConfirmation,
  type SnsHttpDelivery,
} from '../../../../infra/local/offline-sns-http-delivery';
import {
  snsSigningIdentity,
  startSnsCertificateServer,
  type SnsCertificateServer,
  type SnsSigningIdentity,
} from '../../../../infra/local/sns-signing';
import { localSnsCertificateAgent } from '../../../../lib/platform/local-stack/local-sns-certificate';
import { SnsConsumer, type ReceivedNotification } from '../../../../lib/products/consumer-kit';

/*
 * The local stack's SNS signing (infra/local/sns-signing.ts) and the rewrite of the offline
 * SNS emulator's HTTP deliveries (infra/local/offline-sns-http-delivery.ts), in process.
 */

/** sns-payload-validator 2.1.0's test of a SigningCertURL. */
const AWS_CERTIFICATE_URL =
  /^https:\/\/sns\.[a-zA-Z0-9-]{3,}\.amazonaws\.com(\.cn)?\/SimpleNotificationService-[a-zA-Z0-9]{32}\.pem$/;
const offlineDelivery = readFileSync(
  join(__dirname, '..', '..', '..', 'fixtures', 'offline-sns', 'alarm-notification.json'),
  'utf8',
);
const subscription = {
  SubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:nfvi-doctor-local-tenant-tenant-a:4711',
  Endpoint: 'http://127.0.0.1:9999/vnfm',
};
const SNS_ENDPOINT = 'http://127.0.0.1:4002';

let dir: string;
let identity: SnsSigningIdentity;
let certificates: SnsCertificateServer;
let agent: Agent;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nfvi-sns-signing-'));
  identity = await snsSigningIdentity(dir);
  certificates = await startSnsCertificateServer(identity, 0);
  agent = localSnsCertificateAgent({ port: certificates.port, certificatePem: identity.certificatePem });
});

afterAll(async () => {
  agent.destroy();
  await certificates.close();
  rmSync(dir, { recursive: true, force: true });
});

/** GET through the local agent: the status and the body. */
const download = (url: string) =>
  new Promise<{ status: number; body: string }>((done, fail) => {
    get(url, { agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    }).on('error', fail);
  });

describe('Local SNS signing: snsSigningIdentity()', () => {
  it('keeps the key and certificate it created, and uses them again on the next start', async () => {
    // Act
    const again = await snsSigningIdentity(dir);

    // Assess
    expect(existsSync(join(dir, 'key.pem')) && existsSync(join(dir, 'cert.pem'))).toBe(true);
    expect(again).toEqual(identity);
  });

  it('names its certificate with a URL of the form SNS uses', () => {
    expect(identity.certificateUrl).toMatch(AWS_CERTIFICATE_URL);
    expect(new URL(identity.certificateUrl).hostname).toBe('sns.local-1.amazonaws.com');
  });
});

describe('Local SNS signing: the certificate endpoint and its agent', () => {
  it('serves the certificate at its SigningCertURL, over TLS checked against sns.local-1.amazonaws.com', async () => {
    expect(await download(identity.certificateUrl)).toEqual({ status: 200, body: identity.certificatePem });
  });

  it('serves nothing else', async () => {
    const elsewhere = new URL(
      '/SimpleNotificationService-00000000000000000000000000000000.pem',
      identity.certificateUrl,
    );
    expect((await download(elsewhere.href)).status).toBe(404);
  });
});

describe('Local SNS signing: signedHttpDelivery()', () => {
  const original = JSON.parse(offlineDelivery) as Record<string, unknown>;
  let delivery: SnsHttpDelivery;
  let body: Record<string, unknown>;

  beforeAll(() => {
    delivery = signedHttpDelivery(offlineDelivery, subscription, identity, SNS_ENDPOINT);
    body = JSON.parse(delivery.body);
  });

  it("rewrites the emulator's delivery into SNS's fields, casing and order", () => {
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
      MessageId: original.MessageId,
      TopicArn: original.TopicArn,
      Message: original.Message,
      Timestamp: original.Timestamp,
      SignatureVersion: '2',
      SigningCertURL: identity.certificateUrl,
      UnsubscribeURL: `${SNS_ENDPOINT}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscription.SubscriptionArn)}`,
      MessageAttributes: original.MessageAttributes,
    });
    expect(body.Signature).not.toBe('EXAMPLE');
  });

  it("adds SNS's headers", () => {
    expect(delivery.headers).toMatchObject({
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-message-id': original.MessageId,
      'x-amz-sns-topic-arn': original.TopicArn,
      'x-amz-sns-subscription-arn': subscription.SubscriptionArn,
    });
  });

  it('signs it so that the consumer kit verifies it and hands the alarm over', async () => {
    // Prepare
    const handed: ReceivedNotification[] = [];
    const consumer = new SnsConsumer({ onNotification: (received) => void handed.push(received), requestAgent: agent });

    // Act
    const receipt = await consumer.receive(delivery.body, delivery.headers);

    // Assess
    expect(receipt.outcome).toBe('handled');
    expect(handed.map((received) => [received.kind, received.sns.attributes.tenantId])).toEqual([
      ['alarm', 'tenant-a'],
    ]);
  });

  it('gives an HTTP subscriber its own message of a MessageStructure "json" publication', () => {
    // Prepare
    const perProtocol = { default: 'for everyone', http: 'for HTTP subscribers' };
    const structured = JSON.stringify({ ...original, MessageStructure: 'json', Message: JSON.stringify(perProtocol) });

    // Act
    const rewritten = JSON.parse(signedHttpDelivery(structured, subscription, identity, SNS_ENDPOINT).body);

    // Assess
    expect(rewritten.Message).toBe('for HTTP subscribers');
    expect(rewritten).not.toHaveProperty('MessageStructure');
  });
});

describe('Local SNS signing: signedSubscriptionConfirmation()', () => {
  it('asks the subscriber to confirm with a signed message the consumer kit verifies and confirms', async () => {
    // Prepare: the emulator's SubscribeURL, played by a server that records the visit.
    const visits: string[] = [];
    const sns = createServer((req, res) => {
      visits.push(req.url ?? '');
      res.end('<ConfirmSubscriptionResponse/>');
    });
    await new Promise<void>((done) => sns.listen(0, '127.0.0.1', done));
    const subscribeUrl = `http://127.0.0.1:${(sns.address() as AddressInfo).port}/confirm-subscription?Token=t0k3n`;
    const topicArn = 'arn:aws:sns:us-east-1:123456789012:nfvi-doctor-local-tenant-tenant-a';
    const confirmation = signedSubscriptionConfirmation(
      { ...subscription, TopicArn: topicArn },
      identity,
      't0k3n',
      subscribeUrl,
    );
    const consumer = new SnsConsumer({ onNotification: () => undefined, requestAgent: agent, topicArns: [topicArn] });

    // Act
    const receipt = await consumer.receive(confirmation.body, confirmation.headers);

    // Assess
    sns.close();
    expect(receipt).toEqual({ outcome: 'subscription-confirmed', topicArn });
    expect(visits).toEqual(['/confirm-subscription?Token=t0k3n']);
    expect(JSON.parse(confirmation.body)).toMatchObject({ Type: 'SubscriptionConfirmation', Token: 't0k3n' });
  });
});
