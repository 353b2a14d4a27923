import { statusOf } from '../../lib/platform/http/responses';
import type { Outcome } from '../../lib/platform/outcome';

/** What the API caller sees of a use case's outcome: the status, and the body or the refusal's message. */
export type HttpView = { status: number; body?: unknown; message?: string; location?: string };

export function httpOf(outcome: Outcome): HttpView {
  const status = statusOf(outcome);
  switch (outcome.kind) {
    case 'ok':
      return { status, body: outcome.body };
    case 'created':
      return { status, body: outcome.body, ...(outcome.location ? { location: outcome.location } : {}) };
    case 'done':
      return { status };
    case 'see-other':
      return { status, location: outcome.location };
    default:
      return outcome.details === undefined ? { status, message: outcome.message } : { status, body: outcome.details };
  }
}

type AsHttp<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<Outcome> ? (...args: A) => Promise<HttpView> : T[K];
};

/** A use case whose every route answers as the API caller sees it (tests state statuses, as the API documents them). */
export function httpView<T extends object>(useCase: T): AsHttp<T> {
  return new Proxy(useCase, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => unknown).apply(target, args);
        return result && typeof result === 'object' && 'kind' in result ? httpOf(result as Outcome) : result;
      };
    },
  }) as AsHttp<T>;
}
