import type { SubscriptionAuthentication } from '../../contracts/sol003-fm';
import type { CallbackResult, Callbacks } from '../../notifier/callbacks/ports';

/** Renew an OAuth 2.0 token this long before it expires, so that a POST never carries a dying one. */
const TOKEN_MARGIN_MS = 30_000;

/**
 * The consumers' callbacks over HTTP, as SOL 013 authenticates to them (8.3.4): Basic with the
 * subscription's user name and password, or a bearer token from its OAuth 2.0 token endpoint
 * (client credentials grant), fetched once and kept until shortly before it expires. Every
 * request has its own deadline, so that a callback that hangs holds nothing else up.
 */
export class HttpCallbacks implements Callbacks {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async test(uri: string, authentication: SubscriptionAuthentication | undefined): Promise<CallbackResult> {
    return this.send(uri, 'GET', undefined, authentication, (status) => status === 204);
  }

  async post(
    uri: string,
    body: unknown,
    authentication: SubscriptionAuthentication | undefined,
  ): Promise<CallbackResult> {
    return this.send(uri, 'POST', JSON.stringify(body), authentication, (status) => status >= 200 && status < 300);
  }

  private async send(
    uri: string,
    method: 'GET' | 'POST',
    body: string | undefined,
    authentication: SubscriptionAuthentication | undefined,
    accepted: (status: number) => boolean,
  ): Promise<CallbackResult> {
    try {
      const authorization = await this.authorization(authentication);
      const response = await fetch(uri, {
        method,
        headers: {
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(authorization ? { Authorization: authorization } : {}),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status === 401 && authentication?.paramsOauth2ClientCredentials) this.forget(authentication);
      return accepted(response.status)
        ? { ok: true }
        : { ok: false, reason: `${method} ${uri} answered ${response.status}` };
    } catch (error) {
      const e = error as Error;
      const why = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : e.message;
      return { ok: false, reason: `${method} ${uri}: ${why}` };
    }
  }

  private async authorization(auth: SubscriptionAuthentication | undefined): Promise<string | undefined> {
    if (!auth) return undefined;
    if (auth.authType.includes('OAUTH2_CLIENT_CREDENTIALS') && auth.paramsOauth2ClientCredentials) {
      return `Bearer ${await this.token(auth.paramsOauth2ClientCredentials)}`;
    }
    if (auth.authType.includes('BASIC') && auth.paramsBasic) {
      const { userName, password } = auth.paramsBasic;
      return `Basic ${Buffer.from(`${userName}:${password}`).toString('base64')}`;
    }
    return undefined;
  }

  private async token(p: { clientId: string; clientPassword: string; tokenEndpoint: string }): Promise<string> {
    const key = `${p.tokenEndpoint}|${p.clientId}`;
    const known = this.tokens.get(key);
    if (known && known.expiresAt - TOKEN_MARGIN_MS > this.now()) return known.token;
    const response = await fetch(p.tokenEndpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
        Authorization: `Basic ${Buffer.from(`${encodeURIComponent(p.clientId)}:${encodeURIComponent(p.clientPassword)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const answer = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown };
    if (!response.ok || typeof answer.access_token !== 'string') {
      throw new Error(`the token endpoint ${p.tokenEndpoint} answered ${response.status} without an access_token`);
    }
    const lifetimeS = typeof answer.expires_in === 'number' ? answer.expires_in : 300;
    this.tokens.set(key, { token: answer.access_token, expiresAt: this.now() + lifetimeS * 1000 });
    return answer.access_token;
  }

  private forget(auth: SubscriptionAuthentication): void {
    const p = auth.paramsOauth2ClientCredentials;
    if (p) this.tokens.delete(`${p.tokenEndpoint}|${p.clientId}`);
  }
}
