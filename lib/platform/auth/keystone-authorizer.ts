import { createHash } from 'node:crypto';

/** Who calls an nfvi-doctor API, as Keystone vouches for the caller's token. */
export interface Caller {
  userId: string;
  projectId: string;
  roles: string[];
  isAdmin: boolean;
}

/** What Keystone says of a valid token. */
export interface TokenInfo {
  userId: string;
  projectId: string | undefined;
  projectName: string | undefined;
  roles: string[];
  expiresAt: Date;
}

export interface TokenValidator {
  validate(token: string): Promise<TokenInfo>;
  /** Authenticates an application credential at the same Keystone; a token for it. */
  tokenFor(applicationCredentialId: string, secret: string): Promise<string>;
}

export class UnauthorizedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnauthorizedError';
  }
}

/** keystonemiddleware's default token_cache_time: a revoked token is honoured at most this long. */
const CACHE_TTL_MS = 300_000;
/** Past this many cached tokens, expired ones are dropped. */
const CACHE_MAX_ENTRIES = 1000;
const ADMIN_ROLE = 'admin';

/**
 * Validates X-Auth-Token against Keystone, remembering valid tokens for five minutes (never past
 * their expiry) by digest, as keystonemiddleware does, so a burst of calls costs Keystone one
 * validation: calls that arrive while a credential is being looked up wait for that look-up
 * instead of making their own.
 */
export class KeystoneAuthorizer {
  private readonly cache = new Map<string, { caller: Caller; until: number }>();
  private readonly inflight = new Map<string, Promise<Caller>>();

  constructor(
    private readonly validator: TokenValidator,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async authenticate(token: string | undefined): Promise<Caller> {
    if (!token) throw new UnauthorizedError('X-Auth-Token is missing');
    return this.cached(token, () => this.validator.validate(token));
  }

  /**
   * `Authorization: Basic <application credential id>:<secret>`, for senders that can only be
   * given static credentials (Prometheus Alertmanager's webhook `basic_auth`).
   */
  async authenticateBasic(authorization: string | undefined): Promise<Caller> {
    const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new UnauthorizedError('Authorization: Basic <application credential id:secret> is missing');
    const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new UnauthorizedError('Basic credentials must be <application credential id>:<secret>');
    const [id, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    return this.cached(authorization as string, async () =>
      this.validator.validate(await this.validator.tokenFor(id, secret)),
    );
  }

  /** The caller a credential stands for, from the cache or from Keystone (one look-up at a time). */
  private async cached(credential: string, lookUp: () => Promise<TokenInfo>): Promise<Caller> {
    const key = createHash('sha256').update(credential).digest('hex');
    const hit = this.cache.get(key);
    if (hit && hit.until > this.clock().getTime()) return hit.caller;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.lookUp(key, lookUp).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async lookUp(key: string, lookUp: () => Promise<TokenInfo>): Promise<Caller> {
    let info: TokenInfo;
    try {
      info = await lookUp();
    } catch (error) {
      if (error instanceof Error && error.name === 'InvalidTokenError') throw new UnauthorizedError(error.message);
      throw error;
    }
    if (!info.projectId) throw new UnauthorizedError('the token is not scoped to a project');
    const caller = {
      userId: info.userId,
      projectId: info.projectId,
      roles: info.roles,
      isAdmin: info.roles.includes(ADMIN_ROLE),
    };
    const now = this.clock().getTime();
    if (this.cache.size >= CACHE_MAX_ENTRIES) {
      for (const [k, entry] of this.cache) if (entry.until <= now) this.cache.delete(k);
    }
    this.cache.set(key, { caller, until: Math.min(now + CACHE_TTL_MS, info.expiresAt.getTime()) });
    return caller;
  }
}
