import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../observability';

export interface Sol013Options {
  /** The API version this binding implements (each response's Version header). */
  version: string;
  /** Whether a request's Version header names a version this binding answers. */
  supports(version: string): boolean;
  /** Resources answered without a Version header (SOL 013's api_versions). */
  versionless: readonly string[];
}

const ACCEPTED = ['application/json', 'application/problem+json', 'application/*', '*/*'];
/** JSON Merge Patch is PATCH's media type; plain JSON is taken too, as SOL 003 clients (Tacker's) send it. */
const BODY_TYPES: Record<string, string[]> = {
  POST: ['application/json'],
  PATCH: ['application/merge-patch+json', 'application/json'],
};

class ProblemError extends Error {
  readonly statusCode: number;
  constructor(status: number, detail: string) {
    super(detail);
    this.statusCode = status;
  }
}

const header = (event: APIGatewayProxyEvent, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  const found = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted);
  return found?.[1] ?? undefined;
};

/**
 * An ETSI NFV-SOL 013 API's HTTP conventions (4.2, 6): the Version header (a request's must
 * name a supported version: 406 otherwise, 400 when it is missing; every response carries the
 * implemented one), content negotiation (406 for an Accept the API cannot answer, 415 for a
 * body of the wrong media type: JSON, and JSON Merge Patch or JSON for PATCH), and every error as
 * application/problem+json ProblemDetails. Internal errors are logged whole and shown as 500
 * without their details.
 */
export function sol013Api(options: Sol013Options): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const { event } = request;
      const accept = header(event, 'accept');
      const ranges = accept?.split(',').map((range) => range.split(';')[0]?.trim().toLowerCase() ?? '');
      if (accept && !ranges?.some((range) => ACCEPTED.includes(range))) {
        throw new ProblemError(406, `Accept: ${accept} cannot be answered: this API answers application/json`);
      }
      if (!options.versionless.includes(event.resource)) {
        const version = header(event, 'version');
        if (!version)
          throw new ProblemError(400, `the Version header is missing (this API is version ${options.version})`);
        if (!options.supports(version)) {
          throw new ProblemError(406, `Version ${version} is not supported (this API is version ${options.version})`);
        }
      }
      const expected = BODY_TYPES[event.httpMethod];
      const contentType = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
      if (expected && !expected.includes(contentType ?? '')) {
        throw new ProblemError(
          415,
          `Content-Type ${contentType ?? '(none)'}: ${event.httpMethod} takes ${expected.join(' or ')}`,
        );
      }
    },
    after: (request) => {
      const response = request.response;
      if (response) response.headers = { ...response.headers, Version: options.version };
    },
    onError: (request) => {
      const error = request.error as (Error & { statusCode?: number; expose?: boolean }) | undefined;
      const refusal = error?.statusCode !== undefined && error.statusCode < 500 && error.expose !== false;
      if (refusal) logger.info('request refused', { error });
      else logger.error('request failed', { error });
      const status = refusal ? (error.statusCode as number) : 500;
      request.response = {
        statusCode: status,
        headers: { 'Content-Type': 'application/problem+json', Version: options.version },
        body: JSON.stringify({
          status,
          detail: refusal ? error.message : 'internal error',
          ...(request.event?.path ? { instance: request.event.path } : {}),
        }),
      };
    },
  };
}
