/** A VNF manager's call to nfvi-doctor's API with its own project's token; a non-2xx answer throws. */
export function authorizedCall(token: () => Promise<string>) {
  return async (method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(url, {
      method,
      headers: { 'X-Auth-Token': await token(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
}
