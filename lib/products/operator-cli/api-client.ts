import type { z } from 'zod';
import { vimFetch, type HttpOptions } from '../../adapters/openstack/http';
import { VimError } from '../../adapters/openstack/vim-error';
import { CliError, networkFailureReason } from './cli-error';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The API calls Lambda functions that call Nova: a session's creation takes seconds, not milliseconds. */
export const API_HTTP: HttpOptions = { timeoutMs: 30_000, retry: { attempts: 3, baseDelayMs: 200, maxDelayMs: 2000 } };

/** An answer of the API other than a success; the API's own message is kept as it is. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly apiMessage: string,
  ) {
    super(
      status >= 500
        ? `the nfvi-doctor API failed (${status}): ${apiMessage}`
        : `the nfvi-doctor API answered ${status}: ${apiMessage}`,
    );
    this.name = 'ApiError';
  }
}

/**
 * nfvi-doctor's HTTP APIs as the caller's Keystone token reaches them: every answer checked
 * against the schema of what the route returns, every failure told in one line.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: () => Promise<string>,
    private readonly http: HttpOptions = API_HTTP,
  ) {}

  get<S extends z.ZodType>(path: string, schema: S, query: Record<string, string | undefined> = {}) {
    return this.call('GET', path, schema, { query });
  }

  post<S extends z.ZodType>(path: string, schema: S, body: unknown) {
    return this.call('POST', path, schema, { body });
  }

  patch<S extends z.ZodType>(path: string, schema: S, body: unknown) {
    return this.call('PATCH', path, schema, { body });
  }

  delete<S extends z.ZodType>(path: string, schema: S) {
    return this.call('DELETE', path, schema, {});
  }

  private async call<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    request: { query?: Record<string, string | undefined>; body?: unknown },
  ): Promise<z.output<S>> {
    const url = new URL(`${this.baseUrl.replace(/\/+$/, '')}${path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    const token = await this.token();
    let text: string;
    try {
      const response = await vimFetch(
        {
          service: 'nfvi-doctor',
          method,
          url: url.toString(),
          headers: { 'X-Auth-Token': token },
          body: request.body,
          // Only reads are repeated: a repeated POST could create a second session.
          retry: method === 'GET',
        },
        this.http,
      );
      text = response.body;
    } catch (error) {
      if (!(error instanceof VimError)) throw error;
      if (error.status === undefined) {
        throw new CliError(
          `cannot reach the nfvi-doctor API at ${this.baseUrl}: ${networkFailureReason(error.vimMessage)}`,
        );
      }
      throw new ApiError(error.status, error.vimMessage);
    }
    return this.checked(method, path, schema, text);
  }

  private checked<S extends z.ZodType>(method: Method, path: string, schema: S, text: string): z.output<S> {
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new CliError(
        `the nfvi-doctor API answered ${method} ${path} with something other than JSON: ${text.slice(0, 200)}`,
      );
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
      throw new CliError(`the nfvi-doctor API's answer to ${method} ${path} is not what this CLI expects: ${problems}`);
    }
    return parsed.data;
  }
}
