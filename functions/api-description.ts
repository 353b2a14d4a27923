import { servedOpenApiDocument } from '../lib/contracts/api-description/served-document';
import { responseOf } from '../lib/platform/http/responses';
import { apiRoute } from '../lib/platform/middleware/api-route';

const header = (headers: Record<string, string | undefined> | null, name: string) =>
  Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

/** GET /openapi.json (no token): the OpenAPI document of every route, from the zod schemas (docs/openapi.json). */
export const handler = apiRoute().handler(async (event) =>
  responseOf({
    kind: 'ok',
    body: servedOpenApiDocument({
      host: header(event.headers, 'Host'),
      forwardedProto: header(event.headers, 'X-Forwarded-Proto'),
      path: event.requestContext?.path,
    }),
  }),
);
