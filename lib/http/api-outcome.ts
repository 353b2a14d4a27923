import type { APIGatewayProxyResult } from 'aws-lambda';
import { HttpError } from '../auth/caller';

/** What a route's use case decided: a body, no content, or a refusal the caller may read. */
export type ApiOutcome =
  | { status: 200 | 201; body: unknown }
  | { status: 204 }
  | { status: 400 | 403 | 404 | 409; message: string };

/** The API Gateway response of an outcome; a refusal goes to middy's http-error-handler. */
export function responseOf(outcome: ApiOutcome): APIGatewayProxyResult {
  if ('message' in outcome) throw new HttpError(outcome.status, outcome.message);
  if (outcome.status === 204) return { statusCode: 204, body: '' };
  return {
    statusCode: outcome.status,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(outcome.body),
  };
}
