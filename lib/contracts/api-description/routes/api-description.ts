import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { NO_AUTH } from '../security';

/** The OpenAPI document itself (functions/api-description.ts), for anyone to read. */
export const apiDescriptionRoutes: RouteConfig[] = [
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tags: ['API description'],
    summary: 'This OpenAPI document',
    description: 'No token needed. `servers` names the URL it was fetched from.',
    security: NO_AUTH,
    responses: {
      200: {
        description: 'The OpenAPI 3.1 document.',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: { openapi: { type: 'string' }, info: { type: 'object' }, paths: { type: 'object' } },
              required: ['openapi', 'info', 'paths'],
            },
          },
        },
      },
      500: { $ref: '#/components/responses/InternalError' },
    },
  },
];
