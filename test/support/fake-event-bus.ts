/**
 * A fake EventBridge endpoint: a node:http server on 127.0.0.1 (port 0) speaking the AWS JSON
 * 1.1 protocol for PutEvents only, so that the real SDK adapter is exercised over the wire
 * without the local stack. It records every entry it receives and answers as it is told:
 * accept, stall (never answer), fail the whole call, or fail some entries.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A PutEvents request entry as it arrived (Time in epoch seconds, as the SDK sends it). */
export interface ReceivedEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Time?: number;
}

export interface PutEventsCall {
  /** 1 for the first call the bus received. */
  index: number;
  target: string | undefined;
  entries: ReceivedEntry[];
}

export type EntryFailure = { code: string; message: string };

export type Answer =
  | { kind: 'accept' }
  /** Keep the connection open and never answer. */
  | { kind: 'stall' }
  /** The whole call fails: e.g. 400 ThrottlingException, 500 InternalException. */
  | { kind: 'error'; status: number; type: string; message: string }
  /** Entries for which `fail` returns a failure get it, with FailedEntryCount; the rest are accepted. */
  | { kind: 'partial'; fail: (entry: ReceivedEntry, index: number) => EntryFailure | undefined };

export const ACCEPT: Answer = { kind: 'accept' };
export const STALL: Answer = { kind: 'stall' };
export const THROTTLED: Answer = { kind: 'error', status: 400, type: 'ThrottlingException', message: 'Rate exceeded' };
export const INTERNAL_ERROR: Answer = { kind: 'error', status: 500, type: 'InternalException', message: 'oops' };

export type Behaviour = (call: PutEventsCall) => Answer;

export class FakeEventBus {
  readonly calls: PutEventsCall[] = [];
  /** Every entry the bus acknowledged as accepted, in the order it did. */
  readonly accepted: ReceivedEntry[] = [];
  private behaviour: Behaviour = () => ACCEPT;
  private stalled = 0;
  private readonly server: Server;
  private url = '';

  private constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(): Promise<FakeEventBus> {
    const bus = new FakeEventBus();
    await new Promise<void>((resolve) => bus.server.listen(0, '127.0.0.1', resolve));
    bus.url = `http://127.0.0.1:${(bus.server.address() as AddressInfo).port}`;
    return bus;
  }

  get endpoint(): string {
    return this.url;
  }

  /** How the calls from now on are answered; calls already stalled stay stalled. */
  behave(behaviour: Behaviour): void {
    this.behaviour = behaviour;
  }

  /** Every entry the bus received, answered or not. */
  get received(): ReceivedEntry[] {
    return this.calls.flatMap((call) => call.entries);
  }

  /** Calls left unanswered so far. */
  get stalledCalls(): number {
    return this.stalled;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      const single = Array.isArray(target) ? target[0] : target;
      if (req.method !== 'POST' || single !== 'AWSEvents.PutEvents') {
        return reply(res, 400, { __type: 'UnknownOperationException', message: `unknown operation ${single}` });
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: ReceivedEntry[] };
      const call = { index: this.calls.length + 1, target: single, entries: body.Entries ?? [] };
      this.calls.push(call);
      const answer = this.behaviour(call);
      switch (answer.kind) {
        case 'stall':
          this.stalled++;
          return;
        case 'error':
          return reply(res, answer.status, { __type: answer.type, message: answer.message }, answer.type);
        case 'accept':
        case 'partial': {
          const results = call.entries.map((entry, index) => {
            const failure = answer.kind === 'partial' ? answer.fail(entry, index) : undefined;
            if (failure) return { ErrorCode: failure.code, ErrorMessage: failure.message };
            this.accepted.push(entry);
            return { EventId: randomUUID() };
          });
          const failed = results.filter((result) => 'ErrorCode' in result).length;
          return reply(res, 200, { FailedEntryCount: failed, Entries: results });
        }
      }
    });
  }
}

function reply(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  res
    .writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': randomUUID(),
      ...(errorType && { 'x-amzn-errortype': errorType }),
    })
    .end(JSON.stringify(body));
}
