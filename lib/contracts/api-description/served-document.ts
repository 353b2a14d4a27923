import { openApiDocument, type OpenApiDocument } from './openapi';

/** What the request for the document says of where it came: its Host, X-Forwarded-Proto and path. */
export interface DocumentRequest {
  host?: string;
  forwardedProto?: string;
  /** The path as the caller sent it, stage or base path included (API Gateway's requestContext.path). */
  path?: string;
}

const OWN_PATH = '/openapi.json';
const LOOPBACK = /^(localhost|127\.[\d.]+|\[::1\])(:\d+)?$/;

/** The API's base URL as the caller reaches it: where the document was fetched, less its own path. */
export function baseUrlOf(request: DocumentRequest): string | undefined {
  const { host, path } = request;
  if (!host || !path?.endsWith(OWN_PATH)) return undefined;
  const scheme = request.forwardedProto?.split(',')[0]?.trim() || (LOOPBACK.test(host) ? 'http' : 'https');
  return `${scheme}://${host}${path.slice(0, -OWN_PATH.length)}`;
}

let built: OpenApiDocument | undefined;

/** The OpenAPI document as served: built once, its `servers` the URL it was fetched from when known. */
export function servedOpenApiDocument(request: DocumentRequest): OpenApiDocument {
  built ??= openApiDocument();
  const url = baseUrlOf(request);
  return url ? { ...built, servers: [{ url, description: 'Where this document was fetched' }] } : built;
}
