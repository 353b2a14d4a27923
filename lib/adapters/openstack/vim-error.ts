/** A failed call to the VIM, carrying the VIM's own message. */
export class VimError extends Error {
  constructor(
    readonly service: string,
    readonly method: string,
    readonly path: string,
    readonly status: number | undefined,
    readonly vimMessage: string,
  ) {
    super(`${service} ${method} ${path} failed${status === undefined ? '' : ` (${status})`}: ${vimMessage}`);
    this.name = 'VimError';
  }

  /** No answer, or an answer that may change on retry (5xx, 429). */
  get transient(): boolean {
    return this.status === undefined || this.status >= 500 || this.status === 429;
  }
}

/**
 * The VIM's message from an OpenStack error body: Nova `{"badRequest": {"message"}}`,
 * Keystone `{"error": {"message"}}`, Neutron `{"NeutronError": {"message"}}`, or the text.
 */
export function vimMessageOf(body: string): string {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    for (const value of Object.values(json)) {
      if (value && typeof value === 'object' && 'message' in value)
        return String((value as { message: unknown }).message);
    }
    if (typeof json.message === 'string') return json.message;
  } catch {
    // not JSON: the text itself is the message
  }
  return body.trim().slice(0, 500) || '(empty body)';
}
