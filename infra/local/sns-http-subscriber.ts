import { SubscribeCommand, UnsubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One SNS HTTP delivery, as a subscriber sees it. */
export interface ReceivedMessage {
  /** The subscription it came through (the path it was posted to). */
  subscription: string;
  topicArn: string;
  messageId: string;
  message: Record<string, unknown>;
  attributes: Record<string, string>;
  /** Date.now() when the delivery arrived. */
  receivedAt: number;
}

interface SnsEnvelope {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  SubscribeURL?: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

const body = (req: IncomingMessage) =>
  new Promise<string>((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });

const parseMessage = (text: string): Record<string, unknown> => {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { text };
  }
};

/**
 * A small HTTP endpoint subscribed to SNS topics (the demo consumer, and the tests' and
 * benchmark's observer). Each subscription gets its own path; deliveries are kept in order.
 */
export class SnsHttpSubscriber {
  readonly received: ReceivedMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly subscriptionArns: string[] = [];
  /** `<name> <topic ARN>` of the subscriptions SNS asked to confirm, once confirmed. */
  private readonly confirmations = new Set<string>();
  private readonly subscribed = new Set<string>();
  /** Paths whose notifications are answered with this status instead of 200 (a consumer that refuses them). */
  private readonly refusals = new Map<string, number>();
  private port = 0;

  private constructor(
    private readonly server: Server,
    private readonly sns: SNSClient,
    private readonly onMessage?: (m: ReceivedMessage) => void,
  ) {}

  static async start(sns: SNSClient, onMessage?: (m: ReceivedMessage) => void): Promise<SnsHttpSubscriber> {
    const server = createServer();
    const subscriber = new SnsHttpSubscriber(server, sns, onMessage);
    server.on('request', async (req, res) => {
      const text = await body(req);
      const refusal = subscriber.refusals.get(decodeURIComponent((req.url ?? '/').slice(1)));
      if (refusal && parseMessage(text).Type === 'Notification') {
        res.writeHead(refusal).end();
        return;
      }
      res.writeHead(200).end();
      subscriber.accept(req.url ?? '/', text, Date.now());
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    subscriber.port = (server.address() as AddressInfo).port;
    return subscriber;
  }

  /** Answers the notifications of path `name` with `status` (undefined: accepts them again). */
  refuse(name: string, status: number | undefined): void {
    if (status === undefined) this.refusals.delete(name);
    else this.refusals.set(name, status);
  }

  /** Goes away: its port refuses connections until resume() (a consumer that is down). */
  async pause(): Promise<void> {
    const closed = new Promise<void>((done) => this.server.close(() => done()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Comes back on the same port. */
  async resume(): Promise<void> {
    await new Promise<void>((done, fail) => {
      this.server.once('error', fail);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', fail);
        done();
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Subscribes the path `name` to the topic and, as SNS delivers nothing before, waits until
   * the subscription is confirmed (a repeated subscription is confirmed already).
   */
  async subscribe(topicArn: string, name: string, filterPolicy?: Record<string, string[]>): Promise<void> {
    const key = `${name} ${topicArn}`;
    const repeated = this.subscribed.has(key);
    this.subscribed.add(key);
    const { SubscriptionArn } = await this.sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'http',
        Endpoint: `${this.url}/${encodeURIComponent(name)}`,
        Attributes: filterPolicy ? { FilterPolicy: JSON.stringify(filterPolicy) } : undefined,
        // SNS answers "pending confirmation" for an HTTP endpoint otherwise, and this one unsubscribes by ARN.
        ReturnSubscriptionArn: true,
      }),
    );
    if (SubscriptionArn) this.subscriptionArns.push(SubscriptionArn);
    if (!repeated) await this.confirmed(name, topicArn);
  }

  /** Resolves once a subscription of path `name` (to `topicArn`, or to any topic) is confirmed. */
  confirmed(name: string, topicArn?: string, timeoutMs = 10_000): Promise<void> {
    const done = () =>
      [...this.confirmations].some((c) => (topicArn ? c === `${name} ${topicArn}` : c.startsWith(`${name} `)));
    return this.until(done, timeoutMs, `the confirmation of ${name}'s subscription`);
  }

  from(name: string): ReceivedMessage[] {
    return this.received.filter((m) => m.subscription === name);
  }

  /** Resolves with the deliveries on `name` once `count` arrived; rejects after timeoutMs. */
  async waitFor(name: string, count: number, timeoutMs = 10_000): Promise<ReceivedMessage[]> {
    return this.until(() => this.from(name).length >= count, timeoutMs, `${count} deliveries on ${name}`).then(() =>
      this.from(name),
    );
  }

  private async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return;
    await new Promise<void>((done, fail) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        done();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        fail(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled(
      this.subscriptionArns.map((arn) => this.sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }))),
    );
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  private accept(path: string, text: string, receivedAt: number): void {
    let envelope: SnsEnvelope;
    try {
      envelope = JSON.parse(text) as SnsEnvelope;
    } catch {
      return;
    }
    if (envelope.Type === 'SubscriptionConfirmation' && envelope.SubscribeURL) {
      const confirmation = `${decodeURIComponent(path.slice(1))} ${envelope.TopicArn}`;
      void fetch(envelope.SubscribeURL)
        .then((response) => {
          if (!response.ok) return;
          this.confirmations.add(confirmation);
          this.waiters.forEach((check) => check());
        })
        .catch(() => undefined);
      return;
    }
    if (envelope.Type !== 'Notification') return;
    const message: ReceivedMessage = {
      subscription: decodeURIComponent(path.slice(1)),
      topicArn: envelope.TopicArn,
      messageId: envelope.MessageId,
      message: parseMessage(envelope.Message),
      attributes: Object.fromEntries(Object.entries(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value])),
      receivedAt,
    };
    this.received.push(message);
    this.onMessage?.(message);
    this.waiters.forEach((check) => check());
  }
}
