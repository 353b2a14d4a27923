import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signSnsMessage, type SignableSnsMessage, type SnsSigningIdentity } from '../sns-signing';
import { Journal } from './journal';
import type { Invoke } from './lambda-invoker';
import {
  invalidParameter,
  messageAttributes,
  notFound,
  QueryError,
  queryMap,
  queryMembers,
  queryResponse,
  XmlEntries,
  type MessageAttribute,
  type QueryParams,
} from './query-protocol';
import {
  healthyRetryPolicyOf,
  MANAGED_ENDPOINT_POLICY,
  MAX_HTTP_RETRY_S,
  passesFilterPolicy,
  retryDelayS,
  totalRetryS,
  type HealthyRetryPolicy,
} from './sns-policies';

interface Topic {
  arn: string;
  name: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

interface Subscription {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
  /** Set until an HTTP(S) endpoint confirms: nothing is delivered before. */
  pendingToken?: string;
}

interface StoredMessage {
  MessageId: string;
  TopicArn: string;
  Message: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes: Record<string, MessageAttribute>;
  Timestamp: string;
}

type JournalRecord =
  | { kind: 'message'; message: StoredMessage; subscriptions: string[] }
  | { kind: 'done'; id: string; subscription: string };

/** Sends a message to a local SQS queue (for sqs subscriptions and dead-letter queues), by queue ARN. */
export type QueueSender = (
  queueArn: string,
  body: string,
  attributes?: Record<string, MessageAttribute>,
) => Promise<void>;

export interface SnsOptions {
  region: string;
  account: string;
  /** The emulator's own URL, for SubscribeURL and UnsubscribeURL. */
  endpoint: string;
  stateDir: string;
  identity: SnsSigningIdentity;
  invoke: Invoke;
  sendToQueue: QueueSender;
  /** Multiplies every retry delay (1 = SNS's own timing). */
  retryScale: number;
  log: (message: string) => void;
}

const MAX_MESSAGE_BYTES = 256 * 1024;
const HTTP_TIMEOUT_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PENDING = 'pending confirmation';
const MANAGED_PROTOCOLS = new Set(['sqs', 'lambda']);

/**
 * A local Amazon SNS, for the HTTP/S, SQS and Lambda protocols, speaking the Query protocol the
 * SDK uses. Like SNS it asks a new HTTP(S) subscription to confirm and delivers nothing to it
 * before; signs every HTTP notification (SignatureVersion 2, with the local signing key); applies
 * filter policies; retries a delivery by its DeliveryPolicy (SNS's default: 3 retries 20 s apart;
 * Lambda and SQS: SNS's managed-endpoint policy); sends what it could not deliver to the
 * subscription's dead-letter queue (RedrivePolicy), or drops it; and accepts PublishBatch.
 * Topics and subscriptions are kept on disk, and every published message is journaled before
 * Publish answers, so that a crash of the emulator loses no message it acknowledged.
 */
export class LocalSns {
  private readonly topics = new Map<string, Topic>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly stateFile: string;
  private closed = false;

  private constructor(
    private readonly options: SnsOptions,
    private readonly journal: Journal<JournalRecord>,
  ) {
    this.stateFile = join(options.stateDir, 'sns-state.json');
  }

  static async open(options: SnsOptions): Promise<LocalSns> {
    mkdirSync(options.stateDir, { recursive: true });
    const { journal, records } = await Journal.open<JournalRecord>(join(options.stateDir, 'sns-messages.journal'));
    const sns = new LocalSns(options, journal);
    sns.loadState();
    const open = new Map<string, { message: StoredMessage; subscriptions: Set<string> }>();
    for (const record of records) {
      if (record.kind === 'message')
        open.set(record.message.MessageId, { message: record.message, subscriptions: new Set(record.subscriptions) });
      else open.get(record.id)?.subscriptions.delete(record.subscription);
    }
    const pending = [...open.values()].filter((left) => left.subscriptions.size > 0);
    await journal.rewrite(
      pending.map((left) => ({ kind: 'message', message: left.message, subscriptions: [...left.subscriptions] })),
    );
    for (const left of pending) sns.deliver(left.message, [...left.subscriptions]);
    if (pending.length > 0) options.log(`sns: delivering ${pending.length} messages left undelivered`);
    return sns;
  }

  /** Creates a topic declared in the template (the CloudFormation resources the local stack stands in for). */
  createTopic(name: string): string {
    return this.ensureTopic(name, {}, {}).arn;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.journal.close();
  }

  /** One Query-protocol request (POST form body, or the GET of a SubscribeURL/UnsubscribeURL); answers XML. */
  async handle(params: QueryParams): Promise<{ status: number; body: string }> {
    try {
      return { status: 200, body: await this.act(params) };
    } catch (error) {
      if (error instanceof QueryError) return { status: error.status, body: error.xml() };
      this.options.log(`sns: ${(error as Error).stack ?? String(error)}`);
      return { status: 500, body: new QueryError(500, 'InternalError', 'internal error', 'Receiver').xml() };
    }
  }

  private async act(p: QueryParams): Promise<string> {
    const action = p.get('Action') ?? '';
    switch (action) {
      case 'CreateTopic': {
        const name = required(p, 'Name');
        if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) throw invalidParameter('Invalid parameter: Topic Name');
        const topic = this.ensureTopic(name, queryMap(p, 'Attributes'), tagsOf(p));
        return queryResponse(action, { TopicArn: topic.arn });
      }
      case 'DeleteTopic': {
        const topic = this.topic(required(p, 'TopicArn'));
        this.topics.delete(topic.arn);
        for (const s of [...this.subscriptions.values()])
          if (s.topicArn === topic.arn) this.subscriptions.delete(s.arn);
        this.saveState();
        return queryResponse(action);
      }
      case 'ListTopics':
        return queryResponse(action, { Topics: [...this.topics.values()].map((t) => ({ TopicArn: t.arn })) });
      case 'GetTopicAttributes': {
        const topic = this.topic(required(p, 'TopicArn'));
        const subscriptions = [...this.subscriptions.values()].filter((s) => s.topicArn === topic.arn);
        return queryResponse(action, {
          Attributes: new XmlEntries({
            ...topic.attributes,
            TopicArn: topic.arn,
            Owner: this.options.account,
            SubscriptionsConfirmed: String(subscriptions.filter((s) => !s.pendingToken).length),
            SubscriptionsPending: String(subscriptions.filter((s) => s.pendingToken).length),
          }),
        });
      }
      case 'SetTopicAttributes': {
        const topic = this.topic(required(p, 'TopicArn'));
        topic.attributes[required(p, 'AttributeName')] = p.get('AttributeValue') ?? '';
        this.saveState();
        return queryResponse(action);
      }
      case 'TagResource': {
        const topic = this.topic(required(p, 'ResourceArn'));
        Object.assign(topic.tags, tagsOf(p));
        this.saveState();
        return queryResponse(action);
      }
      case 'ListTagsForResource': {
        const topic = this.topic(required(p, 'ResourceArn'));
        return queryResponse(action, { Tags: Object.entries(topic.tags).map(([Key, Value]) => ({ Key, Value })) });
      }
      case 'Subscribe':
        return queryResponse(action, { SubscriptionArn: await this.subscribe(p) });
      case 'ConfirmSubscription':
        return queryResponse(action, { SubscriptionArn: this.confirm(required(p, 'TopicArn'), required(p, 'Token')) });
      case 'Unsubscribe': {
        const arn = required(p, 'SubscriptionArn');
        if (!this.subscriptions.delete(arn)) throw notFound('Subscription does not exist');
        this.saveState();
        return queryResponse(action);
      }
      case 'ListSubscriptions':
        return queryResponse(action, { Subscriptions: [...this.subscriptions.values()].map((s) => this.listed(s)) });
      case 'ListSubscriptionsByTopic': {
        const topic = this.topic(required(p, 'TopicArn'));
        const listed = [...this.subscriptions.values()].filter((s) => s.topicArn === topic.arn);
        return queryResponse(action, { Subscriptions: listed.map((s) => this.listed(s)) });
      }
      case 'GetSubscriptionAttributes': {
        const s = this.subscription(required(p, 'SubscriptionArn'));
        return queryResponse(action, {
          Attributes: new XmlEntries({
            ...s.attributes,
            SubscriptionArn: s.arn,
            TopicArn: s.topicArn,
            Protocol: s.protocol,
            Endpoint: s.endpoint,
            Owner: this.options.account,
            PendingConfirmation: String(s.pendingToken !== undefined),
            ConfirmationWasAuthenticated: 'true',
          }),
        });
      }
      case 'SetSubscriptionAttributes': {
        const s = this.subscription(required(p, 'SubscriptionArn'));
        const name = required(p, 'AttributeName');
        const value = p.get('AttributeValue') ?? '';
        this.checkAttributes(s.protocol, { [name]: value });
        if (value === '') delete s.attributes[name];
        else s.attributes[name] = value;
        this.saveState();
        return queryResponse(action);
      }
      case 'Publish': {
        const topic = this.topic(p.get('TopicArn') ?? p.get('TargetArn') ?? '');
        return queryResponse(action, { MessageId: await this.publish(topic, p) });
      }
      case 'PublishBatch':
        return queryResponse(action, await this.publishBatch(p));
      default:
        throw new QueryError(400, 'InvalidAction', `The action ${action} is not valid for this endpoint.`);
    }
  }

  private ensureTopic(name: string, attributes: Record<string, string>, tags: Record<string, string>): Topic {
    const arn = `arn:aws:sns:${this.options.region}:${this.options.account}:${name}`;
    let topic = this.topics.get(arn);
    if (!topic) {
      topic = { arn, name, attributes, tags };
      this.topics.set(arn, topic);
    } else {
      Object.assign(topic.tags, tags);
    }
    this.saveState();
    return topic;
  }

  private topic(arn: string): Topic {
    const topic = this.topics.get(arn);
    if (!topic) throw notFound('Topic does not exist');
    return topic;
  }

  private subscription(arn: string): Subscription {
    const subscription = this.subscriptions.get(arn);
    if (!subscription) throw notFound('Subscription does not exist');
    return subscription;
  }

  private listed(s: Subscription) {
    return {
      SubscriptionArn: s.pendingToken ? 'PendingConfirmation' : s.arn,
      Owner: this.options.account,
      Protocol: s.protocol,
      Endpoint: s.endpoint,
      TopicArn: s.topicArn,
    };
  }

  private async subscribe(p: QueryParams): Promise<string> {
    const topic = this.topic(required(p, 'TopicArn'));
    const protocol = required(p, 'Protocol').toLowerCase();
    const endpoint = required(p, 'Endpoint');
    const attributes = queryMap(p, 'Attributes');
    if (!['http', 'https', 'sqs', 'lambda'].includes(protocol))
      throw invalidParameter(`Invalid parameter: Protocol ${protocol} is not available locally`);
    if (['http', 'https'].includes(protocol) && !endpoint.startsWith(`${protocol}://`))
      throw invalidParameter(`Invalid parameter: Endpoint must match the specified protocol`);
    this.checkAttributes(protocol, attributes);
    const returnArn = p.get('ReturnSubscriptionArn') === 'true';
    const existing = [...this.subscriptions.values()].find(
      (s) => s.topicArn === topic.arn && s.protocol === protocol && s.endpoint === endpoint,
    );
    if (existing) {
      if (JSON.stringify(sorted(existing.attributes)) !== JSON.stringify(sorted(attributes)))
        throw invalidParameter(
          'Invalid parameter: Attributes Reason: Subscription already exists with different attributes',
        );
      return existing.pendingToken && !returnArn ? PENDING : existing.arn;
    }
    const subscription: Subscription = {
      arn: `${topic.arn}:${randomUUID()}`,
      topicArn: topic.arn,
      protocol,
      endpoint,
      attributes,
    };
    if (!MANAGED_PROTOCOLS.has(protocol)) subscription.pendingToken = randomBytes(32).toString('hex');
    this.subscriptions.set(subscription.arn, subscription);
    this.saveState();
    if (subscription.pendingToken) void this.askToConfirm(subscription);
    return subscription.pendingToken && !returnArn ? PENDING : subscription.arn;
  }

  private checkAttributes(protocol: string, attributes: Record<string, string>): void {
    for (const [name, value] of Object.entries(attributes)) {
      if (value === '') continue;
      if (['FilterPolicy', 'DeliveryPolicy', 'RedrivePolicy'].includes(name)) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch {
          throw invalidParameter(`Invalid parameter: ${name}: failed to parse JSON`);
        }
        if (name === 'DeliveryPolicy') {
          if (!['http', 'https'].includes(protocol))
            throw invalidParameter(
              'Invalid parameter: DeliveryPolicy: only HTTP/S subscriptions take a delivery policy',
            );
          if (totalRetryS(healthyRetryPolicyOf(value)) > MAX_HTTP_RETRY_S)
            throw invalidParameter(
              `Invalid parameter: DeliveryPolicy: retries total more than ${MAX_HTTP_RETRY_S} seconds`,
            );
        }
        if (
          name === 'RedrivePolicy' &&
          !/^arn:aws[a-z-]*:sqs:/.test(String((parsed as { deadLetterTargetArn?: unknown }).deadLetterTargetArn))
        )
          throw invalidParameter('Invalid parameter: RedrivePolicy: deadLetterTargetArn must be an SQS queue ARN');
      } else if (!['FilterPolicyScope', 'RawMessageDelivery', 'SubscriptionRoleArn'].includes(name)) {
        throw invalidParameter(`Invalid parameter: AttributeName ${name}`);
      }
    }
  }

  private async askToConfirm(s: Subscription): Promise<void> {
    const subscribeUrl = `${this.options.endpoint}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(s.topicArn)}&Token=${s.pendingToken}`;
    const message: SignableSnsMessage = {
      Type: 'SubscriptionConfirmation',
      MessageId: randomUUID(),
      Token: s.pendingToken as string,
      TopicArn: s.topicArn,
      Message: `You have chosen to subscribe to the topic ${s.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: subscribeUrl,
      Timestamp: new Date().toISOString(),
    };
    const envelope = {
      ...message,
      ...signSnsMessage(message, this.options.identity.privateKey),
      SigningCertURL: this.options.identity.certificateUrl,
    };
    await this.post(s, message, JSON.stringify(envelope)).catch(() => undefined);
  }

  private confirm(topicArn: string, token: string): string {
    const s = [...this.subscriptions.values()].find((c) => c.pendingToken === token && c.topicArn === topicArn);
    if (!s) throw notFound('Invalid token');
    delete s.pendingToken;
    this.saveState();
    return s.arn;
  }

  private async publish(topic: Topic, p: QueryParams): Promise<string> {
    const message = this.message(topic, p);
    await this.accept([message]);
    return message.MessageId;
  }

  private async publishBatch(p: QueryParams) {
    const topic = this.topic(required(p, 'TopicArn'));
    const entries = queryMembers(p, 'PublishBatchRequestEntries');
    if (entries.length === 0)
      throw new QueryError(400, 'EmptyBatchRequest', 'The batch request does not contain any entries');
    if (entries.length > 10)
      throw new QueryError(
        400,
        'TooManyEntriesInBatchRequest',
        'The batch request contains more entries than permissible',
      );
    const ids = entries.map((e) => e.get('Id') ?? '');
    if (new Set(ids).size !== ids.length)
      throw new QueryError(
        400,
        'BatchEntryIdsNotDistinct',
        'Two or more batch entries in the request have the same Id',
      );
    const total = entries.reduce((n, e) => n + Buffer.byteLength(e.get('Message') ?? ''), 0);
    if (total > MAX_MESSAGE_BYTES)
      throw new QueryError(
        400,
        'BatchRequestTooLong',
        'The length of all the messages put together is more than the limit',
      );
    const successful: { Id: string; MessageId: string }[] = [];
    const failedEntries: { Id: string; Code: string; Message: string; SenderFault: boolean }[] = [];
    const accepted: StoredMessage[] = [];
    for (const entry of entries) {
      try {
        const message = this.message(topic, entry);
        accepted.push(message);
        successful.push({ Id: entry.get('Id') as string, MessageId: message.MessageId });
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
        failedEntries.push({ Id: entry.get('Id') ?? '', Code: error.code, Message: error.message, SenderFault: true });
      }
    }
    await this.accept(accepted);
    return { Successful: successful, Failed: failedEntries };
  }

  private message(topic: Topic, p: QueryParams): StoredMessage {
    const text = p.get('Message');
    if (text === undefined || text === '') throw invalidParameter('Invalid parameter: Empty message');
    if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES) throw invalidParameter('Invalid parameter: Message too long');
    const attributes = messageAttributes(p);
    for (const [name, attribute] of Object.entries(attributes)) {
      if (
        !/^(String|Number|Binary|String\.Array)(\..+)?$/.test(attribute.DataType) ||
        (attribute.StringValue ?? attribute.BinaryValue) === undefined
      )
        throw new QueryError(400, 'ParameterValueInvalid', `The message attribute '${name}' has an invalid value`);
    }
    if (p.get('MessageStructure') === 'json') {
      try {
        if (typeof (JSON.parse(text) as { default?: unknown }).default !== 'string') throw new Error('no default');
      } catch {
        throw invalidParameter('Invalid parameter: Message Structure - No default entry in JSON message body');
      }
    }
    return {
      MessageId: randomUUID(),
      TopicArn: topic.arn,
      Message: text,
      ...(p.get('Subject') ? { Subject: p.get('Subject') } : {}),
      ...(p.get('MessageStructure') ? { MessageStructure: p.get('MessageStructure') } : {}),
      MessageAttributes: attributes,
      Timestamp: new Date().toISOString(),
    };
  }

  /** Journals the messages (Publish answers after this), then delivers each to its matching subscriptions. */
  private async accept(messages: StoredMessage[]): Promise<void> {
    const routed = messages.map((message) => ({
      message,
      subscriptions: [...this.subscriptions.values()]
        .filter((s) => s.topicArn === message.TopicArn && !s.pendingToken && this.passes(s, message))
        .map((s) => s.arn),
    }));
    await Promise.all(
      routed
        .filter((r) => r.subscriptions.length > 0)
        .map((r) => this.journal.append({ kind: 'message', message: r.message, subscriptions: r.subscriptions })),
    );
    for (const r of routed) this.deliver(r.message, r.subscriptions);
  }

  private passes(s: Subscription, message: StoredMessage): boolean {
    if (!s.attributes.FilterPolicy) return true;
    const scope = s.attributes.FilterPolicyScope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes';
    return passesFilterPolicy(
      JSON.parse(s.attributes.FilterPolicy) as Record<string, unknown>,
      scope,
      message.Message,
      message.MessageAttributes,
    );
  }

  private deliver(message: StoredMessage, subscriptionArns: string[]): void {
    for (const arn of subscriptionArns) void this.deliverTo(message, arn);
  }

  private async deliverTo(message: StoredMessage, arn: string): Promise<void> {
    const subscription = this.subscriptions.get(arn);
    if (subscription) {
      const policy = MANAGED_PROTOCOLS.has(subscription.protocol)
        ? MANAGED_ENDPOINT_POLICY
        : healthyRetryPolicyOf(subscription.attributes.DeliveryPolicy);
      await this.deliverWithRetries(subscription, message, policy);
    }
    if (!this.closed) await this.journal.append({ kind: 'done', id: message.MessageId, subscription: arn });
  }

  private async deliverWithRetries(s: Subscription, message: StoredMessage, policy: HealthyRetryPolicy): Promise<void> {
    let lastError = '';
    for (let retry = 0; !this.closed; retry++) {
      if (!this.subscriptions.has(s.arn)) return; // unsubscribed meanwhile
      if (retry > 0) {
        const delay = retryDelayS(policy, retry);
        if (delay === undefined) break;
        await sleep(delay * 1000 * this.options.retryScale);
      }
      const result = await this.attempt(s, message);
      if (result.kind === 'delivered') return;
      lastError = result.reason;
      if (result.kind === 'refused') break; // a client error: SNS does not retry it
    }
    if (!this.closed) await this.deadLetter(s, message, lastError);
  }

  private async attempt(
    s: Subscription,
    message: StoredMessage,
  ): Promise<{ kind: 'delivered' } | { kind: 'failed' | 'refused'; reason: string }> {
    const raw = s.attributes.RawMessageDelivery === 'true';
    if (s.protocol === 'sqs') {
      await this.options.sendToQueue(
        s.endpoint,
        raw ? this.text(s, message) : JSON.stringify(this.envelope(s, message)),
        raw ? message.MessageAttributes : undefined,
      );
      return { kind: 'delivered' };
    }
    if (s.protocol === 'lambda') {
      const result = await this.options.invoke(
        s.endpoint.split(':function:')[1]?.split(':')[0] ?? s.endpoint,
        this.lambdaEvent(s, message),
      );
      return result.kind === 'ok' ? { kind: 'delivered' } : { kind: 'failed', reason: result.message };
    }
    const signable: SignableSnsMessage = this.signable(s, message);
    const body = raw ? this.text(s, message) : JSON.stringify(this.envelope(s, message));
    try {
      const status = await this.post(s, signable, body);
      if (status >= 200 && status < 300) return { kind: 'delivered' };
      const reason = `${s.endpoint} answered ${status}`;
      return status >= 400 && status < 500 && status !== 429 ? { kind: 'refused', reason } : { kind: 'failed', reason };
    } catch (error) {
      return { kind: 'failed', reason: `${s.endpoint}: ${(error as Error).message}` };
    }
  }

  private async post(s: Subscription, message: SignableSnsMessage, body: string): Promise<number> {
    const response = await fetch(s.endpoint, {
      method: 'POST',
      headers: {
        'x-amz-sns-message-type': message.Type,
        'x-amz-sns-message-id': message.MessageId,
        'x-amz-sns-topic-arn': message.TopicArn,
        'x-amz-sns-subscription-arn': s.arn,
        'x-amz-sns-rawdelivery': String(s.attributes.RawMessageDelivery === 'true'),
        'content-type': 'text/plain; charset=UTF-8',
        'user-agent': 'Amazon Simple Notification Service Agent',
      },
      body,
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.status;
  }

  /** What SNS delivers a protocol of a MessageStructure json message: its own entry, or the default one. */
  private text(s: Subscription, message: StoredMessage): string {
    if (message.MessageStructure !== 'json') return message.Message;
    const entries = JSON.parse(message.Message) as Record<string, string | undefined>;
    return entries[s.protocol] ?? (entries.default as string);
  }

  private signable(s: Subscription, message: StoredMessage): SignableSnsMessage {
    return {
      Type: 'Notification',
      MessageId: message.MessageId,
      TopicArn: message.TopicArn,
      ...(message.Subject !== undefined ? { Subject: message.Subject } : {}),
      Message: this.text(s, message),
      Timestamp: message.Timestamp,
    };
  }

  /** SNS's JSON notification, signed, with the attributes as SNS writes them ({Type, Value}). */
  private envelope(s: Subscription, message: StoredMessage) {
    const signable = this.signable(s, message);
    const attributes = Object.fromEntries(
      Object.entries(message.MessageAttributes).map(([name, a]) => [
        name,
        { Type: a.DataType, Value: a.StringValue ?? a.BinaryValue },
      ]),
    );
    return {
      ...signable,
      ...signSnsMessage(signable, this.options.identity.privateKey),
      SigningCertURL: this.options.identity.certificateUrl,
      UnsubscribeURL: `${this.options.endpoint}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(s.arn)}`,
      ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
    };
  }

  private lambdaEvent(s: Subscription, message: StoredMessage) {
    const envelope = this.envelope(s, message);
    return {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: s.arn,
          Sns: {
            ...envelope,
            SigningCertUrl: envelope.SigningCertURL,
            UnsubscribeUrl: envelope.UnsubscribeURL,
            MessageAttributes: envelope.MessageAttributes ?? {},
          },
        },
      ],
    };
  }

  /** What SNS does once a delivery's policy is spent: the subscription's dead-letter queue, or nothing. */
  private async deadLetter(s: Subscription, message: StoredMessage, reason: string): Promise<void> {
    const target = s.attributes.RedrivePolicy
      ? (JSON.parse(s.attributes.RedrivePolicy) as { deadLetterTargetArn: string }).deadLetterTargetArn
      : undefined;
    if (!target) {
      this.options.log(`sns: ${message.MessageId} to ${s.endpoint} dropped after its retries (${reason})`);
      return;
    }
    const text = (value: string): MessageAttribute => ({ DataType: 'String', StringValue: value });
    // The notification as the endpoint would have had it (unsigned), its attributes inside; the
    // reason as the queue message's own attributes (SQS allows ten, so not the message's).
    const {
      Signature: _signature,
      SignatureVersion: _version,
      SigningCertURL: _url,
      ...notification
    } = this.envelope(s, message);
    await this.options
      .sendToQueue(target, JSON.stringify(notification), {
        RequestID: text(randomUUID()),
        TopicArn: text(message.TopicArn),
        SubscriptionArn: text(s.arn),
        ErrorCode: text('EndpointUnavailable'),
        ErrorMessage: text(reason.slice(0, 1000)),
      })
      .catch((error: Error) => this.options.log(`sns: dead-letter queue ${target}: ${error.message}`));
  }

  private loadState(): void {
    try {
      const state = JSON.parse(readFileSync(this.stateFile, 'utf8')) as {
        topics: Topic[];
        subscriptions: Subscription[];
      };
      for (const topic of state.topics) this.topics.set(topic.arn, topic);
      for (const subscription of state.subscriptions) this.subscriptions.set(subscription.arn, subscription);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** Topics and subscriptions, written atomically on every change (they change rarely). */
  private saveState(): void {
    const temporary = `${this.stateFile}.tmp`;
    writeFileSync(
      temporary,
      JSON.stringify({ topics: [...this.topics.values()], subscriptions: [...this.subscriptions.values()] }),
    );
    renameSync(temporary, this.stateFile);
  }
}

function required(p: QueryParams, name: string): string {
  const value = p.get(name);
  if (value === undefined || value === '') throw invalidParameter(`Invalid parameter: ${name}`);
  return value;
}

const tagsOf = (p: QueryParams): Record<string, string> =>
  Object.fromEntries(queryMembers(p, 'Tags').map((tag) => [tag.get('Key') ?? '', tag.get('Value') ?? '']));

const sorted = (record: Record<string, string>) =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
