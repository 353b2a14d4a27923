import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { version } from '../../../package.json';
import { problemDetails } from '../sol003-fm';
import { apiError, houseErrorComponents, problemComponents } from './errors';
import { apiDescriptionRoutes } from './routes/api-description';
import { faultApiRoutes } from './routes/fault-api';
import { ingestRoutes } from './routes/ingest';
import { maintenanceRoutes } from './routes/maintenance';
import { tenantsAndInventoryRoutes } from './routes/tenants-and-inventory';
import { versionHeaderComponent, vnffmRoutes } from './routes/vnffm';
import { nameSchemas } from './schema-names';
import { KEYSTONE_TOKEN, SECURITY_SCHEMES } from './security';

/** Every HTTP route of the service: each `http` event of serverless.yml (a unit test holds them equal). */
export const ROUTES: readonly RouteConfig[] = [
  ...tenantsAndInventoryRoutes,
  ...faultApiRoutes,
  ...maintenanceRoutes,
  ...ingestRoutes,
  ...vnffmRoutes,
  ...apiDescriptionRoutes,
];

const TAGS = [
  { name: 'Alarms', description: "Doctor's FaultQuery: the caller's ETSI alarms, and their acknowledgement." },
  { name: 'Subscriptions', description: "Doctor's Subscribe: SNS subscriptions on the caller's topic, with filters." },
  { name: 'Recovery', description: "The tenant's recoveries after host deaths, and its recovery policy." },
  { name: 'Fencing', description: "An administrator's confirmation that a dead host is powered off." },
  { name: 'Maintenance', description: "Fenix's planned maintenance sessions, and the tenants' replies." },
  { name: 'Constraints', description: "Fenix's maintenance constraints of instances and instance groups." },
  { name: 'Tenants', description: "A tenant's own SNS topic." },
  { name: 'Inventory', description: 'The resource map (host, instances, tenants), synced from Nova.' },
  {
    name: 'Ingest',
    description: "Compatibility ingest: Doctor's, Vitrage's and Alertmanager's events as fault reports.",
  },
  {
    name: 'SOL 003 fault management',
    description: 'ETSI NFV-SOL 003 VNF fault management (`/vnffm/v1`, API version 1.3.0).',
  },
  { name: 'API description', description: 'This document.' },
];

/** Where the API is: a stage's API Gateway URL, or the local stack. */
export const DEFAULT_SERVERS = [
  {
    url: 'https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}',
    description: "A stage's API Gateway URL (or the operator's custom domain)",
    variables: {
      restApiId: { default: 'restApiId', description: "The stage's REST API id" },
      region: { default: 'us-east-1' },
      stage: { default: 'dev' },
    },
  },
  { url: 'http://127.0.0.1:3000', description: 'The local stack (`npm start`)' },
];

export interface OpenApiOptions {
  /** Where the document says the API is: by default a stage's API Gateway URL and the local stack. */
  servers?: { url: string; description?: string }[];
}

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/**
 * The OpenAPI 3.1 document of every HTTP route, from the zod schemas the routes validate with
 * and answer in. Pure: the same schemas give the same document.
 */
export function openApiDocument(options: OpenApiOptions = {}): OpenApiDocument {
  nameSchemas();
  const registry = new OpenAPIRegistry();
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES))
    registry.registerComponent('securitySchemes', name, scheme);
  for (const [name, response] of Object.entries({ ...houseErrorComponents(), ...problemComponents() }))
    registry.registerComponent('responses', name, response);
  registry.registerComponent('headers', 'Version', versionHeaderComponent());
  for (const route of ROUTES) registry.registerPath(route);
  const generator = new OpenApiGeneratorV31(
    [
      ...registry.definitions,
      // Referenced by the hand-written error responses only.
      { type: 'schema', schema: apiError },
      { type: 'schema', schema: problemDetails },
    ],
    { sortComponents: 'alphabetically' },
  );
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'nfvi-doctor',
      version,
      description:
        'The HTTP API of nfvi-doctor (docs/api.md). Every route but this document takes a Keystone token in `X-Auth-Token` and acts for its project; administrators are callers with the role `admin`. The house routes answer errors as `{"message": ...}`; the SOL 003 routes (`/vnffm/v1`) as ProblemDetails, but for the 401 API Gateway answers. Generated from the zod schemas in lib/ (`npm run api:describe`).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: options.servers ?? DEFAULT_SERVERS,
    security: KEYSTONE_TOKEN,
    tags: TAGS,
  });
}
