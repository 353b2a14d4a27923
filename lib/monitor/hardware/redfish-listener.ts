import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { CollectorConfig } from '../config';
import { now, type Emit, type Source } from '../report';
import type { Logger } from './polling-source';
import { parseRedfishEvent } from './redfish-event';

type RedfishConfig = NonNullable<CollectorConfig['redfish']>;

export type RedfishListenerOptions = {
  /** Larger bodies are refused (413): a BMC batches a few events, never megabytes. */
  maxBodyBytes?: number;
};

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge(`body larger than ${limit} bytes`));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, text?: string, headers: Record<string, string> = {}): void {
  if (text === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(`${text}\n`);
}

/**
 * The event destination for the BMC's Redfish EventService subscription: every event of a valid
 * push becomes one report (204); a push that is not a Redfish Event gets 400 with the reason, so
 * whoever set up the subscription can see what is wrong. Only the configured path exists.
 */
export class RedfishListener implements Source {
  readonly name = 'redfish';
  private server: Server | undefined;

  /** The config's listen port may be 0 (a free port, in tests): `port` tells which once started. */
  constructor(
    private readonly config: RedfishConfig,
    private readonly logger: Logger,
    private readonly options: RedfishListenerOptions = {},
  ) {}

  /** The bound port, once started. */
  get port(): number {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the Redfish listener is not listening');
    return address.port;
  }

  start(emit: Emit): Promise<void> {
    const handler = (request: IncomingMessage, response: ServerResponse) => void this.handle(request, response, emit);
    // BMCs such as iDRAC push only to HTTPS destinations.
    const { tls } = this.config;
    const server = tls
      ? createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, handler)
      : createServer(handler);
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.listen.port, this.config.listen.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse, emit: Emit): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== this.config.path) return answer(response, 404, `no event destination at ${path}`);
    if (request.method !== 'POST') return answer(response, 405, 'Redfish events are POSTed', { allow: 'POST' });
    let body: string;
    try {
      body = await readBody(request, this.options.maxBodyBytes ?? 1024 * 1024);
    } catch (error) {
      const tooLarge = error instanceof BodyTooLarge;
      return answer(response, tooLarge ? 413 : 400, `could not read the body: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (error) {
      return answer(response, 400, `the body is not JSON: ${(error as Error).message}`);
    }
    const parsed = parseRedfishEvent(json, now());
    if (!parsed.ok) {
      this.logger.warn('refused a Redfish push that is not a Redfish Event', { reason: parsed.reason });
      return answer(response, 400, `not a Redfish Event:\n${parsed.reason}`);
    }
    try {
      for (const detail of parsed.details) emit({ detailType: 'hardware.event', detail });
    } catch (error) {
      this.logger.warn('could not hand a Redfish event to the delivery', { error: (error as Error).message });
      return answer(response, 500, 'the collector could not accept the event');
    }
    answer(response, 204);
  }
}
