import { fullJitter } from '../../platform/full-jitter';
import { VimError, vimMessageOf } from './vim-error';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface HttpOptions {
  timeoutMs: number;
  retry: RetryPolicy;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = {
  timeoutMs: 5000,
  retry: { attempts: 3, baseDelayMs: 200, maxDelayMs: 2000 },
};

export interface VimRequest {
  service: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Retry transient failures; false for calls that must not run twice (e.g. a migration). */
  retry?: boolean;
  /** This call's own timeout, instead of the session's. */
  timeoutMs?: number;
}

export interface VimResponse {
  status: number;
  headers: Headers;
  body: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One HTTP call to an OpenStack API over fetch: a timeout on every attempt, retries with
 * exponential backoff on transient failures, and errors that carry the VIM's message.
 */
export async function vimFetch(request: VimRequest, options: HttpOptions = DEFAULT_HTTP_OPTIONS): Promise<VimResponse> {
  const path = new URL(request.url).pathname;
  const attempts = request.retry === false ? 1 : options.retry.attempts;
  let lastError: VimError | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(fullJitter(attempt - 1, options.retry.baseDelayMs, options.retry.maxDelayMs));
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: {
          Accept: 'application/json',
          ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(request.timeoutMs ?? options.timeoutMs),
      });
      const body = await response.text();
      if (response.ok) return { status: response.status, headers: response.headers, body };
      lastError = new VimError(request.service, request.method, path, response.status, vimMessageOf(body));
    } catch (error) {
      // Read like an Error, not checked with instanceof: fetch's errors may come from another realm (Jest's).
      const e = error as { name?: string; message?: string; cause?: { message?: string } } | undefined;
      const reason = typeof e?.message === 'string' ? `${e.name}: ${e.cause?.message ?? e.message}` : String(error);
      lastError = new VimError(request.service, request.method, path, undefined, `no answer (${reason})`);
    }
    if (!lastError.transient) break;
  }
  throw lastError as VimError;
}
