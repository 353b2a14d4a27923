import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  method: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  at: number;
}

/**
 * A consumer's HTTP endpoint as a SOL 003 or Aodh-format subscriber runs it: answers the
 * subscription test GET with 204 and takes notifications with 204, or fails every request
 * with the status it is told to (`failWith`), as a consumer that is down or broken.
 */
export class CallbackConsumer {
  readonly received: ReceivedCallback[] = [];
  failWith: number | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/notifications'): Promise<CallbackConsumer> {
    let consumer: CallbackConsumer | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // Kept as text: the test says what it expected.
        }
        consumer?.received.push({ method: request.method ?? '', headers: request.headers, body, at: Date.now() });
        response.statusCode = consumer?.failWith ?? 204;
        response.end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    consumer = new CallbackConsumer(server, `http://127.0.0.1:${port}${path}`);
    return consumer;
  }

  /** The notifications POSTed (not the test GETs). */
  notifications<T = Record<string, unknown>>(): T[] {
    return this.received.filter((r) => r.method === 'POST').map((r) => r.body as T);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }
}
