import { z } from 'zod';

/** An OpenAPI response object, as the documents write them by hand: headers and bodies by reference. */
export type ResponseObject = {
  description: string;
  headers?: Record<string, { $ref: string }>;
  content?: Record<string, { schema: { $ref: string } }>;
};

/**
 * How the API answers a refusal or a failure: the house routes with `{"message": ...}`
 * (lib/platform/middleware/api-errors.ts; API Gateway's own 401 and 403 alike), the ETSI
 * SOL 003 routes with SOL 013's ProblemDetails (application/problem+json).
 */
export const apiError = z.object({ message: z.string() });

const errorBody = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

/** The house routes' error answers, by status: components/responses. */
export const HOUSE_ERRORS = {
  BadRequest: { status: '400', description: 'The request is malformed: the message names each problem.' },
  Unauthorized: {
    status: '401',
    description:
      'No token, or one Keystone does not accept: answered by API Gateway before any route, so as `{"message": "Unauthorized"}` on the SOL 003 routes too (no ProblemDetails, no Version header).',
  },
  Forbidden: { status: '403', description: 'The caller may not: another project, or not an administrator.' },
  NotFound: {
    status: '404',
    description: "No such resource in the caller's project (another project's answers the same).",
  },
  Conflict: { status: '409', description: 'The request clashes with the state of the resource.' },
  PayloadTooLarge: { status: '413', description: 'The body is larger than the route takes.' },
  InternalError: { status: '500', description: 'An unexpected failure; the message says no more.' },
} as const;

export type HouseError = keyof typeof HOUSE_ERRORS;

export const houseErrorComponents = (): Record<string, ResponseObject> =>
  Object.fromEntries(
    Object.entries(HOUSE_ERRORS).map(([name, { description }]) => [name, { description, content: errorBody }]),
  );

/** The responses of a house route for these refusals, and the 401 and 500 every route may answer. */
export function houseErrors(...refusals: HouseError[]): Record<string, { $ref: string }> {
  const names: HouseError[] = [...new Set<HouseError>(['Unauthorized', ...refusals, 'InternalError'])];
  return Object.fromEntries(
    names
      .map((name) => [HOUSE_ERRORS[name].status, { $ref: `#/components/responses/${name}` }] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** SOL 013's error answers (6.4), each a ProblemDetails with the Version header. */
export const PROBLEMS = {
  ProblemBadRequest: { status: '400', description: 'Bad Request: the request or its parameters are malformed.' },
  ProblemForbidden: { status: '403', description: 'Forbidden: the caller may not.' },
  ProblemNotFound: { status: '404', description: 'Not Found: no such resource for the caller.' },
  ProblemNotAcceptable: {
    status: '406',
    description: 'Not Acceptable: the Accept header does not allow application/json.',
  },
  ProblemConflict: { status: '409', description: 'Conflict: the resource is already in the state requested.' },
  ProblemUnsupportedMediaType: {
    status: '415',
    description: 'Unsupported Media Type: the body is not of the content type the route takes.',
  },
  ProblemUnprocessableEntity: {
    status: '422',
    description:
      'Unprocessable Content: the body is well-formed but cannot be acted on (a callback that failed its test).',
  },
  ProblemInternalError: {
    status: '500',
    description: 'Internal Server Error: an unexpected failure; the detail says no more.',
  },
} as const;

export type Problem = keyof typeof PROBLEMS;

export const VERSION_HEADER = { $ref: '#/components/headers/Version' };

export const problemComponents = (): Record<string, ResponseObject> =>
  Object.fromEntries(
    Object.entries(PROBLEMS).map(([name, { description }]) => [
      name,
      {
        description,
        headers: { Version: VERSION_HEADER },
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
      },
    ]),
  );

/**
 * The responses of a SOL 003 route for these problems, and the 400, 403, 406 and 500 every
 * route may answer; and its 401, which API Gateway answers (the house's error body).
 */
export function problems(...more: Problem[]): Record<string, { $ref: string }> {
  const names: Problem[] = [
    ...new Set<Problem>([
      'ProblemBadRequest',
      'ProblemForbidden',
      'ProblemNotAcceptable',
      ...more,
      'ProblemInternalError',
    ]),
  ];
  return Object.fromEntries(
    [
      ...names.map((name) => [PROBLEMS[name].status, { $ref: `#/components/responses/${name}` }] as const),
      [HOUSE_ERRORS.Unauthorized.status, { $ref: '#/components/responses/Unauthorized' }] as const,
    ].sort(([a], [b]) => a.localeCompare(b)),
  );
}
