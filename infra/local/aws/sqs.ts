import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Journal } from './journal';

/** A message attribute as SQS takes and returns it over JSON (BinaryValue in base64). */
export interface SqsMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export interface SqsOptions {
  region: string;
  account: string;
  /** Where the emulator listens (e.g. http://127.0.0.1:4012): the origin of every QueueUrl. */
  endpoint: string;
  stateDir: string;
  log: (message: string) => void;
  /** Compacts the journal after this many records (default 10 000). */
  compactEvery?: number;
}

export interface SqsRequest {
  /** The X-Amz-Target header, e.g. AmazonSQS.SendMessage. */
  target: string;
  /** The parsed JSON body. */
  body: unknown;
}

export interface SqsResponse {
  status: number;
  /** For errors: x-amzn-query-error, which the SDK reads the error's code from. */
  headers?: Record<string, string>;
  body: unknown;
}

export interface SendMessageResult {
  MessageId: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
}

/**
 * An error as SQS answers it over JSON: `__type` names the modeled error shape (what the SDK's
 * exception is called), `queryCode` is the Query-protocol code it carries in x-amzn-query-error.
 */
export class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly queryCode: string = code,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

const queueDoesNotExist = () =>
  new SqsError('QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue');
const invalidParameterValue = (message: string) => new SqsError('InvalidParameterValue', message);
const invalidValue = (name: string, value: unknown, reason: string) =>
  invalidParameterValue(`Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}.`);
const missingParameter = (name: string) =>
  new SqsError('MissingParameter', `The request must contain the parameter ${name}.`);
const receiptHandleIsInvalid = (handle: string) =>
  new SqsError(
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${handle}" is not a valid receipt handle.`,
    'ReceiptHandleIsInvalid',
    404,
  );
const invalidAttributeName = (name: string) => new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
const invalidAttributeValue = (name: string) =>
  new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`);

const MAX_BATCH_ENTRIES = 10;
const MAX_MESSAGE_ATTRIBUTES = 10;
/** The largest message (and batch) SQS takes, whatever a queue's MaximumMessageSize. */
const MAX_PAYLOAD_BYTES = 1024 * 1024;
const MAX_VISIBILITY_S = 43_200;
const MAX_WAIT_S = 20;
/** Between two PurgeQueue calls on a queue, and before a deleted queue's name can be used again. */
const COOL_DOWN_MS = 60_000;
const DEFAULT_COMPACT_EVERY = 10_000;

const DEFAULT_ATTRIBUTES: Readonly<Record<string, string>> = {
  DelaySeconds: '0',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

/** The integer attributes, with the range SQS accepts. */
const INTEGER_ATTRIBUTES: Readonly<Record<string, readonly [number, number]>> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, MAX_PAYLOAD_BYTES],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, MAX_WAIT_S],
  VisibilityTimeout: [0, MAX_VISIBILITY_S],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

/** Kept as given (this emulator enforces neither policies nor encryption). */
const OPAQUE_ATTRIBUTES = new Set(['Policy', 'RedriveAllowPolicy', 'KmsMasterKeyId']);

const COMPUTED_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
];

const SETTABLE_ATTRIBUTES = [
  ...Object.keys(INTEGER_ATTRIBUTES),
  ...OPAQUE_ATTRIBUTES,
  'RedrivePolicy',
  'SqsManagedSseEnabled',
];

/** What ReceiveMessage returns in a message's Attributes when asked for All. */
const MESSAGE_SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'AWSTraceHeader',
  'MessageGroupId',
  'DeadLetterQueueSourceArn',
];

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const MESSAGE_ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const MESSAGE_ATTRIBUTE_TYPE = /^(String|Number|Binary)(\..+)?$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** The characters SQS accepts in a message: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF. */
const INVALID_CHARACTER = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** What is durable of a message: its content and how often it was received. */
interface StoredMessage {
  id: string;
  body: string;
  attributes?: Record<string, SqsMessageAttribute>;
  systemAttributes?: Record<string, SqsMessageAttribute>;
  groupId?: string;
  /** Epoch ms: retention counts from here, also in a dead-letter queue. */
  sent: number;
  delayUntil?: number;
  receiveCount: number;
  firstReceive?: number;
  /** The nonce of the latest receipt handle: only that one deletes the message. */
  receipt?: string;
  deadLetterSourceArn?: string;
}

interface Entry {
  message: StoredMessage;
  /** Epoch ms before which the message is not received (in flight or delayed); not durable. */
  visibleAt: number;
}

interface Queue {
  name: string;
  attributes: Record<string, string>;
  created: number;
  modified: number;
  /** In the order sent: receives take the oldest visible first. */
  messages: Map<string, Entry>;
  /** Long polls waiting on this queue. */
  waiters: Set<() => void>;
  purgedAt?: number;
}

type JournalRecord =
  | { kind: 'queue'; name: string; attributes: Record<string, string>; created: number; modified: number }
  | { kind: 'queue-deleted'; name: string }
  | { kind: 'sent'; queue: string; message: StoredMessage }
  | { kind: 'received'; queue: string; id: string; count: number; first: number; receipt: string }
  | { kind: 'deleted'; queue: string; ids: string[] }
  | { kind: 'moved'; from: string; to: string; message: StoredMessage }
  | { kind: 'purged'; queue: string };

type Input = Record<string, unknown>;

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

/**
 * MD5OfMessageAttributes as SQS computes it: for each attribute in order of name, the name, the
 * data type (each preceded by its length, 4 bytes big-endian), a transport byte (1 string, 2
 * binary) and the value (preceded by its length).
 */
export function md5OfMessageAttributes(attributes: Record<string, SqsMessageAttribute>): string {
  const parts: Buffer[] = [];
  const field = (data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    parts.push(length, data);
  };
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name] as SqsMessageAttribute;
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(attribute.DataType, 'utf8'));
    if (attribute.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      field(Buffer.from(attribute.BinaryValue, 'base64'));
    } else {
      parts.push(Buffer.from([1]));
      field(Buffer.from(attribute.StringValue ?? '', 'utf8'));
    }
  }
  return md5(Buffer.concat(parts));
}

const isObject = (value: unknown): value is Input =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function stringParam(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidValue(name, JSON.stringify(value), 'Must be a string');
  return value;
}

function requiredString(input: Input, name: string): string {
  const value = stringParam(input, name);
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

function integerParam(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw invalidValue(name, JSON.stringify(value), `Must be between ${min} and ${max}, if provided`);
  }
  return number;
}

function stringListParam(input: Input, name: string): string[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw invalidValue(name, JSON.stringify(value), 'Must be a list of strings');
  }
  return value as string[];
}

function stringMapParam(input: Input, name: string): Record<string, string> {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (!isObject(value) || Object.values(value).some((item) => typeof item !== 'string')) {
    throw invalidValue(name, JSON.stringify(value), 'Must be a map of strings');
  }
  return value as Record<string, string>;
}

function entriesParam(input: Input, action: string): Input[] {
  const value = input.Entries;
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    throw new SqsError(
      'EmptyBatchRequest',
      `There should be at least one ${action}RequestEntry in the request.`,
      'AWS.SimpleQueueService.EmptyBatchRequest',
    );
  }
  if (!Array.isArray(value) || !value.every(isObject)) throw invalidValue('Entries', '', 'Must be a list of entries');
  if (value.length > MAX_BATCH_ENTRIES) {
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${value.length}.`,
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    );
  }
  const seen = new Set<string>();
  for (const entry of value) {
    const id = entry.Id;
    if (typeof id !== 'string' || !BATCH_ENTRY_ID.test(id)) {
      throw new SqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        'AWS.SimpleQueueService.InvalidBatchEntryId',
      );
    }
    if (seen.has(id)) {
      throw new SqsError(
        'BatchEntryIdsNotDistinct',
        `Id ${id} repeated.`,
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      );
    }
    seen.add(id);
  }
  return value;
}

/** A failed entry of a batch, as SQS reports it. */
const batchFailure = (id: string, error: unknown) => {
  if (!(error instanceof SqsError)) throw error;
  return { Id: id, SenderFault: error.status < 500, Code: error.code, Message: error.message };
};

/** Message attributes as given (SendMessage, or a caller in this process), checked as SQS checks them. */
function messageAttributesParam(
  value: unknown,
  kind: 'user' | 'system',
): Record<string, SqsMessageAttribute> | undefined {
  if (value === undefined || value === null) return undefined;
  const label = kind === 'user' ? 'Message (user) attribute' : 'Message system attribute';
  if (!isObject(value)) throw invalidParameterValue(`${label}s must be a map.`);
  const names = Object.keys(value);
  if (names.length === 0) return undefined;
  if (names.length > MAX_MESSAGE_ATTRIBUTES) {
    throw invalidParameterValue(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`,
    );
  }
  const attributes: Record<string, SqsMessageAttribute> = {};
  for (const name of names) {
    const given = value[name];
    if (kind === 'system' && name !== 'AWSTraceHeader') {
      throw invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    }
    if (
      !MESSAGE_ATTRIBUTE_NAME.test(name) ||
      /^(aws\.|amazon\.)/i.test(name) ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      name.includes('..')
    ) {
      throw invalidParameterValue(`${label} name '${name}' is invalid.`);
    }
    if (!isObject(given) || typeof given.DataType !== 'string' || given.DataType === '') {
      throw invalidParameterValue(`${label} '${name}' must contain a non-empty attribute type.`);
    }
    const type = given.DataType;
    if (type.length > 256 || !MESSAGE_ATTRIBUTE_TYPE.test(type)) {
      throw invalidParameterValue(
        `${label} '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (type.startsWith('Binary')) {
      const binary = given.BinaryValue;
      if (typeof binary !== 'string' || binary === '') {
        throw invalidParameterValue(`${label} '${name}' must contain a non-empty value of type 'Binary'.`);
      }
      attributes[name] = { DataType: type, BinaryValue: Buffer.from(binary, 'base64').toString('base64') };
      continue;
    }
    const text = given.StringValue;
    const base = type.startsWith('Number') ? 'Number' : 'String';
    if (typeof text !== 'string' || text === '') {
      throw invalidParameterValue(`${label} '${name}' must contain a non-empty value of type '${base}'.`);
    }
    if (base === 'Number' && !NUMBER.test(text)) {
      throw invalidParameterValue(`Can't cast the value of message (user) attribute '${name}' to a number.`);
    }
    if (INVALID_CHARACTER.test(text)) {
      throw new SqsError('InvalidMessageContents', `${label} '${name}' contains invalid characters.`);
    }
    attributes[name] = { DataType: type, StringValue: text };
  }
  return attributes;
}

const attributesBytes = (attributes: Record<string, SqsMessageAttribute> | undefined) =>
  Object.entries(attributes ?? {}).reduce(
    (sum, [name, a]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(a.DataType) +
      (a.BinaryValue !== undefined
        ? Buffer.from(a.BinaryValue, 'base64').length
        : Buffer.byteLength(a.StringValue ?? '')),
    0,
  );

/**
 * A local Amazon SQS (standard queues), speaking the AWS JSON 1.0 protocol the SDK v3 uses.
 * Like SQS: a received message stays invisible for its visibility timeout and is then received
 * again (ApproximateReceiveCount counting up) until deleted with its latest receipt handle;
 * ReceiveMessage long-polls for up to 20 s; a message older than the queue's retention period
 * is dropped; a message received more than its queue's RedrivePolicy maxReceiveCount is moved
 * to the dead-letter queue instead of being received again; MD5s are SQS's own, which the SDK
 * checks. Queues and messages are journaled before a call answers, so a restart of the emulator
 * loses none: what was in flight then is visible again after it, with its receive count kept.
 */
export class LocalSqs {
  private readonly queues = new Map<string, Queue>();
  /** Queue name -> when it was deleted (its name cannot be used again for 60 s). */
  private readonly deleted = new Map<string, number>();
  private readonly compactEvery: number;
  private written = 0;
  private compacting = false;
  private compaction: Promise<void> = Promise.resolve();
  private held: { record: JournalRecord; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private closed = false;

  private constructor(
    private readonly options: SqsOptions,
    private readonly journal: Journal<JournalRecord>,
  ) {
    this.compactEvery = options.compactEvery ?? DEFAULT_COMPACT_EVERY;
  }

  static async open(options: SqsOptions): Promise<LocalSqs> {
    const { journal, records } = await Journal.open<JournalRecord>(join(options.stateDir, 'sqs.journal'));
    const sqs = new LocalSqs(options, journal);
    for (const record of records) sqs.replay(record);
    await journal.rewrite(sqs.snapshot());
    const kept = [...sqs.queues.values()].reduce((sum, queue) => sum + queue.messages.size, 0);
    if (sqs.queues.size > 0) options.log(`sqs: ${sqs.queues.size} queues and ${kept} messages kept from the last run`);
    return sqs;
  }

  /** Creates a queue (as CreateQueue: the same name and attributes again answer its URL). */
  async createQueue(name: string, attributes: Record<string, string> = {}): Promise<string> {
    this.checkOpen();
    if (typeof name !== 'string' || name === '') throw missingParameter('QueueName');
    if (name.endsWith('.fifo') || attributes.FifoQueue === 'true') {
      throw invalidParameterValue('FIFO queues are not supported by the local SQS.');
    }
    if (!QUEUE_NAME.test(name)) {
      throw invalidParameterValue(
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    const given = Object.fromEntries(Object.entries(attributes).filter(([key]) => key !== 'FifoQueue'));
    const existing = this.queues.get(name);
    if (existing) {
      const wanted = this.validQueueAttributes(name, given, existing.attributes);
      for (const key of Object.keys(given)) {
        if ((wanted[key] ?? '') !== (existing.attributes[key] ?? '')) {
          throw new SqsError(
            'QueueNameExists',
            `A queue already exists with the same name and a different value for attribute ${key}`,
            'QueueAlreadyExists',
          );
        }
      }
      return this.urlOf(name);
    }
    const deletedAt = this.deleted.get(name);
    if (deletedAt !== undefined && Date.now() - deletedAt < COOL_DOWN_MS) {
      throw new SqsError(
        'QueueDeletedRecently',
        'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
        'AWS.SimpleQueueService.QueueDeletedRecently',
      );
    }
    const now = Date.now();
    const queue: Queue = {
      name,
      attributes: this.validQueueAttributes(name, given, DEFAULT_ATTRIBUTES),
      created: now,
      modified: now,
      messages: new Map(),
      waiters: new Set(),
    };
    this.queues.set(name, queue);
    await this.write(this.queueRecord(queue));
    return this.urlOf(name);
  }

  /** A queue's URL (`<endpoint>/<account>/<name>`); QueueDoesNotExist for a queue that does not. */
  queueUrl(name: string): string {
    return this.urlOf(this.queue(name).name);
  }

  /** A queue's ARN (`arn:aws:sqs:<region>:<account>:<name>`), by name, URL or ARN. */
  queueArn(queue: string): string {
    return this.arnOf(this.queue(queue).name);
  }

  /** Sends a message to a queue given by name, URL or ARN; resolves once the message is durable. */
  async sendMessage(
    queue: string,
    body: string,
    messageAttributes?: Record<string, SqsMessageAttribute>,
  ): Promise<SendMessageResult> {
    this.checkOpen();
    const { result, durable } = this.send(this.queue(queue), {
      MessageBody: body,
      MessageAttributes: messageAttributes,
    });
    await durable;
    return result;
  }

  /** One AWS JSON 1.0 request; never throws (errors are answered as SQS answers them). */
  async handle(request: SqsRequest): Promise<SqsResponse> {
    const action = request.target.startsWith('AmazonSQS.') ? request.target.slice('AmazonSQS.'.length) : '';
    try {
      if (this.closed)
        throw new SqsError('ServiceUnavailable', 'The local SQS is shutting down.', 'ServiceUnavailable', 503);
      const input = request.body ?? {};
      if (!isObject(input)) {
        throw new SqsError(
          'com.amazon.coral.service#SerializationException',
          'The request body must be a JSON object.',
          'SerializationException',
        );
      }
      return { status: 200, body: await this.act(action, input) };
    } catch (error) {
      if (error instanceof SqsError) return errorResponse(error);
      this.options.log(`sqs: ${action}: ${(error as Error).stack ?? String(error)}`);
      return errorResponse(
        new SqsError('InternalError', 'We encountered an internal error. Please try again.', 'InternalError', 500),
      );
    }
  }

  /** Stops: answers waiting long polls with no messages and closes the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const queue of this.queues.values()) this.wake(queue);
    await this.compaction;
    await this.journal.close();
  }

  private async act(action: string, input: Input): Promise<unknown> {
    switch (action) {
      case 'CreateQueue':
        return {
          QueueUrl: await this.createQueue(requiredString(input, 'QueueName'), stringMapParam(input, 'Attributes')),
        };
      case 'GetQueueUrl': {
        const owner = stringParam(input, 'QueueOwnerAWSAccountId');
        if (owner !== undefined && owner !== this.options.account) throw queueDoesNotExist();
        return { QueueUrl: this.queueUrl(requiredString(input, 'QueueName')) };
      }
      case 'ListQueues':
        return this.listQueues(input);
      case 'GetQueueAttributes':
        return this.getQueueAttributes(this.queueOf(input), stringListParam(input, 'AttributeNames'));
      case 'SetQueueAttributes':
        return this.setQueueAttributes(this.queueOf(input), input);
      case 'SendMessage': {
        const { result, durable } = this.send(this.queueOf(input), input);
        await durable;
        return result;
      }
      case 'SendMessageBatch':
        return this.sendMessageBatch(this.queueOf(input), input);
      case 'ReceiveMessage':
        return this.receiveMessage(this.queueOf(input), input);
      case 'DeleteMessage':
        await this.deleteMessage(this.queueOf(input), requiredString(input, 'ReceiptHandle'));
        return {};
      case 'DeleteMessageBatch':
        return this.deleteMessageBatch(this.queueOf(input), input);
      case 'ChangeMessageVisibility': {
        const timeout = integerParam(input, 'VisibilityTimeout', 0, MAX_VISIBILITY_S);
        if (timeout === undefined) throw missingParameter('VisibilityTimeout');
        this.changeVisibility(this.queueOf(input), requiredString(input, 'ReceiptHandle'), timeout);
        return {};
      }
      case 'ChangeMessageVisibilityBatch':
        return this.changeVisibilityBatch(this.queueOf(input), input);
      case 'PurgeQueue':
        await this.purgeQueue(this.queueOf(input));
        return {};
      case 'DeleteQueue':
        await this.deleteQueue(this.queueOf(input));
        return {};
      default:
        throw new SqsError(
          'com.amazon.coral.service#UnknownOperationException',
          `The local SQS does not implement ${request(action)}.`,
          'UnknownOperationException',
        );
    }
  }

  private listQueues(input: Input): unknown {
    const prefix = stringParam(input, 'QueueNamePrefix') ?? '';
    const max = integerParam(input, 'MaxResults', 1, 1000);
    const token = stringParam(input, 'NextToken');
    const after = token ? Buffer.from(token, 'base64').toString('utf8') : '';
    const names = [...this.queues.keys()].filter((name) => name.startsWith(prefix) && name > after).sort();
    const page = names.slice(0, max ?? 1000);
    return {
      ...(page.length > 0 ? { QueueUrls: page.map((name) => this.urlOf(name)) } : {}),
      ...(max !== undefined && names.length > page.length
        ? { NextToken: Buffer.from(page[page.length - 1] as string).toString('base64') }
        : {}),
    };
  }

  private getQueueAttributes(queue: Queue, names: string[]): unknown {
    for (const name of names) {
      if (name !== 'All' && !COMPUTED_ATTRIBUTES.includes(name) && !SETTABLE_ATTRIBUTES.includes(name)) {
        throw invalidAttributeName(name);
      }
    }
    if (names.length === 0) return {};
    const now = Date.now();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const entry of queue.messages.values()) {
      if (this.expire(queue, entry, now)) continue;
      if (entry.visibleAt <= now) visible += 1;
      else if (entry.message.receiveCount === 0) delayed += 1;
      else inFlight += 1;
    }
    const all: Record<string, string> = {
      ...queue.attributes,
      ApproximateNumberOfMessages: String(visible),
      ApproximateNumberOfMessagesNotVisible: String(inFlight),
      ApproximateNumberOfMessagesDelayed: String(delayed),
      CreatedTimestamp: String(Math.floor(queue.created / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.modified / 1000)),
      QueueArn: this.arnOf(queue.name),
    };
    const wanted = names.includes('All') ? Object.keys(all) : names;
    const attributes = Object.fromEntries(wanted.filter((name) => name in all).map((name) => [name, all[name]]));
    return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
  }

  private async setQueueAttributes(queue: Queue, input: Input): Promise<unknown> {
    if (input.Attributes === undefined || input.Attributes === null) throw missingParameter('Attributes');
    const given = stringMapParam(input, 'Attributes');
    queue.attributes = this.validQueueAttributes(queue.name, given, queue.attributes);
    queue.modified = Date.now();
    // A shorter visibility timeout or a longer wait may concern waiting long polls.
    this.wake(queue);
    await this.write(this.queueRecord(queue));
    return {};
  }

  /** `current` with `given` applied, each checked as SQS checks it. */
  private validQueueAttributes(
    name: string,
    given: Record<string, string>,
    current: Readonly<Record<string, string>>,
  ): Record<string, string> {
    const result = { ...current };
    for (const [key, value] of Object.entries(given)) {
      const range = INTEGER_ATTRIBUTES[key];
      if (range) {
        const number = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
        if (!(number >= range[0] && number <= range[1])) throw invalidAttributeValue(key);
        result[key] = String(number);
      } else if (key === 'RedrivePolicy') {
        if (value === '') delete result.RedrivePolicy;
        else result.RedrivePolicy = this.validRedrivePolicy(name, value);
      } else if (key === 'SqsManagedSseEnabled') {
        if (value !== 'true' && value !== 'false') throw invalidAttributeValue(key);
        result[key] = value;
      } else if (OPAQUE_ATTRIBUTES.has(key)) {
        if (value === '') delete result[key];
        else result[key] = value;
      } else {
        throw invalidAttributeName(key);
      }
    }
    return result;
  }

  private validRedrivePolicy(name: string, value: string): string {
    const invalid = (reason: string) => invalidValue('RedrivePolicy', value, reason);
    let policy: unknown;
    try {
      policy = JSON.parse(value);
    } catch {
      throw invalid('Redrive policy is not a valid JSON map');
    }
    if (!isObject(policy)) throw invalid('Redrive policy is not a valid JSON map');
    const target = policy.deadLetterTargetArn;
    const count = Number(policy.maxReceiveCount);
    if (typeof target !== 'string')
      throw invalid('Redrive policy does not contain mandatory attribute: deadLetterTargetArn');
    if (policy.maxReceiveCount === undefined) {
      throw invalid('Redrive policy does not contain mandatory attribute: maxReceiveCount');
    }
    if (!Number.isInteger(count) || count < 1 || count > 1000) {
      throw invalid(
        `Invalid value for maxReceiveCount: ${String(policy.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive`,
      );
    }
    const targetName = this.nameOfArn(target);
    if (targetName === undefined || !this.queues.has(targetName)) throw invalid('Dead letter target does not exist');
    if (targetName === name) throw invalid('Dead letter target cannot be the queue itself');
    return JSON.stringify({ deadLetterTargetArn: target, maxReceiveCount: count });
  }

  /** Validates and stores one message; `durable` resolves once it is journaled. */
  private send(queue: Queue, input: Input): { result: SendMessageResult; durable: Promise<void> } {
    const body = input.MessageBody;
    if (body === undefined || body === null || body === '') throw missingParameter('MessageBody');
    if (typeof body !== 'string') throw invalidValue('MessageBody', JSON.stringify(body), 'Must be a string');
    if (INVALID_CHARACTER.test(body)) {
      throw new SqsError(
        'InvalidMessageContents',
        'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
      );
    }
    const delay = integerParam(input, 'DelaySeconds', 0, 900) ?? Number(queue.attributes.DelaySeconds);
    const attributes = messageAttributesParam(input.MessageAttributes, 'user');
    const systemAttributes = messageAttributesParam(input.MessageSystemAttributes, 'system');
    if (stringParam(input, 'MessageDeduplicationId') !== undefined) {
      throw invalidValue(
        'MessageDeduplicationId',
        input.MessageDeduplicationId,
        'The request include parameter that is not valid for this queue type',
      );
    }
    const groupId = stringParam(input, 'MessageGroupId');
    const maximum = Number(queue.attributes.MaximumMessageSize);
    if (Buffer.byteLength(body) + attributesBytes(attributes) > maximum) {
      throw invalidParameterValue(
        `One or more parameters are invalid. Reason: Message must be shorter than ${maximum} bytes.`,
      );
    }
    const now = Date.now();
    const message: StoredMessage = {
      id: randomUUID(),
      body,
      ...(attributes ? { attributes } : {}),
      ...(systemAttributes ? { systemAttributes } : {}),
      ...(groupId ? { groupId } : {}),
      sent: now,
      ...(delay > 0 ? { delayUntil: now + delay * 1000 } : {}),
      receiveCount: 0,
    };
    queue.messages.set(message.id, { message, visibleAt: message.delayUntil ?? 0 });
    const durable = this.write({ kind: 'sent', queue: queue.name, message });
    this.wake(queue);
    return {
      result: {
        MessageId: message.id,
        MD5OfMessageBody: md5(body),
        ...(attributes ? { MD5OfMessageAttributes: md5OfMessageAttributes(attributes) } : {}),
        ...(systemAttributes ? { MD5OfMessageSystemAttributes: md5OfMessageAttributes(systemAttributes) } : {}),
      },
      durable,
    };
  }

  private async sendMessageBatch(queue: Queue, input: Input): Promise<unknown> {
    const entries = entriesParam(input, 'SendMessageBatch');
    const size = entries.reduce(
      (sum, entry) =>
        sum +
        Buffer.byteLength(typeof entry.MessageBody === 'string' ? entry.MessageBody : '') +
        attributesBytes(
          isObject(entry.MessageAttributes)
            ? (entry.MessageAttributes as Record<string, SqsMessageAttribute>)
            : undefined,
        ),
      0,
    );
    if (size > MAX_PAYLOAD_BYTES) {
      throw new SqsError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${MAX_PAYLOAD_BYTES} bytes. You have sent ${size} bytes.`,
        'AWS.SimpleQueueService.BatchRequestTooLong',
      );
    }
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    const durable: Promise<void>[] = [];
    for (const entry of entries) {
      try {
        const sent = this.send(queue, entry);
        Successful.push({ Id: entry.Id, ...sent.result });
        durable.push(sent.durable);
      } catch (error) {
        Failed.push(batchFailure(entry.Id as string, error));
      }
    }
    await Promise.all(durable);
    return { Successful, Failed };
  }

  private async receiveMessage(queue: Queue, input: Input): Promise<unknown> {
    const max = integerParam(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
    const visibility = integerParam(input, 'VisibilityTimeout', 0, MAX_VISIBILITY_S);
    const wait = integerParam(input, 'WaitTimeSeconds', 0, MAX_WAIT_S);
    const systemNames = new Set([
      ...stringListParam(input, 'AttributeNames'),
      ...stringListParam(input, 'MessageSystemAttributeNames'),
    ]);
    const attributeNames = stringListParam(input, 'MessageAttributeNames');
    const deadline = Date.now() + (wait ?? Number(queue.attributes.ReceiveMessageWaitTimeSeconds)) * 1000;
    for (;;) {
      if (this.closed) return {};
      if (this.queues.get(queue.name) !== queue) throw queueDoesNotExist();
      const taken = this.take(queue, max, (visibility ?? Number(queue.attributes.VisibilityTimeout)) * 1000);
      if (taken.length > 0) {
        await Promise.all(
          taken.map(({ message }) =>
            this.write({
              kind: 'received',
              queue: queue.name,
              id: message.id,
              count: message.receiveCount,
              first: message.firstReceive as number,
              receipt: message.receipt as string,
            }),
          ),
        );
        return { Messages: taken.map(({ message }) => this.view(queue, message, systemNames, attributeNames)) };
      }
      if (Date.now() >= deadline) return {};
      await this.waitOn(queue, deadline);
    }
  }

  /** Up to `max` visible messages, now received; those received maxReceiveCount times go to the dead-letter queue instead. */
  private take(queue: Queue, max: number, visibilityMs: number): Entry[] {
    const now = Date.now();
    const redrive = queue.attributes.RedrivePolicy
      ? (JSON.parse(queue.attributes.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number })
      : undefined;
    const taken: Entry[] = [];
    for (const entry of queue.messages.values()) {
      if (taken.length >= max) break;
      if (this.expire(queue, entry, now) || entry.visibleAt > now) continue;
      const { message } = entry;
      if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
        const target = this.queues.get(this.nameOfArn(redrive.deadLetterTargetArn) ?? '');
        if (target && target !== queue) {
          this.moveToDeadLetterQueue(queue, target, entry);
          continue;
        }
        this.options.log(`sqs: ${queue.name}: dead-letter queue ${redrive.deadLetterTargetArn} does not exist`);
      }
      message.receiveCount += 1;
      message.firstReceive ??= now;
      message.receipt = randomBytes(12).toString('base64url');
      entry.visibleAt = now + visibilityMs;
      taken.push(entry);
    }
    return taken;
  }

  private moveToDeadLetterQueue(from: Queue, to: Queue, entry: Entry): void {
    const message: StoredMessage = { ...entry.message, deadLetterSourceArn: this.arnOf(from.name) };
    delete message.receipt;
    delete message.delayUntil;
    from.messages.delete(message.id);
    to.messages.set(message.id, { message, visibleAt: 0 });
    this.options.log(`sqs: ${message.id} moved from ${from.name} to ${to.name} after ${message.receiveCount} receives`);
    this.write({ kind: 'moved', from: from.name, to: to.name, message }).catch((error: Error) =>
      this.options.log(`sqs: journaling a move to ${to.name}: ${error.message}`),
    );
    this.wake(to);
  }

  /** Drops a message older than the queue's retention period; true if it did. */
  private expire(queue: Queue, entry: Entry, now: number): boolean {
    if (now < entry.message.sent + Number(queue.attributes.MessageRetentionPeriod) * 1000) return false;
    queue.messages.delete(entry.message.id);
    this.write({ kind: 'deleted', queue: queue.name, ids: [entry.message.id] }).catch((error: Error) =>
      this.options.log(`sqs: journaling an expiry in ${queue.name}: ${error.message}`),
    );
    return true;
  }

  /** The message as ReceiveMessage answers it, with the attributes asked for. */
  private view(queue: Queue, message: StoredMessage, systemNames: Set<string>, attributeNames: string[]): unknown {
    const system: Record<string, string | undefined> = {
      SenderId: this.options.account,
      SentTimestamp: String(message.sent),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: String(message.firstReceive),
      AWSTraceHeader: message.systemAttributes?.AWSTraceHeader?.StringValue,
      MessageGroupId: message.groupId,
      DeadLetterQueueSourceArn: message.deadLetterSourceArn,
    };
    const systemWanted = systemNames.has('All') ? MESSAGE_SYSTEM_ATTRIBUTES : [...systemNames];
    const attributes = Object.fromEntries(
      systemWanted.filter((name) => system[name] !== undefined).map((name) => [name, system[name] as string]),
    );
    const userAttributes = Object.fromEntries(
      Object.entries(message.attributes ?? {}).filter(([name]) =>
        attributeNames.some(
          (pattern) =>
            pattern === 'All' ||
            pattern === '.*' ||
            pattern === name ||
            (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
        ),
      ),
    );
    const hasUserAttributes = Object.keys(userAttributes).length > 0;
    return {
      MessageId: message.id,
      ReceiptHandle: this.receiptHandle(queue, message),
      MD5OfBody: md5(message.body),
      Body: message.body,
      ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
      ...(hasUserAttributes
        ? { MessageAttributes: userAttributes, MD5OfMessageAttributes: md5OfMessageAttributes(userAttributes) }
        : {}),
    };
  }

  private receiptHandle(queue: Queue, message: StoredMessage): string {
    return Buffer.from(JSON.stringify([queue.name, message.id, message.receipt])).toString('base64');
  }

  /** The message a receipt handle of this queue names, and whether the handle is its latest. */
  private byReceiptHandle(queue: Queue, handle: string): { entry?: Entry; latest: boolean } {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(handle, 'base64').toString('utf8'));
    } catch {
      throw receiptHandleIsInvalid(handle);
    }
    if (
      !Array.isArray(parsed) ||
      parsed.length !== 3 ||
      !parsed.every((part) => typeof part === 'string') ||
      parsed[0] !== queue.name
    ) {
      throw receiptHandleIsInvalid(handle);
    }
    const entry = queue.messages.get(parsed[1] as string);
    return { entry, latest: entry?.message.receipt === parsed[2] };
  }

  /** Deletes a message by its latest receipt handle (an older one, or a deleted message's, changes nothing, as in SQS). */
  private deleteOne(queue: Queue, handle: string): Promise<void> | undefined {
    const { entry, latest } = this.byReceiptHandle(queue, handle);
    if (!entry || !latest) return undefined;
    queue.messages.delete(entry.message.id);
    return this.write({ kind: 'deleted', queue: queue.name, ids: [entry.message.id] });
  }

  private async deleteMessage(queue: Queue, handle: string): Promise<void> {
    await this.deleteOne(queue, handle);
  }

  private async deleteMessageBatch(queue: Queue, input: Input): Promise<unknown> {
    const entries = entriesParam(input, 'DeleteMessageBatch');
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    const durable: Promise<void>[] = [];
    for (const entry of entries) {
      try {
        const handle = typeof entry.ReceiptHandle === 'string' ? entry.ReceiptHandle : '';
        if (handle === '') throw missingParameter('ReceiptHandle');
        const deleted = this.deleteOne(queue, handle);
        if (deleted) durable.push(deleted);
        Successful.push({ Id: entry.Id });
      } catch (error) {
        Failed.push(batchFailure(entry.Id as string, error));
      }
    }
    await Promise.all(durable);
    return { Successful, Failed };
  }

  private changeVisibility(queue: Queue, handle: string, timeoutS: number): void {
    const { entry, latest } = this.byReceiptHandle(queue, handle);
    if (!entry || !latest) {
      throw invalidValue(
        'ReceiptHandle',
        handle,
        'Message does not exist or is not available for visibility timeout change',
      );
    }
    const now = Date.now();
    if (entry.visibleAt <= now) {
      throw new SqsError(
        'MessageNotInflight',
        'The message referred to is not in flight.',
        'AWS.SimpleQueueService.MessageNotInflight',
      );
    }
    entry.visibleAt = now + timeoutS * 1000;
    this.wake(queue);
  }

  private changeVisibilityBatch(queue: Queue, input: Input): unknown {
    const entries = entriesParam(input, 'ChangeMessageVisibilityBatch');
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    for (const entry of entries) {
      try {
        const timeout = integerParam(entry, 'VisibilityTimeout', 0, MAX_VISIBILITY_S);
        if (timeout === undefined) throw missingParameter('VisibilityTimeout');
        this.changeVisibility(queue, requiredString(entry, 'ReceiptHandle'), timeout);
        Successful.push({ Id: entry.Id });
      } catch (error) {
        Failed.push(batchFailure(entry.Id as string, error));
      }
    }
    return { Successful, Failed };
  }

  private async purgeQueue(queue: Queue): Promise<void> {
    const now = Date.now();
    if (queue.purgedAt !== undefined && now - queue.purgedAt < COOL_DOWN_MS) {
      throw new SqsError(
        'PurgeQueueInProgress',
        `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`,
        'AWS.SimpleQueueService.PurgeQueueInProgress',
        403,
      );
    }
    queue.purgedAt = now;
    queue.messages.clear();
    await this.write({ kind: 'purged', queue: queue.name });
  }

  private async deleteQueue(queue: Queue): Promise<void> {
    this.queues.delete(queue.name);
    this.deleted.set(queue.name, Date.now());
    this.wake(queue);
    await this.write({ kind: 'queue-deleted', name: queue.name });
  }

  /** Resolves when the queue may have a message to receive: one sent or made visible, or the nearest visibility deadline. */
  private waitOn(queue: Queue, deadline: number): Promise<void> {
    const now = Date.now();
    let until = deadline;
    for (const entry of queue.messages.values()) {
      if (entry.visibleAt > now && entry.visibleAt < until) until = entry.visibleAt;
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        queue.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, until - now));
      queue.waiters.add(done);
    });
  }

  private wake(queue: Queue): void {
    for (const waiter of [...queue.waiters]) waiter();
  }

  private queueOf(input: Input): Queue {
    return this.queue(requiredString(input, 'QueueUrl'));
  }

  /** A queue by name, QueueUrl (any host: `.../<account>/<name>`) or ARN. */
  private queue(reference: string): Queue {
    let name: string | undefined = reference;
    if (reference.startsWith('arn:')) {
      name = this.nameOfArn(reference);
    } else if (/^https?:\/\//i.test(reference)) {
      let path: string[] = [];
      try {
        path = new URL(reference).pathname.split('/').filter((part) => part !== '');
      } catch {
        throw invalidValue('QueueUrl', reference, 'Not a valid URL');
      }
      name = path.length === 2 && path[0] === this.options.account ? path[1] : undefined;
    }
    const queue = name === undefined ? undefined : this.queues.get(name);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  private nameOfArn(arn: string): string | undefined {
    const [prefix, , service, region, account, name] = arn.split(':');
    return prefix === 'arn' && service === 'sqs' && region === this.options.region && account === this.options.account
      ? name
      : undefined;
  }

  private urlOf(name: string): string {
    return `${this.options.endpoint.replace(/\/+$/, '')}/${this.options.account}/${name}`;
  }

  private arnOf(name: string): string {
    return `arn:aws:sqs:${this.options.region}:${this.options.account}:${name}`;
  }

  private checkOpen(): void {
    if (this.closed)
      throw new SqsError('ServiceUnavailable', 'The local SQS is shutting down.', 'ServiceUnavailable', 503);
  }

  private queueRecord(queue: Queue): JournalRecord {
    return {
      kind: 'queue',
      name: queue.name,
      attributes: queue.attributes,
      created: queue.created,
      modified: queue.modified,
    };
  }

  /**
   * Journals a record. While the journal is being compacted, records are held and appended, in
   * order, once it is done: the compacted journal is a snapshot taken when compaction began.
   */
  private write(record: JournalRecord): Promise<void> {
    if (this.compacting) return new Promise((resolve, reject) => this.held.push({ record, resolve, reject }));
    const appended = this.journal.append(record);
    this.written += 1;
    if (this.written >= this.compactEvery && !this.closed) {
      this.compacting = true;
      this.compaction = this.compact();
    }
    return appended;
  }

  private async compact(): Promise<void> {
    try {
      await this.journal.rewrite(this.snapshot());
      this.written = 0;
    } catch (error) {
      this.options.log(`sqs: compacting the journal: ${(error as Error).message}`);
    } finally {
      const held = this.held;
      this.held = [];
      this.compacting = false;
      for (const { record, resolve, reject } of held) this.journal.append(record).then(resolve, reject);
      this.written += held.length;
    }
  }

  /** The journal's records for what is there now: each queue, then each message still retained. */
  private snapshot(): JournalRecord[] {
    const now = Date.now();
    const records: JournalRecord[] = [...this.queues.values()].map((queue) => this.queueRecord(queue));
    for (const queue of this.queues.values()) {
      const retentionMs = Number(queue.attributes.MessageRetentionPeriod) * 1000;
      for (const { message } of queue.messages.values()) {
        if (now < message.sent + retentionMs) records.push({ kind: 'sent', queue: queue.name, message });
      }
    }
    return records;
  }

  /** One journal record, read back at start: every message comes back visible (but for its delay). */
  private replay(record: JournalRecord): void {
    switch (record.kind) {
      case 'queue': {
        const queue = this.queues.get(record.name);
        if (queue) {
          queue.attributes = record.attributes;
          queue.modified = record.modified;
        } else {
          this.queues.set(record.name, {
            name: record.name,
            attributes: record.attributes,
            created: record.created,
            modified: record.modified,
            messages: new Map(),
            waiters: new Set(),
          });
        }
        break;
      }
      case 'queue-deleted':
        this.queues.delete(record.name);
        break;
      case 'sent':
        this.queues.get(record.queue)?.messages.set(record.message.id, {
          message: record.message,
          visibleAt: record.message.delayUntil ?? 0,
        });
        break;
      case 'received': {
        const message = this.queues.get(record.queue)?.messages.get(record.id)?.message;
        if (message) {
          message.receiveCount = record.count;
          message.firstReceive = record.first;
          message.receipt = record.receipt;
        }
        break;
      }
      case 'deleted': {
        const queue = this.queues.get(record.queue);
        for (const id of record.ids) queue?.messages.delete(id);
        break;
      }
      case 'moved':
        this.queues.get(record.from)?.messages.delete(record.message.id);
        this.queues.get(record.to)?.messages.set(record.message.id, { message: record.message, visibleAt: 0 });
        break;
      case 'purged':
        this.queues.get(record.queue)?.messages.clear();
        break;
    }
  }
}

const request = (action: string) => (action === '' ? 'this request (no X-Amz-Target)' : action);

function errorResponse(error: SqsError): SqsResponse {
  return {
    status: error.status,
    headers: { 'x-amzn-query-error': `${error.queryCode};${error.status >= 500 ? 'Receiver' : 'Sender'}` },
    body: {
      __type: error.code.includes('#') ? error.code : `com.amazonaws.sqs#${error.code}`,
      message: error.message,
    },
  };
}

/**
 * The node:http request listener serving a LocalSqs: reads X-Amz-Target and the JSON body,
 * answers with the status, content-type application/x-amz-json-1.0, a request id, the error
 * headers and the JSON body.
 */
export function sqsRequestListener(sqs: LocalSqs): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      const text = Buffer.concat(chunks).toString('utf8');
      let answer: Promise<SqsResponse>;
      try {
        answer = sqs.handle({
          target: typeof target === 'string' ? target : '',
          body: text.trim() === '' ? {} : JSON.parse(text),
        });
      } catch {
        answer = Promise.resolve(
          errorResponse(
            new SqsError(
              'com.amazon.coral.service#SerializationException',
              'The request body is not valid JSON.',
              'SerializationException',
            ),
          ),
        );
      }
      void answer
        .catch(() =>
          errorResponse(new SqsError('InternalError', 'We encountered an internal error.', 'InternalError', 500)),
        )
        .then(({ status, headers, body }) => {
          const payload = JSON.stringify(body);
          res.writeHead(status, {
            'content-type': 'application/x-amz-json-1.0',
            'content-length': Buffer.byteLength(payload),
            'x-amzn-requestid': randomUUID(),
            ...headers,
          });
          res.end(payload);
        });
    });
  };
}
