import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Outcome, Refusal } from '../outcome';
import { HttpError } from './http-error';

const STATUS: Record<Outcome['kind'], number> = {
  ok: 200,
  created: 201,
  done: 204,
  'see-other': 303,
  invalid: 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  unprocessable: 422,
};

/** The HTTP status of a use case's outcome. */
export const statusOf = (outcome: Pick<Outcome, 'kind'>): number => STATUS[outcome.kind];

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * The API Gateway response of an outcome: the one way a route's answer becomes HTTP. A refusal
 * with details answers them as JSON; any other refusal goes to the API error middleware as an
 * HttpError, which answers its message.
 */
export function responseOf(outcome: Outcome): APIGatewayProxyResult {
  switch (outcome.kind) {
    case 'ok':
      return json(200, outcome.body, outcome.headers);
    case 'created':
      return json(201, outcome.body, outcome.location ? { Location: outcome.location } : {});
    case 'done':
      return { statusCode: 204, body: '' };
    case 'see-other':
      return { statusCode: 303, headers: { Location: outcome.location }, body: '' };
    default:
      return refusal(outcome);
  }
}

function refusal(outcome: Refusal): APIGatewayProxyResult {
  if (outcome.details !== undefined) return json(statusOf(outcome), outcome.details);
  throw new HttpError(statusOf(outcome), outcome.message);
}
