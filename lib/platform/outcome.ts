/**
 * What a use case decided for its caller, in the domain's words: a result, something created,
 * done with nothing to show, or a refusal with its reason. Only the handler layer turns it into
 * HTTP (lib/platform/http/responses.ts).
 */
export type Outcome =
  | { kind: 'ok'; body: unknown; headers?: Readonly<Record<string, string>> }
  | { kind: 'created'; body: unknown; location?: string }
  | { kind: 'done' }
  /** The same thing exists already, at `location` (a repeated create that must not make a second). */
  | { kind: 'see-other'; location: string }
  | Refusal;

/**
 * Why a request is refused: it is malformed, the caller may not, there is no such thing, it
 * clashes, it is too large, or it is well formed but cannot be acted on (an unreachable callback).
 */
export type Refusal = {
  kind: 'invalid' | 'forbidden' | 'not-found' | 'conflict' | 'too-large' | 'unprocessable';
  message: string;
  /** Structured details the caller may read (e.g. which events of a batch were refused). */
  details?: unknown;
};

export const isRefusal = (outcome: Outcome | object): outcome is Refusal =>
  'kind' in outcome &&
  ['invalid', 'forbidden', 'not-found', 'conflict', 'too-large', 'unprocessable'].includes((outcome as Refusal).kind);
