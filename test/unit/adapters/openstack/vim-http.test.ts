import type { VimCredentials } from '../../../../lib/adapters/openstack/credentials';
import { vimFetch, type HttpOptions, type VimRequest } from '../../../../lib/adapters/openstack/http';
import { InvalidTokenError, KeystoneSession } from '../../../../lib/adapters/openstack/keystone';
import { VimError, vimMessageOf } from '../../../../lib/adapters/openstack/vim-error';
import { mapSettled } from '../../../../lib/platform/map-settled';
import {
  FAST_HTTP,
  FakeEndpoint,
  FakeKeystone,
  OTHER_REGION,
  REGION,
  SILENCE,
  inTurn,
  type Handler,
} from './fake-openstack';

// ---- fake endpoints, one per test ---------------------------------------------------------------

let endpoint: FakeEndpoint | undefined;
let keystone: FakeKeystone | undefined;

afterEach(async () => {
  await endpoint?.stop();
  await keystone?.stop();
  endpoint = undefined;
  keystone = undefined;
});

async function serve(handler: Handler): Promise<FakeEndpoint> {
  endpoint = await FakeEndpoint.start(handler);
  return endpoint;
}

async function startKeystone(): Promise<FakeKeystone> {
  keystone = await FakeKeystone.start();
  return keystone;
}

/** What a call rejected with; fails the test if it resolved. */
async function rejectionOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** A VimError a call rejected with; fails the test on any other outcome. */
async function vimErrorOf(call: Promise<unknown>): Promise<VimError> {
  const error = await rejectionOf(call);
  if (!(error instanceof VimError)) throw new Error(`expected a VimError, got ${String(error)}`);
  return error;
}

const listServers = (at: FakeEndpoint, more: Partial<VimRequest> = {}): VimRequest => ({
  service: 'compute',
  method: 'GET',
  url: `${at.url}/v2.1/servers`,
  ...more,
});

const NOVA_ERROR = '{"badRequest": {"code": 400, "message": "Invalid input for field/attribute forced_down."}}';
const KEYSTONE_ERROR =
  '{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}';
const NEUTRON_ERROR =
  '{"NeutronError": {"type": "PortNotFound", "message": "Port p-1 could not be found.", "detail": ""}}';

const errorBodies = [
  ['Nova', NOVA_ERROR, 'Invalid input for field/attribute forced_down.'],
  ['Keystone', KEYSTONE_ERROR, 'The request you have made requires authentication.'],
  ['Neutron', NEUTRON_ERROR, 'Port p-1 could not be found.'],
  ['a plain text', '  502 Bad Gateway\n', '502 Bad Gateway'],
] as const;

// ---- the VIM's messages ---------------------------------------------------------------------------

describe('vimMessageOf: the VIM message of an OpenStack error body', () => {
  it.each(errorBodies)('reads the message of a %s error body', (_service, body, message) => {
    expect(vimMessageOf(body)).toBe(message);
  });

  it('reads a top-level message', () => {
    expect(vimMessageOf('{"message": "Quota exceeded"}')).toBe('Quota exceeded');
  });

  it('names an empty body', () => {
    expect(vimMessageOf('')).toBe('(empty body)');
  });

  it('keeps the first 500 characters of a long text', () => {
    expect(vimMessageOf('x'.repeat(2000))).toHaveLength(500);
  });
});

// ---- vimFetch ---------------------------------------------------------------------------------------

describe('vimFetch: one call to an OpenStack API', () => {
  it.each(errorBodies)('fails with the VIM message of a %s error body', async (_service, body, message) => {
    // Prepare
    const api = await serve(() => ({ status: 400, body }));

    // Act
    const error = await vimErrorOf(vimFetch(listServers(api), FAST_HTTP));

    // Assess
    expect(error.vimMessage).toBe(message);
  });

  it('sends a JSON body with its content type, and the caller headers', async () => {
    // Prepare
    const api = await serve(() => ({ status: 202 }));

    // Act
    const response = await vimFetch(
      listServers(api, {
        method: 'POST',
        body: { 'os-resetState': { state: 'error' } },
        headers: { 'X-Auth-Token': 't' },
      }),
      FAST_HTTP,
    );

    // Assess
    expect(response.status).toBe(202);
    expect(api.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/v2.1/servers',
        body: '{"os-resetState":{"state":"error"}}',
        headers: expect.objectContaining({
          accept: 'application/json',
          'content-type': 'application/json',
          'x-auth-token': 't',
        }),
      }),
    ]);
  });

  it('retries a 503 and returns the answer that follows', async () => {
    // Prepare
    const api = await serve(
      inTurn({ status: 503, body: 'Service Unavailable' }, { status: 200, body: { servers: [] } }),
    );

    // Act
    const response = await vimFetch(listServers(api), FAST_HTTP);

    // Assess
    expect(response).toMatchObject({ status: 200, body: '{"servers":[]}' });
    expect(api.requests).toHaveLength(2);
  });

  it.each([500, 502, 429])('retries a %d too', async (status) => {
    // Prepare
    const api = await serve(inTurn({ status }, { status: 200 }));

    // Act
    const response = await vimFetch(listServers(api), FAST_HTTP);

    // Assess
    expect(response.status).toBe(200);
    expect(api.requests).toHaveLength(2);
  });

  it('gives up after the attempts of its policy, with the last answer', async () => {
    // Prepare
    const api = await serve(() => ({ status: 503, body: 'Service Unavailable' }));

    // Act
    const error = await vimErrorOf(vimFetch(listServers(api), FAST_HTTP));

    // Assess
    expect(error).toMatchObject({ status: 503, vimMessage: 'Service Unavailable' });
    expect(api.requests).toHaveLength(FAST_HTTP.retry.attempts);
  });

  it('does not retry a 400, and its error carries the VIM message and status', async () => {
    // Prepare
    const api = await serve(() => ({ status: 400, body: NOVA_ERROR }));

    // Act
    const error = await vimErrorOf(vimFetch(listServers(api), FAST_HTTP));

    // Assess
    expect(error).toMatchObject({
      service: 'compute',
      method: 'GET',
      path: '/v2.1/servers',
      status: 400,
      vimMessage: 'Invalid input for field/attribute forced_down.',
      message: 'compute GET /v2.1/servers failed (400): Invalid input for field/attribute forced_down.',
    });
    expect(error.transient).toBe(false);
    expect(api.requests).toHaveLength(1);
  });

  it('makes one attempt only for a call that must not run twice', async () => {
    // Prepare
    const api = await serve(() => ({ status: 503 }));

    // Act
    const error = await vimErrorOf(vimFetch(listServers(api, { method: 'POST', retry: false }), FAST_HTTP));

    // Assess
    expect(error.status).toBe(503);
    expect(api.requests).toHaveLength(1);
  });

  it('ends every attempt at its timeout when the VIM never answers, with no status', async () => {
    // Prepare
    const api = await serve(() => SILENCE);
    const impatient: HttpOptions = { timeoutMs: 200, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } };

    // Act
    const error = await vimErrorOf(vimFetch(listServers(api), impatient));

    // Assess
    expect(error.status).toBeUndefined();
    expect(error.vimMessage).toMatch(/^no answer \(TimeoutError/);
    expect(error.transient).toBe(true);
    expect(api.requests).toHaveLength(2);
  });

  it('fails with no status when nothing listens', async () => {
    // Prepare
    const api = await serve(() => ({ status: 200 }));
    await api.stop();

    // Act
    const error = await vimErrorOf(vimFetch(listServers(api), FAST_HTTP));

    // Assess
    expect(error.status).toBeUndefined();
    expect(error.vimMessage).toMatch(/^no answer/);
  });
});

// ---- KeystoneSession ---------------------------------------------------------------------------------

type PasswordCredentials = Extract<VimCredentials, { kind: 'password' }>;

const passwordOf = (ks: FakeKeystone, changes: Partial<PasswordCredentials> = {}): PasswordCredentials => ({
  kind: 'password',
  authUrl: ks.authUrl,
  username: 'nfvi-doctor',
  password: 's3cret',
  userDomainName: 'service-users',
  projectName: 'admin',
  projectDomainName: 'admin-projects',
  ...changes,
});

const applicationCredentialOf = (ks: FakeKeystone): VimCredentials => ({
  kind: 'application-credential',
  authUrl: ks.authUrl,
  id: 'app-cred-1',
  secret: 'app-s3cret',
});

const listServersOf = (session: KeystoneSession) =>
  session.request('compute', { method: 'GET', path: '/servers/detail' });

const tokensSent = (ks: FakeKeystone) => ks.serviceCalls().map((call) => call.token);

describe('KeystoneSession: calls to OpenStack services with a Keystone v3 token', () => {
  describe('authentication', () => {
    it('authenticates with the password of a user of a domain, scoped to a project of a domain', async () => {
      // Prepare
      const ks = await startKeystone();
      const session = new KeystoneSession(passwordOf(ks), FAST_HTTP);

      // Act
      await listServersOf(session);

      // Assess
      expect(ks.authentications()).toEqual([
        {
          auth: {
            identity: {
              methods: ['password'],
              password: { user: { name: 'nfvi-doctor', password: 's3cret', domain: { name: 'service-users' } } },
            },
            scope: { project: { name: 'admin', domain: { name: 'admin-projects' } } },
          },
        },
      ]);
    });

    it('authenticates with an application credential, which carries its own scope', async () => {
      // Prepare
      const ks = await startKeystone();
      const session = new KeystoneSession(applicationCredentialOf(ks), FAST_HTTP);

      // Act
      await listServersOf(session);

      // Assess
      expect(ks.authentications()).toEqual([
        {
          auth: {
            identity: {
              methods: ['application_credential'],
              application_credential: { id: 'app-cred-1', secret: 'app-s3cret' },
            },
          },
        },
      ]);
    });

    it('reuses its token across calls', async () => {
      // Prepare
      const ks = await startKeystone();
      const session = new KeystoneSession(passwordOf(ks), FAST_HTTP);

      // Act
      for (let call = 0; call < 3; call++) await listServersOf(session);

      // Assess
      expect(ks.authentications()).toHaveLength(1);
      expect(tokensSent(ks)).toEqual(['token-1', 'token-1', 'token-1']);
    });

    it('shares one authentication among concurrent first calls', async () => {
      // Prepare
      const ks = await startKeystone();
      ks.authDelayMs = 50;
      const session = new KeystoneSession(passwordOf(ks), FAST_HTTP);

      // Act
      await Promise.all([listServersOf(session), listServersOf(session), listServersOf(session)]);

      // Assess
      expect(ks.authentications()).toHaveLength(1);
      expect(tokensSent(ks)).toEqual(['token-1', 'token-1', 'token-1']);
    });

    it('authenticates again shortly before its token expires', async () => {
      // Prepare
      const ks = await startKeystone();
      const clock = { offsetMs: 0 };
      const session = new KeystoneSession(
        passwordOf(ks),
        FAST_HTTP,
        'public',
        () => new Date(Date.now() + clock.offsetMs),
      );
      await listServersOf(session);
      clock.offsetMs = 3600_000 - 30_000;

      // Act
      await listServersOf(session);

      // Assess
      expect(ks.authentications()).toHaveLength(2);
      expect(tokensSent(ks)).toEqual(['token-1', 'token-2']);
    });

    it('authenticates again once when a service refuses its token, and repeats the call', async () => {
      // Prepare
      const ks = await startKeystone();
      const session = new KeystoneSession(passwordOf(ks), FAST_HTTP);
      await listServersOf(session);
      ks.revoked.add('token-1');

      // Act
      const response = await listServersOf(session);

      // Assess
      expect(response.status).toBe(200);
      expect(ks.authentications()).toHaveLength(2);
      expect(tokensSent(ks)).toEqual(['token-1', 'token-1', 'token-2']);
    });

    it('fails with the 401 when the service refuses the new token too, after exactly one retry', async () => {
      // Prepare
      const ks = await startKeystone();
      ks.refuseAllTokens = true;
      const session = new KeystoneSession(passwordOf(ks), FAST_HTTP);

      // Act
      const error = await vimErrorOf(listServersOf(session));

      // Assess
      expect(error.status).toBe(401);
      expect(ks.authentications()).toHaveLength(2);
      expect(tokensSent(ks)).toEqual(['token-1', 'token-2']);
    });
  });

  describe('service endpoints from the catalog', () => {
    it.each([
      ['public', REGION],
      ['internal', REGION],
      ['public', OTHER_REGION],
    ] as const)('finds the %s compute endpoint of %s', async (iface, region) => {
      // Prepare
      const ks = await startKeystone();
      const session = new KeystoneSession(passwordOf(ks, { region }), FAST_HTTP, iface);

      // Act
      const url = await session.endpoint('compute');

      // Assess
      expect(url).toBe(ks.computeEndpoint(iface, region));
    });

    it('takes the first endpoint of the interface when no region is configured', async () => {
      // Prepare
      const ks = await startKeystone();
      const session = new KeystoneSession(passwordOf(ks), FAST_HTTP, 'public');

      // Act
      const url = await session.endpoint('compute');

      // Assess
      expect(url).toBe(ks.computeEndpoint('public', REGION));
    });

    it('sends a service call to the path under the endpoint, without a doubled slash', async () => {
      // Prepare
      const ks = await startKeystone();
      const session = new KeystoneSession(passwordOf(ks, { region: REGION }), FAST_HTTP, 'internal');

      // Act
      await listServersOf(session);

      // Assess
      expect(ks.serviceCalls()).toEqual([{ url: `/compute/${REGION}/internal/v2.1/servers/detail`, token: 'token-1' }]);
    });

    it('fails naming the service type missing from the catalog', async () => {
      // Prepare
      const ks = await startKeystone();
      const session = new KeystoneSession(passwordOf(ks), FAST_HTTP);

      // Act
      const error = await vimErrorOf(session.request('network', { method: 'GET', path: '/v2.0/ports' }));

      // Assess
      expect(error.vimMessage).toBe('no public network endpoint in the catalog');
      expect(ks.serviceCalls()).toEqual([]);
    });

    it('fails naming the region that has no endpoint of the interface', async () => {
      // Prepare
      const ks = await startKeystone();
      const session = new KeystoneSession(passwordOf(ks, { region: OTHER_REGION }), FAST_HTTP, 'internal');

      // Act
      const error = await vimErrorOf(session.endpoint('compute'));

      // Assess
      expect(error.vimMessage).toBe(`no internal compute endpoint in the catalog for region ${OTHER_REGION}`);
    });
  });

  describe('validate: whose a caller token is', () => {
    it('tells the user, project, roles and expiry of a valid token', async () => {
      // Prepare
      const ks = await startKeystone();
      const session = new KeystoneSession(passwordOf(ks), FAST_HTTP);
      const callerToken = ks.issue();

      // Act
      const info = await session.validate(callerToken);

      // Assess
      expect(info).toEqual({
        userId: 'user-doctor',
        projectId: 'project-admin',
        projectName: 'admin',
        roles: ['admin'],
        expiresAt: expect.any(Date),
      });
      expect(ks.requests.at(-1)).toMatchObject({
        method: 'GET',
        url: '/v3/auth/tokens?nocatalog',
        headers: expect.objectContaining({ 'x-subject-token': callerToken, 'x-auth-token': 'token-2' }),
      });
    });

    it('turns the 404 of an unknown token into an InvalidTokenError with the Keystone message', async () => {
      // Prepare
      const ks = await startKeystone();
      const session = new KeystoneSession(passwordOf(ks), FAST_HTTP);

      // Act
      const error = await rejectionOf(session.validate('forged-token'));

      // Assess
      expect(error).toBeInstanceOf(InvalidTokenError);
      expect(error).toMatchObject({ message: 'invalid token: Could not find token: forged-token.' });
    });
  });
});

// ---- mapSettled ----------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A task that takes longer for earlier items (so they finish out of order) and tracks the calls in flight. */
function trackedTask() {
  const calls = { inFlight: 0, maxInFlight: 0, started: [] as number[] };
  const task = async (item: number) => {
    calls.started.push(item);
    calls.inFlight++;
    calls.maxInFlight = Math.max(calls.maxInFlight, calls.inFlight);
    await sleep(20 - item);
    calls.inFlight--;
    if (item % 4 === 3) throw new Error(`item ${item} failed`);
    return item * 10;
  };
  return { calls, task };
}

describe('mapSettled: many calls, at most so many at once', () => {
  const items = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

  it('never has more calls in flight than its limit, and uses the limit', async () => {
    // Prepare
    const { calls, task } = trackedTask();

    // Act
    await mapSettled(items, 3, task);

    // Assess
    expect(calls.maxInFlight).toBe(3);
    expect([...calls.started].sort((a, b) => a - b)).toEqual(items);
  });

  it('settles every item in the order of the items, failures included', async () => {
    // Prepare
    const { task } = trackedTask();

    // Act
    const results = await mapSettled(items, 3, task);

    // Assess
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual([
      0,
      10,
      20,
      'Error: item 3 failed',
      40,
      50,
      60,
      'Error: item 7 failed',
      80,
      90,
    ]);
  });

  it('runs fewer items than the limit all at once', async () => {
    // Prepare
    const { calls, task } = trackedTask();

    // Act
    await mapSettled([0, 1], 20, task);

    // Assess
    expect(calls.maxInFlight).toBe(2);
  });

  it('settles no items at all', async () => {
    expect(await mapSettled([], 3, async () => 1)).toEqual([]);
  });
});
