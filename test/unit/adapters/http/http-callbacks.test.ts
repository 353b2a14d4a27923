import { HttpCallbacks } from '../../../../lib/adapters/http/http-callbacks';
import type { SubscriptionAuthentication } from '../../../../lib/contracts/sol003-fm';
import { FakeEndpoint, SILENCE, type Handler, type RecordedRequest, type Reply } from '../openstack/fake-openstack';

const TIMEOUT_MS = 200;
const NOTIFICATION = { id: 'n-1', notificationType: 'AlarmNotification', alarm: { id: 'a-1' } };

// ---- a consumer's callback and its OAuth 2.0 token endpoint, one per test ------------------------

let endpoint: FakeEndpoint | undefined;

afterEach(async () => {
  await endpoint?.stop();
  endpoint = undefined;
});

/**
 * A consumer on 127.0.0.1: POST /token is its OAuth 2.0 token endpoint, issuing token-1, token-2,
 * ... valid `expires_in` seconds (or answering `reply`); every other request is its callback, answered
 * by `callback`.
 */
async function consumer(callback: Handler, token: { expiresIn?: number; reply?: Reply | typeof SILENCE } = {}) {
  let issued = 0;
  endpoint = await FakeEndpoint.start((request) => {
    if (request.url === '/token') {
      issued += 1;
      return (
        token.reply ?? {
          status: 200,
          body: { access_token: `token-${issued}`, token_type: 'Bearer', expires_in: token.expiresIn ?? 3600 },
        }
      );
    }
    return callback(request);
  });
  const server = endpoint;
  return {
    callbackUri: `${server.url}/notifications`,
    tokenEndpoint: `${server.url}/token`,
    callbackRequests: () => server.requests.filter((r) => r.url !== '/token'),
    tokenRequests: () => server.requests.filter((r) => r.url === '/token'),
  };
}

const answer =
  (status: number): Handler =>
  () => ({ status });

const basic = (userName: string, password: string): SubscriptionAuthentication => ({
  authType: ['BASIC'],
  paramsBasic: { userName, password },
});

const oauth2 = (tokenEndpoint: string): SubscriptionAuthentication => ({
  authType: ['OAUTH2_CLIENT_CREDENTIALS'],
  paramsOauth2ClientCredentials: { clientId: 'doctor-client', clientPassword: 'client-s3cret', tokenEndpoint },
});

const base64 = (text: string) => Buffer.from(text).toString('base64');
const authorizationOf = (request: RecordedRequest | undefined) => request?.headers.authorization;

describe('Adapter: consumer callbacks over HTTP (HttpCallbacks)', () => {
  describe('test (SOL 003: a GET that must answer 204)', () => {
    it('passes a callback that answers the GET with 204', async () => {
      // Prepare
      const { callbackUri, callbackRequests } = await consumer(answer(204));

      // Act
      const result = await new HttpCallbacks(TIMEOUT_MS).test(callbackUri, undefined);

      // Assess
      expect(result).toEqual({ ok: true });
      expect(callbackRequests()).toEqual([expect.objectContaining({ method: 'GET', url: '/notifications', body: '' })]);
      expect(callbackRequests()[0]?.headers).not.toHaveProperty('authorization');
    });

    it.each([200, 201, 404, 500])('fails a callback that answers the GET with %i, saying so', async (status) => {
      // Prepare
      const { callbackUri } = await consumer(answer(status));

      // Act
      const result = await new HttpCallbacks(TIMEOUT_MS).test(callbackUri, undefined);

      // Assess
      expect(result).toEqual({ ok: false, reason: `GET ${callbackUri} answered ${status}` });
    });

    it("authenticates the test GET with the subscription's authentication", async () => {
      // Prepare
      const { callbackUri, callbackRequests } = await consumer(answer(204));

      // Act
      await new HttpCallbacks(TIMEOUT_MS).test(callbackUri, basic('vnfm', 's3cret'));

      // Assess
      expect(authorizationOf(callbackRequests()[0])).toBe(`Basic ${base64('vnfm:s3cret')}`);
    });
  });

  describe('post', () => {
    it('POSTs the notification as JSON, and any 2xx is delivered', async () => {
      // Prepare
      const { callbackUri, callbackRequests } = await consumer(answer(204));

      // Act
      const result = await new HttpCallbacks(TIMEOUT_MS).post(callbackUri, NOTIFICATION, undefined);

      // Assess
      expect(result).toEqual({ ok: true });
      const [request] = callbackRequests();
      expect(request).toMatchObject({ method: 'POST', url: '/notifications' });
      expect(request?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(request?.body ?? '')).toEqual(NOTIFICATION);
      expect(request?.headers).not.toHaveProperty('authorization');
    });

    it.each([200, 201, 202])('takes %i as delivered', async (status) => {
      // Prepare
      const { callbackUri } = await consumer(answer(status));

      // Act
      const result = await new HttpCallbacks(TIMEOUT_MS).post(callbackUri, NOTIFICATION, undefined);

      // Assess
      expect(result).toEqual({ ok: true });
    });

    it('authenticates with Basic when the subscription says BASIC', async () => {
      // Prepare
      const { callbackUri, callbackRequests } = await consumer(answer(204));

      // Act
      await new HttpCallbacks(TIMEOUT_MS).post(callbackUri, NOTIFICATION, basic('vnfm', 'pa:ss'));

      // Assess
      expect(authorizationOf(callbackRequests()[0])).toBe(`Basic ${base64('vnfm:pa:ss')}`);
    });

    it('fails a POST answered 500, saying so', async () => {
      // Prepare
      const { callbackUri } = await consumer(answer(500));

      // Act
      const result = await new HttpCallbacks(TIMEOUT_MS).post(callbackUri, NOTIFICATION, undefined);

      // Assess
      expect(result).toEqual({ ok: false, reason: `POST ${callbackUri} answered 500` });
    });

    it('fails a POST that gets no answer within the timeout, without waiting longer', async () => {
      // Prepare
      const { callbackUri } = await consumer(() => SILENCE);
      const started = Date.now();

      // Act
      const result = await new HttpCallbacks(TIMEOUT_MS).post(callbackUri, NOTIFICATION, undefined);

      // Assess
      expect(result).toEqual({ ok: false, reason: `POST ${callbackUri}: no answer within ${TIMEOUT_MS} ms` });
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('does not follow a redirect: a 3xx is not delivered', async () => {
      // Prepare
      const { callbackUri, callbackRequests } = await consumer((request) =>
        request.url === '/notifications' ? { status: 307, headers: { Location: '/internal-only' } } : { status: 204 },
      );

      // Act
      const result = await new HttpCallbacks(TIMEOUT_MS).post(callbackUri, NOTIFICATION, undefined);

      // Assess
      expect(result).toEqual({ ok: false, reason: `POST ${callbackUri} answered 307` });
      expect(callbackRequests().map((r) => r.url)).toEqual(['/notifications']);
    });

    it('fails a POST to a callback that refuses the connection, with a reason', async () => {
      // Prepare
      const { callbackUri } = await consumer(answer(204));
      await endpoint?.stop();
      endpoint = undefined;

      // Act
      const result = await new HttpCallbacks(TIMEOUT_MS).post(callbackUri, NOTIFICATION, undefined);

      // Assess
      expect(result).toEqual({ ok: false, reason: expect.stringContaining(`POST ${callbackUri}: `) });
    });
  });

  describe('OAuth 2.0 client credentials', () => {
    it('gets a token from the token endpoint with the client credentials grant, then POSTs with it as a bearer', async () => {
      // Prepare
      const { callbackUri, tokenEndpoint, callbackRequests, tokenRequests } = await consumer(answer(204));

      // Act
      const result = await new HttpCallbacks(TIMEOUT_MS).post(callbackUri, NOTIFICATION, oauth2(tokenEndpoint));

      // Assess
      expect(result).toEqual({ ok: true });
      const [tokenRequest] = tokenRequests();
      expect(tokenRequest).toMatchObject({ method: 'POST', body: 'grant_type=client_credentials' });
      expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(authorizationOf(tokenRequest)).toBe(`Basic ${base64('doctor-client:client-s3cret')}`);
      expect(authorizationOf(callbackRequests()[0])).toBe('Bearer token-1');
    });

    it('reuses the token for the next POSTs', async () => {
      // Prepare
      const { callbackUri, tokenEndpoint, callbackRequests, tokenRequests } = await consumer(answer(204));
      const callbacks = new HttpCallbacks(TIMEOUT_MS);

      // Act
      await callbacks.post(callbackUri, NOTIFICATION, oauth2(tokenEndpoint));
      await callbacks.post(callbackUri, NOTIFICATION, oauth2(tokenEndpoint));
      await callbacks.test(callbackUri, oauth2(tokenEndpoint));

      // Assess
      expect(tokenRequests()).toHaveLength(1);
      expect(callbackRequests().map(authorizationOf)).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-1']);
    });

    it('gets a new token shortly before the one it has expires', async () => {
      // Prepare: tokens live 60 s; the clock is ours.
      const { callbackUri, tokenEndpoint, callbackRequests } = await consumer(answer(204), { expiresIn: 60 });
      let now = 1_000_000;
      const callbacks = new HttpCallbacks(TIMEOUT_MS, () => now);

      // Act
      await callbacks.post(callbackUri, NOTIFICATION, oauth2(tokenEndpoint));
      now += 20_000;
      await callbacks.post(callbackUri, NOTIFICATION, oauth2(tokenEndpoint));
      now += 15_000;
      await callbacks.post(callbackUri, NOTIFICATION, oauth2(tokenEndpoint));

      // Assess: at 35 s the token has less than its 30 s margin left.
      expect(callbackRequests().map(authorizationOf)).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-2']);
    });

    it('forgets a token the callback refuses with 401, and gets a new one for the next POST', async () => {
      // Prepare
      let refuse = true;
      const { callbackUri, tokenEndpoint, callbackRequests } = await consumer(() => ({ status: refuse ? 401 : 204 }));
      const callbacks = new HttpCallbacks(TIMEOUT_MS);

      // Act
      const refused = await callbacks.post(callbackUri, NOTIFICATION, oauth2(tokenEndpoint));
      refuse = false;
      const delivered = await callbacks.post(callbackUri, NOTIFICATION, oauth2(tokenEndpoint));

      // Assess
      expect(refused).toEqual({ ok: false, reason: `POST ${callbackUri} answered 401` });
      expect(delivered).toEqual({ ok: true });
      expect(callbackRequests().map(authorizationOf)).toEqual(['Bearer token-1', 'Bearer token-2']);
    });

    it('fails the POST, without calling the callback, when the token endpoint gives no token', async () => {
      // Prepare
      const { callbackUri, tokenEndpoint, callbackRequests } = await consumer(answer(204), {
        reply: { status: 401, body: { error: 'invalid_client' } },
      });

      // Act
      const result = await new HttpCallbacks(TIMEOUT_MS).post(callbackUri, NOTIFICATION, oauth2(tokenEndpoint));

      // Assess
      expect(result).toEqual({
        ok: false,
        reason: `POST ${callbackUri}: the token endpoint ${tokenEndpoint} answered 401 without an access_token`,
      });
      expect(callbackRequests()).toEqual([]);
    });

    it('fails the POST, without calling the callback, when the token endpoint does not answer within the timeout', async () => {
      // Prepare
      const { callbackUri, tokenEndpoint, callbackRequests } = await consumer(answer(204), { reply: SILENCE });

      // Act
      const result = await new HttpCallbacks(TIMEOUT_MS).post(callbackUri, NOTIFICATION, oauth2(tokenEndpoint));

      // Assess
      expect(result).toEqual({ ok: false, reason: `POST ${callbackUri}: no answer within ${TIMEOUT_MS} ms` });
      expect(callbackRequests()).toEqual([]);
    });
  });
});
