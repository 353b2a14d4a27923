import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cfnTags } from '../../../../infra/local/aws/service-definition';
import { asyncApiDocument } from '../../../../lib/contracts/api-description/asyncapi';
import { MESSAGES, TELEMETRY_MESSAGES } from '../../../../lib/contracts/api-description/asyncapi-messages';
import { asAsyncApiSchema } from '../../../../lib/contracts/api-description/asyncapi-schema';
import { apiDescriptionFiles } from '../../../../lib/contracts/api-description/documents';
import { openApiDocument } from '../../../../lib/contracts/api-description/openapi';
import { baseUrlOf, servedOpenApiDocument } from '../../../../lib/contracts/api-description/served-document';
import { collectorEvent } from '../../../../lib/contracts/southbound';

const ROOT = join(__dirname, '..', '..', '..', '..');

type Json = Record<string, any>;

/** Every `http` event of serverless.yml: method, path (as the API serves it) and authorizer. */
function servedRoutes(): { route: string; authorizer: string | undefined }[] {
  const service = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { customTags: cfnTags }) as Json;
  const authorizers = service.custom as Json;
  return Object.values(service.functions as Record<string, Json>).flatMap((fn) =>
    ((fn.events ?? []) as Json[])
      .filter((event) => event.http)
      .map(({ http }) => {
        const named = /^\$\{self:custom\.(\w+)\}$/.exec(String(http.authorizer ?? ''))?.[1];
        return {
          route: `${String(http.method).toUpperCase()} /${String(http.path).replace(/^\//, '')}`,
          authorizer: named ? String(authorizers[named]?.name) : undefined,
        };
      }),
  );
}

const describedRoutes = (document: Json) =>
  Object.entries(document.paths as Record<string, Json>).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      route: `${method.toUpperCase()} ${path}`,
      security: (operation as Json).security ?? document.security,
    })),
  );

describe('The API descriptions (docs/openapi.json, docs/asyncapi.json)', () => {
  it.each(Object.entries(apiDescriptionFiles()))('%s is what the builders give now', (file, generated) => {
    const committed = readFileSync(join(ROOT, file), 'utf8');
    if (committed !== generated) {
      throw new Error(`${file} differs from what the zod schemas give: run \`npm run api:describe\` and commit it`);
    }
  });

  it.each([
    ['OpenAPI', openApiDocument()],
    ['AsyncAPI', asyncApiDocument()],
  ])('%s: no named schema is used nullable (which zod-to-openapi renders wrong)', (_name, document) => {
    const text = JSON.stringify(document);
    expect(text).not.toContain('"allOf"');
    const nullable = Object.entries((document as Json).components.schemas as Record<string, Json>)
      .filter(([, schema]) => [schema.type].flat().includes('null') || (schema.enum ?? []).includes(null))
      .map(([name]) => name);
    expect(nullable).toEqual([]);
  });

  describe('OpenAPI', () => {
    const document = openApiDocument() as Json;
    const described = describedRoutes(document);

    it('describes every HTTP route serverless.yml serves, and no other', () => {
      const served = servedRoutes().map((r) => r.route);
      expect(described.map((d) => d.route).sort()).toEqual([...new Set(served)].sort());
    });

    it("asks for the credential each route's authorizer takes: a token, an application credential, or none", () => {
      const expected = Object.fromEntries(
        servedRoutes().map(({ route, authorizer }) => [
          route,
          authorizer === 'keystoneAuthorizer'
            ? [{ keystoneToken: [] }]
            : authorizer === 'keystoneBasicAuthorizer'
              ? [{ keystoneApplicationCredential: [] }]
              : [],
        ]),
      );
      expect(Object.fromEntries(described.map((d) => [d.route, d.security]))).toEqual(expected);
    });

    it('is OpenAPI 3.1 with an operation id, a summary and a 2xx or 3xx answer for every operation', () => {
      expect(document.openapi).toBe('3.1.0');
      for (const operations of Object.values(document.paths as Record<string, Json>)) {
        for (const operation of Object.values(operations) as Json[]) {
          expect(operation).toEqual(
            expect.objectContaining({ operationId: expect.any(String), summary: expect.any(String) }),
          );
          expect(Object.keys(operation.responses).some((status) => /^[23]/.test(status))).toBe(true);
        }
      }
    });

    it("says that every SOL 003 response carries the Version header and every SOL 003 error is a ProblemDetails, but API Gateway's 401", () => {
      const components = document.components as Json;
      for (const [path, operations] of Object.entries(document.paths as Record<string, Json>)) {
        if (!path.startsWith('/vnffm/v1/')) continue;
        for (const operation of Object.values(operations) as Json[]) {
          for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
            if (status === '401') {
              expect(response).toEqual({ $ref: '#/components/responses/Unauthorized' });
              continue;
            }
            const resolved = response.$ref ? components.responses[response.$ref.split('/').pop()] : response;
            expect({ path, status, version: resolved.headers?.Version }).toEqual({
              path,
              status,
              version: { $ref: '#/components/headers/Version' },
            });
            if (Number(status) >= 400) expect(Object.keys(resolved.content)).toEqual(['application/problem+json']);
          }
        }
      }
    });

    it("is served with the URL it was fetched from as its server, the stage's base path included", () => {
      const served = servedOpenApiDocument({
        host: 'abc123.execute-api.eu-west-1.amazonaws.com',
        forwardedProto: 'https',
        path: '/prod/openapi.json',
      });
      expect(served.servers).toEqual([
        {
          url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
          description: 'Where this document was fetched',
        },
      ]);
      expect(served.paths).toEqual(document.paths);
    });

    it.each([
      [{ host: '127.0.0.1:3000', path: '/openapi.json' }, 'http://127.0.0.1:3000'],
      [{ host: 'api.example.net', path: '/nfvi/openapi.json' }, 'https://api.example.net/nfvi'],
      [{ host: 'api.example.net', forwardedProto: 'http', path: '/openapi.json' }, 'http://api.example.net'],
      [{ path: '/openapi.json' }, undefined],
    ])('takes the base URL of %j to be %s', (request, url) => {
      expect(baseUrlOf(request)).toBe(url);
    });
  });

  describe('AsyncAPI', () => {
    const document = asyncApiDocument() as Json;

    it('is AsyncAPI 3.0 whose channel and operation messages all exist', () => {
      expect(document.asyncapi).toBe('3.0.0');
      const messages = Object.keys(document.components.messages);
      for (const [id, channel] of Object.entries(document.channels as Record<string, Json>)) {
        for (const message of Object.values(channel.messages) as Json[]) {
          expect(messages).toContain(message.$ref.replace('#/components/messages/', ''));
        }
        for (const operation of Object.values(document.operations as Record<string, Json>)) {
          if (operation.channel.$ref !== `#/channels/${id}`) continue;
          for (const message of operation.messages as Json[]) {
            expect(Object.keys(channel.messages)).toContain(message.$ref.replace(`#/channels/${id}/messages/`, ''));
          }
        }
      }
    });

    it("has a message for every detail type of the collectors' telemetry", () => {
      const detailTypes = collectorEvent.options.map((option) => option.shape['detail-type'].value);
      const described = Object.values(TELEMETRY_MESSAGES).map((m) => m.event.detailType);
      expect(described.sort()).toEqual([...detailTypes].sort());
    });

    it('gives every message a payload among its schemas', () => {
      const schemas = Object.keys(document.components.schemas);
      for (const name of Object.keys(MESSAGES)) {
        const payload = document.components.messages[name].payload as Json;
        const ref = (payload.$ref ?? payload.properties.detail.$ref) as string;
        expect(schemas).toContain(ref.replace('#/components/schemas/', ''));
      }
    });

    it("writes OpenAPI's tuples and discriminators in AsyncAPI's schema dialect", () => {
      expect(
        asAsyncApiSchema({
          oneOf: [{ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] }],
          discriminator: { propertyName: 'state', mapping: { A: '#/x' } },
        }),
      ).toEqual({
        oneOf: [{ type: 'array', items: [{ type: 'string' }, { type: 'number' }], minItems: 2, maxItems: 2 }],
        discriminator: 'state',
      });
    });
  });
});
