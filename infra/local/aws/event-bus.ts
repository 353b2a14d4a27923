import { randomUUID } from 'node:crypto';
import { matchesPattern } from './event-pattern';
import { Journal } from './journal';
import type { Invoke } from './lambda-invoker';
import type { FunctionDefinition } from './service-definition';

/** One entry of a PutEvents request, as the SDK sends it. */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number | string;
  Resources?: string[];
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** An event as EventBridge hands it to a target. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface FeedEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  seenAt: number;
}

type JournalRecord = { kind: 'event'; event: BusEvent; rules: string[] } | { kind: 'done'; id: string; rule: string };

/** How deliveries are paced locally (AWS: function retries after 1 and 2 minutes; service retries for 24 hours). */
export interface DeliveryPacing {
  /** Before the n-th retry of a function that failed: n x this. */
  functionRetryMs: number;
  /** Backoff while the Lambda runtime cannot be reached: doubling from this ... */
  unreachableBaseMs: number;
  /** ... up to this. */
  unreachableMaxMs: number;
  /** An event older than this is no longer delivered (EventBridge's maximum event age). */
  maximumEventAgeMs: number;
}

export const LOCAL_PACING: DeliveryPacing = {
  functionRetryMs: 1_000,
  unreachableBaseMs: 250,
  unreachableMaxMs: 10_000,
  maximumEventAgeMs: 24 * 3600 * 1000,
};

/** Where an asynchronous invocation goes once its retries are exhausted (the function's onFailure destination). */
export type FailureDestination = (queueLogicalId: string, record: unknown) => Promise<void>;

export interface EventBusOptions {
  busName: string;
  account: string;
  region: string;
  functions: FunctionDefinition[];
  invoke: Invoke;
  journalFile: string;
  onFailure: FailureDestination;
  pacing?: DeliveryPacing;
  log: (message: string) => void;
}

const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 256 * 1024;

const failed = (ErrorCode: string, ErrorMessage: string): PutEventsResultEntry => ({ ErrorCode, ErrorMessage });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A request EventBridge refuses as a whole (ValidationException). */
export class EventBusValidationError extends Error {}

/**
 * The local EventBridge bus: PutEvents as AWS answers it (a result per entry: MalformedDetail
 * for a Detail that is not a JSON object, InvalidArgument for a missing field), every accepted
 * event journaled before it is acknowledged, then delivered to each function whose rule matches
 * with the Lambda service's asynchronous semantics: a function error is retried
 * `maximumRetryAttempts` times and then goes to the function's onFailure queue; a runtime that
 * cannot be reached (stopped, restarting) is retried with backoff for as long as the event's
 * maximum age. After a crash of the emulator, the journal's undelivered events are delivered.
 */
export class LocalEventBus {
  private readonly pacing: DeliveryPacing;
  private readonly rules: { name: string; pattern: Record<string, unknown>; fn: FunctionDefinition }[];
  private readonly feedListeners = new Set<(entry: FeedEntry) => void>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  private constructor(
    private readonly options: EventBusOptions,
    private readonly journal: Journal<JournalRecord>,
  ) {
    this.pacing = options.pacing ?? LOCAL_PACING;
    this.rules = options.functions.flatMap((fn) => fn.rules.map((rule) => ({ ...rule, fn })));
  }

  static async open(options: EventBusOptions): Promise<LocalEventBus> {
    const { journal, records } = await Journal.open<JournalRecord>(options.journalFile);
    const bus = new LocalEventBus(options, journal);
    // What a previous run accepted and did not finish delivering, by event: the rules still to deliver to.
    const open = new Map<string, { event: BusEvent; rules: Set<string> }>();
    for (const record of records) {
      if (record.kind === 'event') open.set(record.event.id, { event: record.event, rules: new Set(record.rules) });
      else open.get(record.id)?.rules.delete(record.rule);
    }
    const pending = [...open.values()].filter((left) => left.rules.size > 0);
    await journal.rewrite(pending.map((left) => ({ kind: 'event', event: left.event, rules: [...left.rules] })));
    for (const { event, rules } of pending) bus.deliver(event, [...rules]);
    if (pending.length > 0) options.log(`event bus: delivering ${pending.length} events left undelivered`);
    return bus;
  }

  async putEvents(entries: PutEventsEntry[]): Promise<PutEventsResultEntry[]> {
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw new EventBusValidationError(`Entries must hold 1 to ${MAX_ENTRIES} entries`);
    }
    return Promise.all(entries.map((entry) => this.putOne(entry)));
  }

  /** Deliveries to functions not finished yet (being invoked, waiting their turn or their retry). */
  get deliveriesInFlight(): number {
    return this.inFlight.size;
  }

  /** Every accepted entry, as it is accepted (the demo and the benchmark watch the bus through it). */
  onEntry(listener: (entry: FeedEntry) => void): () => void {
    this.feedListeners.add(listener);
    return () => this.feedListeners.delete(listener);
  }

  /** Invokes each scheduled function at its rate, as an EventBridge schedule rule does. */
  startSchedules(): void {
    for (const fn of this.options.functions) {
      for (const everyMs of fn.schedulesMs) {
        this.timers.push(
          setInterval(() => {
            void this.options.invoke(fn.name, this.scheduledEvent(fn)).then((result) => {
              if (result.kind !== 'ok') this.options.log(`schedule ${fn.key}: ${result.kind} ${result.message}`);
            });
          }, everyMs),
        );
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.journal.close();
  }

  private async putOne(entry: PutEventsEntry): Promise<PutEventsResultEntry> {
    const refusal = this.refusal(entry);
    if (refusal) return refusal;
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType as string,
      source: entry.Source as string,
      account: this.options.account,
      time: new Date(entry.Time ? Number(entry.Time) * 1000 || Date.parse(String(entry.Time)) : Date.now())
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.region,
      resources: entry.Resources ?? [],
      detail: JSON.parse(entry.Detail as string) as Record<string, unknown>,
    };
    const rules = this.rules.filter((rule) =>
      matchesPattern(rule.pattern, event as unknown as Record<string, unknown>),
    );
    if (rules.length > 0) {
      await this.journal.append({ kind: 'event', event, rules: rules.map((r) => r.name) });
      this.deliver(
        event,
        rules.map((r) => r.name),
      );
    }
    const seenAt = Date.now();
    for (const listener of this.feedListeners)
      listener({ Source: event.source, DetailType: event['detail-type'], Detail: entry.Detail as string, seenAt });
    return { EventId: event.id };
  }

  private refusal(entry: PutEventsEntry): PutEventsResultEntry | undefined {
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[field] !== 'string' || entry[field] === '') {
        return failed('InvalidArgument', `Parameter ${field} is not valid. Reason: ${field} is a required argument.`);
      }
    }
    const bus = entry.EventBusName;
    if (bus && bus !== this.options.busName && !bus.endsWith(`:event-bus/${this.options.busName}`)) {
      return failed('InvalidArgument', `Event bus ${bus} does not exist.`);
    }
    if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES) {
      return failed('InvalidArgument', `The entry exceeds the ${MAX_ENTRY_BYTES / 1024} KB limit of an event entry.`);
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail as string);
    } catch {
      return failed('MalformedDetail', 'Detail is malformed.');
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
      return failed('MalformedDetail', 'Detail is malformed.');
    }
    return undefined;
  }

  private deliver(event: BusEvent, ruleNames: string[]): void {
    for (const name of ruleNames) {
      const rule = this.rules.find((r) => r.name === name);
      if (!rule) continue;
      const delivery = this.deliverTo(event, rule.name, rule.fn).finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  private async deliverTo(event: BusEvent, rule: string, fn: FunctionDefinition): Promise<void> {
    let functionAttempts = 0;
    let unreachable = 0;
    while (!this.closed) {
      const result = await this.options.invoke(fn.name, event);
      if (result.kind === 'ok') break;
      if (result.kind === 'unreachable') {
        if (Date.now() - Date.parse(event.time) > this.pacing.maximumEventAgeMs) {
          this.options.log(`event ${event.id} to ${fn.key}: older than its maximum age, dropped (${result.message})`);
          break;
        }
        unreachable += 1;
        await sleep(Math.min(this.pacing.unreachableMaxMs, this.pacing.unreachableBaseMs * 2 ** (unreachable - 1)));
        continue;
      }
      functionAttempts += 1;
      if (functionAttempts > fn.maximumRetryAttempts) {
        await this.exhausted(event, fn, functionAttempts, result.message);
        break;
      }
      await sleep(this.pacing.functionRetryMs * functionAttempts);
    }
    if (!this.closed) await this.journal.append({ kind: 'done', id: event.id, rule });
  }

  /** The record Lambda sends an onFailure destination for an asynchronous invocation whose retries ran out. */
  private async exhausted(event: BusEvent, fn: FunctionDefinition, attempts: number, message: string): Promise<void> {
    this.options.log(`event ${event.id} to ${fn.key}: failed ${attempts} times (${message.slice(0, 200)})`);
    if (!fn.onFailureQueue) return;
    const functionArn = `arn:aws:lambda:${this.options.region}:${this.options.account}:function:${fn.name}:$LATEST`;
    let responsePayload: unknown = message;
    try {
      responsePayload = JSON.parse(message);
    } catch {
      // kept as text
    }
    await this.options.onFailure(fn.onFailureQueue, {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: randomUUID(),
        functionArn,
        condition: 'RetriesExhausted',
        approximateInvokeCount: attempts,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload,
    });
  }

  private scheduledEvent(fn: FunctionDefinition): BusEvent {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.options.account,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.region,
      resources: [`arn:aws:events:${this.options.region}:${this.options.account}:rule/${fn.name}-schedule`],
      detail: {},
    };
  }
}
