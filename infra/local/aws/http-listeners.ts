import type { IncomingMessage, RequestListener } from 'node:http';
import { EventBusValidationError, type FeedEntry, type LocalEventBus } from './event-bus';
import { parseQuery } from './query-protocol';
import type { LocalSns } from './sns';

const bodyOf = (req: IncomingMessage) =>
  new Promise<string>((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });

/** EventBridge's JSON 1.1 API (PutEvents), and a feed of every accepted entry (server-sent events). */
export function busListener(
  bus: LocalEventBus,
  identity: { projectRoot: string },
  log: (message: string) => void,
): RequestListener {
  return (req, res) => {
    if (req.method === 'GET' && req.url === '/identity') {
      // Whose stack this is: a second checkout's `npm start` must not take it for its own.
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...identity, pid: process.pid }));
      return;
    }
    if (req.method === 'GET' && req.url === '/status') {
      // How busy the bus is: a test waits for the deliveries of earlier work to end.
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ deliveriesInFlight: bus.deliveriesInFlight }));
      return;
    }
    if (req.method === 'GET' && req.url === '/feed') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      res.write(': feed\n\n');
      const stop = bus.onEntry((entry: FeedEntry) => res.write(`data: ${JSON.stringify(entry)}\n\n`));
      req.on('close', stop);
      return;
    }
    void (async () => {
      const answer = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
      if (req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
        await bodyOf(req);
        return answer(400, {
          __type: 'UnknownOperationException',
          message: `${req.headers['x-amz-target']} is not emulated`,
        });
      }
      let request: { Entries?: unknown };
      try {
        request = JSON.parse(await bodyOf(req)) as { Entries?: unknown };
      } catch {
        return answer(400, { __type: 'SerializationException', message: 'the request body is not JSON' });
      }
      try {
        const entries = await bus.putEvents(request.Entries as never);
        answer(200, { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries });
      } catch (error) {
        if (error instanceof EventBusValidationError)
          return answer(400, { __type: 'ValidationException', message: error.message });
        log(`event bus: ${(error as Error).stack}`);
        answer(500, { __type: 'InternalException', message: 'internal error' });
      }
    })();
  };
}

/** SNS's Query API: a form POST, or the GET of a SubscribeURL or UnsubscribeURL. */
export function snsListener(sns: LocalSns): RequestListener {
  return (req, res) => {
    void (async () => {
      const params =
        req.method === 'GET'
          ? new Map(new URL(req.url ?? '/', 'http://localhost').searchParams)
          : parseQuery(await bodyOf(req));
      const { status, body } = await sns.handle(params);
      res.writeHead(status, { 'content-type': 'text/xml' }).end(body);
    })();
  };
}
