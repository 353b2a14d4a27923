import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { apiErrors } from './api-errors';
import { observed } from './observed';

/** The start of every API route's handler: observed (see observed.ts), and the API's error handling. */
export const apiRoute = <C extends Context = Context>() =>
  middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, C>()
    .use(observed({ withMetrics: false }))
    .use(apiErrors());
