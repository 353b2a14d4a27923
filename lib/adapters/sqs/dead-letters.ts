import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { stageNames } from '../../platform/stage-names';

/**
 * The three places where AWS leaves what it could not deliver, and how each is sent again:
 * - notifications: SNS gave up on a subscriber (its DeliveryPolicy spent); the body is the
 *   notification as the endpoint would have had it, and it is published again to its topic,
 *   with its attributes, so that the subscription's filter applies (the topic's other
 *   subscribers see the notification id again, and drop it as a duplicate);
 * - events: EventBridge gave up on a rule's target; the body is the event, put on the bus again;
 * - invocations: Lambda's retries of an asynchronous invocation ran out (its onFailure
 *   destination); the record holds the function and the event, invoked again asynchronously;
 * - callbacks: a SOL 003 or Aodh-format callback delivery whose attempts ran out; the body is
 *   the delivery, handed back to the callback retry function, which tries it again at once.
 */
export const DEAD_LETTER_KINDS = ['notifications', 'events', 'invocations', 'callbacks'] as const;
export type DeadLetterKind = (typeof DEAD_LETTER_KINDS)[number];

export interface DeadLetter {
  kind: DeadLetterKind;
  /** The SQS message id. */
  id: string;
  /** When it was dead-lettered. */
  sentAt: string | null;
  /** How many times it has been looked at (each list counts). */
  receiveCount: number;
  /** Where it was going: a topic, a rule's target, a function. */
  target: string;
  /** Why it was given up, when the service says. */
  reason: string | null;
  /** What it carried, parsed when it is JSON. */
  body: unknown;
}

export interface Redriven {
  id: string;
  to: string;
}

const snsNotification = z.object({
  TopicArn: z.string(),
  Message: z.string(),
  Subject: z.string().optional(),
  MessageAttributes: z.record(z.string(), z.object({ Type: z.string(), Value: z.string() })).optional(),
});
const busEvent = z.object({
  source: z.string(),
  'detail-type': z.string(),
  detail: z.unknown(),
  resources: z.array(z.string()).optional(),
  time: z.string().optional(),
});
const failedInvocation = z.object({
  requestContext: z.object({ functionArn: z.string(), condition: z.string().optional() }),
  requestPayload: z.unknown(),
  responsePayload: z.unknown().optional(),
});

const callbackDelivery = z.object({ subscriptionId: z.string(), lastError: z.string().optional() }).loose();

const PEEK_BATCH = 10;
/** SQS answers a short poll from a sample of its servers: a list ends after this many batches with nothing new. */
const PEEK_EMPTY_BATCHES = 3;
/** How long a message taken for redrive stays hidden from others while it is sent again. */
const REDRIVE_VISIBILITY_S = 60;

const parsed = (text: string | undefined): unknown => {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return text ?? null;
  }
};

const attribute = (m: Message, name: string) => m.MessageAttributes?.[name]?.StringValue;

/** The stage's dead-letter queues, read and re-driven. */
export class DeadLetters {
  private readonly urls = new Map<DeadLetterKind, Promise<string>>();

  constructor(
    private readonly clients: { sqs: SQSClient; sns: SNSClient; eventBridge: EventBridgeClient; lambda: LambdaClient },
    private readonly stage: string,
  ) {}

  /** Every message of the queue, left in it (read with no visibility timeout), up to `limit`. */
  async list(kind: DeadLetterKind, limit = 1000): Promise<DeadLetter[]> {
    const seen = new Map<string, DeadLetter>();
    const url = await this.url(kind);
    for (let empty = 0; empty < PEEK_EMPTY_BATCHES && seen.size < limit; ) {
      const { Messages = [] } = await this.clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: PEEK_BATCH,
          VisibilityTimeout: 0,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
          MessageAttributeNames: ['All'],
        }),
      );
      const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
      empty = fresh.length === 0 ? empty + 1 : 0;
      for (const m of fresh) seen.set(m.MessageId as string, this.letterOf(kind, m));
    }
    return [...seen.values()].slice(0, limit);
  }

  /** Sends the named messages (or all, when none is named) again, and removes each one sent. */
  async redrive(kind: DeadLetterKind, ids: string[] | 'all'): Promise<{ redriven: Redriven[]; missing: string[] }> {
    const url = await this.url(kind);
    const wanted = ids === 'all' ? undefined : new Set(ids);
    const redriven: Redriven[] = [];
    const done = new Set<string>();
    for (;;) {
      const { Messages = [] } = await this.clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: PEEK_BATCH,
          VisibilityTimeout: REDRIVE_VISIBILITY_S,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
        }),
      );
      const mine = Messages.filter((m) => !done.has(m.MessageId as string));
      if (mine.length === 0) break;
      for (const m of mine) {
        done.add(m.MessageId as string);
        // A message taken but not asked for becomes visible again at once.
        if (wanted && !wanted.has(m.MessageId as string)) {
          await this.release(url, m);
          continue;
        }
        const to = await this.sendAgain(kind, m);
        await this.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
        redriven.push({ id: m.MessageId as string, to });
      }
      if (wanted && redriven.length === wanted.size) break;
    }
    const missing = wanted ? [...wanted].filter((id) => !redriven.some((r) => r.id === id)) : [];
    return { redriven, missing };
  }

  private async release(url: string, m: Message): Promise<void> {
    await this.clients.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }),
    );
  }

  private async sendAgain(kind: DeadLetterKind, m: Message): Promise<string> {
    const body = parsed(m.Body);
    switch (kind) {
      case 'notifications': {
        const n = snsNotification.parse(body);
        await this.clients.sns.send(
          new PublishCommand({
            TopicArn: n.TopicArn,
            Message: n.Message,
            ...(n.Subject ? { Subject: n.Subject } : {}),
            MessageAttributes: Object.fromEntries(
              Object.entries(n.MessageAttributes ?? {}).map(([name, a]): [string, MessageAttributeValue] => [
                name,
                { DataType: a.Type, StringValue: a.Value },
              ]),
            ),
          }),
        );
        return n.TopicArn;
      }
      case 'events': {
        const e = busEvent.parse(body);
        const bus = stageNames(this.stage).eventBus;
        const { FailedEntryCount, Entries } = await this.clients.eventBridge.send(
          new PutEventsCommand({
            Entries: [
              {
                EventBusName: bus,
                Source: e.source,
                DetailType: e['detail-type'],
                Detail: JSON.stringify(e.detail),
                Resources: e.resources,
              },
            ],
          }),
        );
        if (FailedEntryCount)
          throw new Error(`the bus refused the event: ${Entries?.[0]?.ErrorMessage ?? 'no reason'}`);
        return bus;
      }
      case 'invocations': {
        const r = failedInvocation.parse(body);
        const functionName = r.requestContext.functionArn.replace(/:\$LATEST$/, '');
        await this.clients.lambda.send(
          new InvokeCommand({
            FunctionName: functionName,
            InvocationType: 'Event',
            Payload: Buffer.from(JSON.stringify(r.requestPayload)),
          }),
        );
        return functionName;
      }
      case 'callbacks': {
        const functionName = `${stageNames(this.stage).topicPrefix}-callbackRetry`;
        await this.clients.lambda.send(
          new InvokeCommand({
            FunctionName: functionName,
            InvocationType: 'Event',
            Payload: Buffer.from(JSON.stringify({ requeue: [callbackDelivery.parse(body)] })),
          }),
        );
        return functionName;
      }
    }
  }

  private letterOf(kind: DeadLetterKind, m: Message): DeadLetter {
    const body = parsed(m.Body);
    const sent = Number(m.Attributes?.SentTimestamp);
    const base = {
      kind,
      id: m.MessageId as string,
      sentAt: Number.isFinite(sent) ? new Date(sent).toISOString() : null,
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
      body,
    };
    switch (kind) {
      case 'notifications': {
        const n = snsNotification.safeParse(body);
        return {
          ...base,
          target: attribute(m, 'SubscriptionArn') ?? (n.success ? n.data.TopicArn : 'unknown'),
          reason: attribute(m, 'ErrorMessage') ?? attribute(m, 'ErrorCode') ?? null,
        };
      }
      case 'events': {
        const e = busEvent.safeParse(body);
        return {
          ...base,
          target: attribute(m, 'TARGET_ARN') ?? (e.success ? `${e.data.source} ${e.data['detail-type']}` : 'unknown'),
          reason: attribute(m, 'ERROR_MESSAGE') ?? attribute(m, 'ERROR_CODE') ?? null,
        };
      }
      case 'invocations': {
        const r = failedInvocation.safeParse(body);
        return {
          ...base,
          target: r.success ? r.data.requestContext.functionArn : 'unknown',
          reason: r.success
            ? [r.data.requestContext.condition, JSON.stringify(r.data.responsePayload ?? null)]
                .filter(Boolean)
                .join(': ')
            : null,
        };
      }
      case 'callbacks': {
        const d = callbackDelivery.safeParse(body);
        return {
          ...base,
          target: d.success ? `subscription ${d.data.subscriptionId}` : 'unknown',
          reason: attribute(m, 'reason') ?? (d.success ? (d.data.lastError ?? null) : null),
        };
      }
    }
  }

  private url(kind: DeadLetterKind): Promise<string> {
    const names = stageNames(this.stage);
    const queueName = {
      notifications: names.notificationDeadLetters,
      events: names.eventDeadLetters,
      invocations: names.failedInvocations,
      callbacks: names.callbackDeadLetters,
    }[kind];
    let url = this.urls.get(kind);
    if (!url) {
      url = this.clients.sqs
        .send(new GetQueueUrlCommand({ QueueName: queueName }))
        .then(({ QueueUrl }) => QueueUrl as string);
      this.urls.set(kind, url);
    }
    return url;
  }
}
