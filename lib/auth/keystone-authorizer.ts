import { createHash } from 'node:crypto';
import type { TokenInfo } from '../vim/keystone';

/** Who calls an nfvi-doctor API, as Keystone vouches for the caller's token. */
export interface Caller {
  userId: string;
  projectId: string;
  roles: string[];
  isAdmin: boolean;
}

export interface TokenValidator {
  validate(token: string): Promise<TokenInfo>;
}

export class UnauthorizedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnauthorizedError';
  }
}

const CACHE_TTL_MS = 60_000;
/** Past this many cached tokens, expired ones are dropped. */
const CACHE_MAX_ENTRIES = 1000;
const ADMIN_ROLE = 'admin';

/**
 * Validates X-Auth-Token against Keystone, remembering valid tokens for a minute (never past
 * their expiry) by digest, so a burst of calls costs Keystone one validation.
 */
export class KeystoneAuthorizer {
  private readonly cache = new Map<string, { caller: Caller; until: number }>();

  constructor(
    private readonly validator: TokenValidator,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async authenticate(token: string | undefined): Promise<Caller> {
    if (!token) throw new UnauthorizedError('X-Auth-Token is missing');
    const key = createHash('sha256').update(token).digest('hex');
    const now = this.clock().getTime();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.caller;
    let info: TokenInfo;
    try {
      info = await this.validator.validate(token);
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
    if (this.cache.size >= CACHE_MAX_ENTRIES) {
      for (const [k, entry] of this.cache) if (entry.until <= now) this.cache.delete(k);
    }
    this.cache.set(key, { caller, until: Math.min(now + CACHE_TTL_MS, info.expiresAt.getTime()) });
    return caller;
  }
}
