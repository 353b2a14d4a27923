/**
 * A fake OpenStack endpoint for the VIM client's unit tests: a node:http server on 127.0.0.1
 * (port 0) that records every request and answers as it is told. It stands for the protocol
 * only; the real OpenStack is the integration tests' business.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpOptions } from '../../../../lib/adapters/openstack/http';

export interface RecordedRequest {
  method: string;
  /** Path and query, as the client sent them. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  /** An object is sent as JSON, a string as it is. */
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** Never answer: the client's timeout has to end the call. */
export const SILENCE = 'silence';

export type Handler = (request: RecordedRequest) => Reply | typeof SILENCE;

/** Fast retries, so that the tests do not wait for the production backoff. */
export const FAST_HTTP: HttpOptions = { timeoutMs: 2000, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } };

export class FakeEndpoint {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private address = '';

  private constructor(handler: Handler) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        };
        this.requests.push(request);
        const reply = handler(request);
        if (reply === SILENCE) return;
        const body =
          typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
        setTimeout(() => res.writeHead(reply.status, reply.headers).end(body), reply.delayMs ?? 0);
      });
    });
  }

  static async start(handler: Handler): Promise<FakeEndpoint> {
    const endpoint = new FakeEndpoint(handler);
    await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', resolve));
    endpoint.address = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}`;
    return endpoint;
  }

  /** http://127.0.0.1:<port>, without a trailing slash. */
  get url(): string {
    return this.address;
  }

  /** Stops listening and drops the connections still open (those it never answered). */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Answers with the replies in turn; the last one again once they are used up. */
export function inTurn(...replies: (Reply | typeof SILENCE)[]): Handler {
  let next = 0;
  return () => {
    const reply = replies[Math.min(next++, replies.length - 1)];
    if (reply === undefined) throw new Error('inTurn needs at least one reply');
    return reply;
  };
}

// ---- a fake Keystone with a service catalog -------------------------------------------------

export const REGION = 'RegionOne';
export const OTHER_REGION = 'RegionTwo';
const HOUR = 3600_000;

/** The catalog's compute endpoints, each on its own path so a test can tell which one was used. */
const computeEndpoints = (base: string) => [
  { interface: 'public', region: REGION, url: `${base}/compute/${REGION}/public/v2.1` },
  { interface: 'internal', region: REGION, url: `${base}/compute/${REGION}/internal/v2.1/` },
  { interface: 'public', region: OTHER_REGION, url: `${base}/compute/${OTHER_REGION}/public/v2.1` },
];

/**
 * Keystone v3 (POST/GET /v3/auth/tokens) plus a compute service that accepts the tokens it
 * issued and not revoked. Tokens are token-1, token-2, ... in the order they were issued.
 */
export class FakeKeystone {
  readonly issued: string[] = [];
  readonly revoked = new Set<string>();
  /** How long an authentication takes. */
  authDelayMs = 0;
  /** The services refuse every token, even a fresh one. */
  refuseAllTokens = false;
  private endpoint: FakeEndpoint | undefined;

  static async start(): Promise<FakeKeystone> {
    const keystone = new FakeKeystone();
    keystone.endpoint = await FakeEndpoint.start((request) => keystone.answer(request));
    return keystone;
  }

  get base(): string {
    if (!this.endpoint) throw new Error('the fake Keystone is not started');
    return this.endpoint.url;
  }

  get authUrl(): string {
    return `${this.base}/v3`;
  }

  get requests(): RecordedRequest[] {
    return this.endpoint?.requests ?? [];
  }

  /** The authentications asked for (POST /v3/auth/tokens), their bodies parsed. */
  authentications(): unknown[] {
    return this.requests
      .filter((r) => r.method === 'POST' && r.url === '/v3/auth/tokens')
      .map((r) => JSON.parse(r.body));
  }

  /** The calls to services other than Keystone, with the token each carried. */
  serviceCalls(): { url: string; token: unknown }[] {
    return this.requests
      .filter((r) => !r.url.startsWith('/v3/'))
      .map((r) => ({ url: r.url, token: r.headers['x-auth-token'] }));
  }

  computeEndpoint(iface: 'public' | 'internal', region: string): string {
    const endpoint = computeEndpoints(this.base).find((e) => e.interface === iface && e.region === region);
    if (!endpoint) throw new Error(`no ${iface} compute endpoint in ${region}`);
    return endpoint.url;
  }

  stop(): Promise<void> {
    return this.endpoint?.stop() ?? Promise.resolve();
  }

  private answer(request: RecordedRequest): Reply {
    if (request.url === '/v3/auth/tokens' && request.method === 'POST') return this.authenticate();
    const token = request.headers['x-auth-token'];
    if (typeof token !== 'string' || !this.accepts(token)) {
      return {
        status: 401,
        body: { error: { code: 401, message: 'The request you have made requires authentication.' } },
      };
    }
    if (request.url.startsWith('/v3/auth/tokens') && request.method === 'GET') {
      const subject = request.headers['x-subject-token'];
      if (typeof subject === 'string' && this.accepts(subject)) return { status: 200, body: this.tokenBody(false) };
      return { status: 404, body: { error: { code: 404, message: `Could not find token: ${subject}.` } } };
    }
    return { status: 200, body: { servers: [] } };
  }

  /** Issues a token, as Keystone does for a user who authenticated. */
  issue(): string {
    const token = `token-${this.issued.length + 1}`;
    this.issued.push(token);
    return token;
  }

  private accepts(token: string): boolean {
    return this.issued.includes(token) && !this.revoked.has(token) && !this.refuseAllTokens;
  }

  private authenticate(): Reply {
    const token = this.issue();
    return {
      status: 201,
      headers: { 'X-Subject-Token': token },
      body: this.tokenBody(true),
      delayMs: this.authDelayMs,
    };
  }

  private tokenBody(withCatalog: boolean) {
    return {
      token: {
        expires_at: new Date(Date.now() + HOUR).toISOString(),
        user: { id: 'user-doctor', name: 'nfvi-doctor' },
        project: { id: 'project-admin', name: 'admin' },
        roles: [{ id: 'role-1', name: 'admin' }],
        ...(withCatalog
          ? {
              catalog: [
                { type: 'compute', endpoints: computeEndpoints(this.base) },
                { type: 'identity', endpoints: [] },
              ],
            }
          : {}),
      },
    };
  }
}
