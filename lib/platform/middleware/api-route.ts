import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { logger } from '../observability';
import { apiErrors } from './api-errors';

/** The start of every API route's handler: logging with the invocation's context, and the API's error handling. */
export const apiRoute = <C extends Context = Context>() =>
  middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, C>().use(injectLambdaContext(logger)).use(apiErrors());
