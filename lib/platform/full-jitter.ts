/**
 * Exponential backoff with full jitter: a random delay up to baseMs doubled per attempt, capped
 * at maxMs, so that many callers failing together do not retry together.
 */
export const fullJitter = (attempt: number, baseMs: number, maxMs: number): number =>
  Math.random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1));
