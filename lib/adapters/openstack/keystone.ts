import { z } from 'zod';
import { type TokenInfo } from '../../platform/auth/keystone-authorizer';
import type { VimCredentials } from './credentials';
import { DEFAULT_HTTP_OPTIONS, vimFetch, type HttpOptions, type VimRequest, type VimResponse } from './http';
import { VimError } from './vim-error';

const catalogEntry = z.object({
  type: z.string(),
  endpoints: z.array(z.object({ interface: z.string(), region: z.string().nullish(), url: z.string() })),
});

const tokenBody = z.object({
  token: z.object({
    expires_at: z.string(),
    user: z.object({ id: z.string(), name: z.string().optional() }),
    project: z.object({ id: z.string(), name: z.string().optional() }).optional(),
    roles: z.array(z.object({ id: z.string(), name: z.string() })).default([]),
    catalog: z.array(catalogEntry).optional(),
  }),
});

interface Session {
  token: string;
  info: TokenInfo;
  catalog: z.infer<typeof catalogEntry>[];
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(`invalid token: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

/** Re-authenticate this long before the token expires, so no call carries a dying token. */
const EXPIRY_MARGIN_MS = 60_000;

const infoOf = (token: z.infer<typeof tokenBody>['token']): TokenInfo => ({
  userId: token.user.id,
  projectId: token.project?.id,
  projectName: token.project?.name,
  roles: token.roles.map((r) => r.name),
  expiresAt: new Date(token.expires_at),
});

export interface ServiceRequest extends Omit<VimRequest, 'url' | 'service'> {
  path: string;
}

/**
 * A Keystone v3 session: authenticates with a password or an application credential, caches
 * the token until shortly before it expires, re-authenticates once on a 401, and finds
 * service endpoints in the token's catalog.
 */
export class KeystoneSession {
  private cached: Session | undefined;
  private inflight: Promise<Session> | undefined;

  constructor(
    private readonly credentials: VimCredentials,
    private readonly http: HttpOptions = DEFAULT_HTTP_OPTIONS,
    private readonly endpointInterface: 'public' | 'internal' | 'admin' = 'public',
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A call to one service of the catalog (`compute`, `network`, `identity`, ...). */
  async request(serviceType: string, request: ServiceRequest): Promise<VimResponse> {
    for (let attempt = 1; ; attempt++) {
      const session = await this.current();
      try {
        return await vimFetch(
          {
            ...request,
            service: serviceType,
            url: `${this.endpointOf(session, serviceType).replace(/\/$/, '')}${request.path}`,
            headers: { ...request.headers, 'X-Auth-Token': session.token },
          },
          this.http,
        );
      } catch (error) {
        if (error instanceof VimError && error.status === 401 && attempt === 1) {
          this.invalidate(session);
          continue;
        }
        throw error;
      }
    }
  }

  /** The session's current token (for a client that calls nfvi-doctor's own APIs as this user). */
  async token(): Promise<string> {
    return (await this.current()).token;
  }

  /** The endpoint URL of a service type, from the catalog (the configured region, if any). */
  async endpoint(serviceType: string): Promise<string> {
    return this.endpointOf(await this.current(), serviceType);
  }

  /** A token for an application credential, authenticated at this session's Keystone. */
  async tokenFor(applicationCredentialId: string, secret: string): Promise<string> {
    const other = new KeystoneSession(
      { kind: 'application-credential', authUrl: this.credentials.authUrl, id: applicationCredentialId, secret },
      this.http,
      this.endpointInterface,
      this.clock,
    );
    try {
      return await other.token();
    } catch (error) {
      if (error instanceof VimError && (error.status === 401 || error.status === 404))
        throw new InvalidTokenError(`application credential refused: ${error.vimMessage}`);
      throw error;
    }
  }

  /** Validates a caller's token (Keystone `GET /v3/auth/tokens`) and tells whose it is. */
  async validate(subjectToken: string): Promise<TokenInfo> {
    try {
      const response = await this.request('identity', {
        method: 'GET',
        path: '/auth/tokens?nocatalog',
        headers: { 'X-Subject-Token': subjectToken },
      });
      return infoOf(tokenBody.parse(JSON.parse(response.body)).token);
    } catch (error) {
      // Keystone answers 404 for a token it does not know; a 401 is about our own session.
      if (error instanceof VimError && error.status === 404) throw new InvalidTokenError(error.vimMessage);
      throw error;
    }
  }

  private async current(): Promise<Session> {
    const cached = this.cached;
    if (cached && cached.info.expiresAt.getTime() - this.clock().getTime() > EXPIRY_MARGIN_MS) return cached;
    // One authentication at a time: concurrent callers share it.
    this.inflight ??= this.authenticate()
      .then((session) => (this.cached = session))
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private invalidate(session: Session): void {
    if (this.cached === session) this.cached = undefined;
  }

  private async authenticate(): Promise<Session> {
    const c = this.credentials;
    const auth =
      c.kind === 'password'
        ? {
            identity: {
              methods: ['password'],
              password: { user: { name: c.username, password: c.password, domain: { name: c.userDomainName } } },
            },
            scope: { project: { name: c.projectName, domain: { name: c.projectDomainName } } },
          }
        : { identity: { methods: ['application_credential'], application_credential: { id: c.id, secret: c.secret } } };
    const response = await vimFetch(
      { service: 'identity', method: 'POST', url: `${c.authUrl.replace(/\/$/, '')}/auth/tokens`, body: { auth } },
      this.http,
    );
    const token = response.headers.get('X-Subject-Token');
    if (!token)
      throw new VimError('identity', 'POST', '/v3/auth/tokens', response.status, 'no X-Subject-Token in the answer');
    const body = tokenBody.parse(JSON.parse(response.body)).token;
    return { token, info: infoOf(body), catalog: body.catalog ?? [] };
  }

  private endpointOf(session: Session, serviceType: string): string {
    if (serviceType === 'identity') return this.credentials.authUrl;
    const region = this.credentials.region;
    const endpoint = session.catalog
      .find((entry) => entry.type === serviceType)
      ?.endpoints.find((e) => e.interface === this.endpointInterface && (!region || e.region === region));
    if (!endpoint) {
      throw new VimError(
        serviceType,
        'GET',
        '(catalog)',
        undefined,
        `no ${this.endpointInterface} ${serviceType} endpoint in the catalog${region ? ` for region ${region}` : ''}`,
      );
    }
    return endpoint.url;
  }
}
