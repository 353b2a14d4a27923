import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError } from './http-error';

/** A route's JSON body; a body that is not JSON answers 400. */
export function jsonBody(event: Pick<APIGatewayProxyEvent, 'body'>): unknown {
  try {
    return JSON.parse(event.body ?? '');
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}
