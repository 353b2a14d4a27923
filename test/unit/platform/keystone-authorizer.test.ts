import { InvalidTokenError } from '../../../lib/adapters/openstack/keystone';
import { VimError } from '../../../lib/adapters/openstack/vim-error';
import { callerOf, requireAdmin } from '../../../lib/platform/auth/caller';
import {
  KeystoneAuthorizer,
  UnauthorizedError,
  type Caller,
  type TokenInfo,
  type TokenValidator,
} from '../../../lib/platform/auth/keystone-authorizer';
import { HttpError } from '../../../lib/platform/http/http-error';

const NOW = Date.parse('2026-11-25T10:00:00.000Z');
const SECOND = 1000;
const HOUR = 3600 * SECOND;
const TOKEN = 'gAAAAABtoken-of-alice';

const tokenInfo = (changes: Partial<TokenInfo> = {}): TokenInfo => ({
  userId: 'user-alice',
  projectId: 'project-a',
  projectName: 'tenant-a',
  roles: ['member', 'reader'],
  expiresAt: new Date(NOW + HOUR),
  ...changes,
});

/** Answers with the token's info, or fails as told; counts its validations. */
class FakeValidator implements TokenValidator {
  readonly validated: string[] = [];
  constructor(private readonly answer: () => TokenInfo) {}

  async validate(token: string): Promise<TokenInfo> {
    this.validated.push(token);
    return this.answer();
  }

  /** Application credential "ac-1" with secret "s3cret" is Alice's. */
  async tokenFor(id: string, secret: string): Promise<string> {
    if (id !== 'ac-1' || secret !== 's3cret') throw new InvalidTokenError('application credential refused');
    return TOKEN;
  }
}

function authorizer(answer: () => TokenInfo = () => tokenInfo()) {
  const validator = new FakeValidator(answer);
  const clock = { now: NOW };
  const authorize = new KeystoneAuthorizer(validator, () => new Date(clock.now));
  const later = (ms: number) => (clock.now += ms);
  return { validator, authorize, later };
}

/** What a call threw; fails the test if it did not throw. */
function errorOf(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('KeystoneAuthorizer: who calls, as Keystone vouches for the token', () => {
  describe('a valid token', () => {
    it('gives the caller with its project and roles', async () => {
      // Prepare
      const { authorize } = authorizer();

      // Act
      const caller = await authorize.authenticate(TOKEN);

      // Assess
      expect(caller).toEqual({
        userId: 'user-alice',
        projectId: 'project-a',
        roles: ['member', 'reader'],
        isAdmin: false,
      });
    });

    it('makes a caller with the admin role an administrator', async () => {
      // Prepare
      const { authorize } = authorizer(() => tokenInfo({ roles: ['reader', 'admin'] }));

      // Act
      const caller = await authorize.authenticate(TOKEN);

      // Assess
      expect(caller.isAdmin).toBe(true);
    });
  });

  describe('refused tokens', () => {
    it.each([undefined, ''])('refuses a missing token (%p) without asking Keystone', async (token) => {
      // Prepare
      const { authorize, validator } = authorizer();

      // Act
      const result = authorize.authenticate(token);

      // Assess
      await expect(result).rejects.toBeInstanceOf(UnauthorizedError);
      expect(validator.validated).toEqual([]);
    });

    it('refuses a token Keystone says is invalid, with its reason', async () => {
      // Prepare
      const { authorize } = authorizer(() => {
        throw new InvalidTokenError('The request you have made requires authentication.');
      });

      // Act
      const result = authorize.authenticate(TOKEN);

      // Assess
      await expect(result).rejects.toBeInstanceOf(UnauthorizedError);
      await expect(result).rejects.toThrow('The request you have made requires authentication.');
    });

    it('refuses a token that is not scoped to a project', async () => {
      // Prepare
      const { authorize } = authorizer(() => tokenInfo({ projectId: undefined, projectName: undefined }));

      // Act
      const result = authorize.authenticate(TOKEN);

      // Assess
      await expect(result).rejects.toBeInstanceOf(UnauthorizedError);
      await expect(result).rejects.toThrow(/project/);
    });

    it('lets any other failure of Keystone through, for the caller to see a server error', async () => {
      // Prepare
      const outage = new VimError('identity', 'GET', '/v3/auth/tokens', 503, 'Service Unavailable');
      const { authorize } = authorizer(() => {
        throw outage;
      });

      // Act
      const result = authorize.authenticate(TOKEN);

      // Assess
      await expect(result).rejects.toBe(outage);
    });
  });

  describe('an application credential as Basic auth (for webhook senders)', () => {
    const basic = (idAndSecret: string) => `Basic ${Buffer.from(idAndSecret).toString('base64')}`;

    it('gives the caller the credential stands for', async () => {
      const { authorize } = authorizer();
      await expect(authorize.authenticateBasic(basic('ac-1:s3cret'))).resolves.toMatchObject({
        userId: 'user-alice',
        projectId: 'project-a',
      });
    });

    it('asks Keystone once for repeated calls within 300 s', async () => {
      const { authorize, validator } = authorizer();
      await authorize.authenticateBasic(basic('ac-1:s3cret'));
      await authorize.authenticateBasic(basic('ac-1:s3cret'));
      expect(validator.validated).toEqual([TOKEN]);
    });

    it.each([
      ['a wrong secret', basic('ac-1:wrong')],
      ['no colon', basic('ac-1')],
      ['another scheme', 'Bearer abc'],
      ['nothing', undefined],
    ])('refuses %s', async (_what, header) => {
      const { authorize } = authorizer();
      await expect(authorize.authenticateBasic(header)).rejects.toBeInstanceOf(UnauthorizedError);
    });
  });

  describe('the validation cache', () => {
    it('does not ask Keystone again for the same token within 300 s, as keystonemiddleware caches it', async () => {
      // Prepare
      const { authorize, validator, later } = authorizer();
      const first = await authorize.authenticate(TOKEN);
      later(299 * SECOND);

      // Act
      const second = await authorize.authenticate(TOKEN);

      // Assess
      expect(second).toEqual(first);
      expect(validator.validated).toEqual([TOKEN]);
    });

    it('asks Keystone again after 300 s', async () => {
      // Prepare
      const { authorize, validator, later } = authorizer();
      await authorize.authenticate(TOKEN);
      later(300 * SECOND);

      // Act
      await authorize.authenticate(TOKEN);

      // Assess
      expect(validator.validated).toEqual([TOKEN, TOKEN]);
    });

    it('asks Keystone again once the token expired, even within 300 s', async () => {
      // Prepare
      const { authorize, validator, later } = authorizer(() => tokenInfo({ expiresAt: new Date(NOW + 10 * SECOND) }));
      await authorize.authenticate(TOKEN);
      later(10 * SECOND);

      // Act
      await authorize.authenticate(TOKEN);

      // Assess
      expect(validator.validated).toEqual([TOKEN, TOKEN]);
    });

    it('asks Keystone once for calls that arrive while the token is being validated (a burst of a cold cache)', async () => {
      // Prepare
      const { authorize, validator } = authorizer();

      // Act
      const callers = await Promise.all(Array.from({ length: 20 }, () => authorize.authenticate(TOKEN)));

      // Assess
      expect(new Set(callers.map((c) => c.userId))).toEqual(new Set(['user-alice']));
      expect(validator.validated).toEqual([TOKEN]);
    });

    it('lets the calls waiting on a failed validation fail with it, and the next call ask again', async () => {
      // Prepare
      let valid = false;
      const { authorize, validator } = authorizer(() => {
        if (!valid) throw new InvalidTokenError('token not found');
        return tokenInfo();
      });

      // Act
      const burst = await Promise.allSettled([authorize.authenticate(TOKEN), authorize.authenticate(TOKEN)]);
      valid = true;
      const next = await authorize.authenticate(TOKEN);

      // Assess
      expect(burst.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(next.projectId).toBe('project-a');
      expect(validator.validated).toEqual([TOKEN, TOKEN]);
    });

    it('validates each token on its own', async () => {
      // Prepare
      const { authorize, validator } = authorizer();
      await authorize.authenticate(TOKEN);

      // Act
      await authorize.authenticate('gAAAAABtoken-of-bob');

      // Assess
      expect(validator.validated).toEqual([TOKEN, 'gAAAAABtoken-of-bob']);
    });

    it('does not remember a refused token', async () => {
      // Prepare
      let valid = false;
      const { authorize, validator } = authorizer(() => {
        if (!valid) throw new InvalidTokenError('token not found');
        return tokenInfo();
      });
      await expect(authorize.authenticate(TOKEN)).rejects.toBeInstanceOf(UnauthorizedError);
      valid = true;

      // Act
      const caller = await authorize.authenticate(TOKEN);

      // Assess
      expect(caller.projectId).toBe('project-a');
      expect(validator.validated).toEqual([TOKEN, TOKEN]);
    });
  });
});

describe('The caller of a route', () => {
  const member = (projectId: string): Caller => ({
    userId: 'user-alice',
    projectId,
    roles: ['member'],
    isAdmin: false,
  });
  const admin: Caller = { userId: 'user-root', projectId: 'admin-project', roles: ['admin'], isAdmin: true };

  describe('callerOf: from the authorizer context', () => {
    it('reads the caller from the context strings API Gateway hands over', () => {
      // Act
      const caller = callerOf({
        userId: 'user-root',
        projectId: 'admin-project',
        roles: 'admin,member',
        isAdmin: 'true',
      });

      // Assess
      expect(caller).toEqual({
        userId: 'user-root',
        projectId: 'admin-project',
        roles: ['admin', 'member'],
        isAdmin: true,
      });
    });

    it('reads a caller without roles as no administrator', () => {
      // Act
      const caller = callerOf({ userId: 'user-alice', projectId: 'project-a' });

      // Assess
      expect(caller).toEqual({ userId: 'user-alice', projectId: 'project-a', roles: [], isAdmin: false });
    });

    it.each([
      ['no context', undefined],
      ['a null context', null],
      ['a context without a project', { userId: 'user-alice' }],
    ])('refuses %s with 401', (_case, context) => {
      // Act
      const error = errorOf(() => callerOf(context));

      // Assess
      expect(error).toBeInstanceOf(HttpError);
      expect(error).toMatchObject({ statusCode: 401 });
    });
  });

  describe('requireAdmin: an administrators route', () => {
    it('refuses a project member with 403', () => {
      // Act
      const error = errorOf(() => requireAdmin(member('project-a')));

      // Assess
      expect(error).toBeInstanceOf(HttpError);
      expect(error).toMatchObject({ statusCode: 403 });
    });

    it('allows an administrator', () => {
      expect(() => requireAdmin(admin)).not.toThrow();
    });
  });
});
