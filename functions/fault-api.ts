import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { callerOf, HttpError } from '../lib/auth/caller';
import { faultApi } from '../lib/fault-api/fault-api-deps';
import { responseOf } from '../lib/http/api-outcome';
import { jsonBody } from '../lib/http/json-body';
import { logger } from '../lib/observability';
import { refusalsLogged } from '../lib/http/refusals-logged';

/**
 * The tenant fault API: GET /v1/alarms (FaultQuery), GET/PATCH /v1/alarms/{alarmId}
 * (read, acknowledge), POST/GET /v1/subscriptions and GET/DELETE /v1/subscriptions/{id}.
 * Every route is scoped to the caller's project by the Keystone authorizer's context.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger))
  .use(refusalsLogged())
  .handler(async (event) => {
    const caller = callerOf(event.requestContext.authorizer);
    const { alarms, subscriptions } = faultApi();
    const alarmId = event.pathParameters?.alarmId;
    const subscriptionId = event.pathParameters?.id;
    const collection = event.resource.startsWith('/v1/alarms') ? 'alarms' : 'subscriptions';
    const route = `${event.httpMethod} ${collection}${alarmId || subscriptionId ? '/{id}' : ''}`;
    const outcome = await (() => {
      switch (route) {
        case 'GET alarms':
          return alarms.list(caller, event.queryStringParameters ?? {});
        case 'GET alarms/{id}':
          return alarms.get(caller, alarmId as string, event.queryStringParameters ?? {});
        case 'PATCH alarms/{id}':
          return alarms.acknowledge(caller, alarmId as string, jsonBody(event), event.queryStringParameters ?? {});
        case 'POST subscriptions':
          return subscriptions.create(caller, jsonBody(event));
        case 'GET subscriptions':
          return subscriptions.list(caller);
        case 'GET subscriptions/{id}':
          return subscriptions.get(caller, subscriptionId as string);
        case 'DELETE subscriptions/{id}':
          return subscriptions.delete(caller, subscriptionId as string);
        default:
          throw new HttpError(405, `${event.httpMethod} ${event.resource} is not a fault API route`);
      }
    })();
    return responseOf(outcome);
  });
