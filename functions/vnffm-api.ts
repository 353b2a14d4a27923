import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { SOL003_FM_API_VERSION, SOL003_FM_URI_PREFIX } from '../lib/contracts/sol003-fm';
import { callerOf } from '../lib/platform/auth/caller';
import { HttpError } from '../lib/platform/http/http-error';
import { jsonBody } from '../lib/platform/http/json-body';
import { responseOf } from '../lib/platform/http/responses';
import { observed } from '../lib/platform/middleware/observed';
import { sol013Api } from '../lib/platform/middleware/sol013-api';
import { vnffmApi } from '../lib/wiring/vnffm-api';

const API_VERSIONS = `${SOL003_FM_URI_PREFIX}/api_versions`;

/**
 * The ETSI SOL 003 fault-management binding, /vnffm/v1 (API version 1.3.0): api_versions, the
 * alarms (list with SOL 013 filters and paging, read, acknowledge) and the callback
 * subscriptions (create after testing the callback, list, read, delete), scoped to the caller's
 * project by the Keystone authorizer's context.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(observed({ withMetrics: false }))
  .use(
    sol013Api({
      version: SOL003_FM_API_VERSION,
      supports: (v) => /^1\.[0-3]\.\d+$/.test(v.trim()),
      versionless: [API_VERSIONS],
    }),
  )
  .handler(async (event) => {
    if (event.resource === API_VERSIONS) {
      return responseOf({
        kind: 'ok',
        body: { uriPrefix: SOL003_FM_URI_PREFIX, apiVersions: [{ version: SOL003_FM_API_VERSION }] },
      });
    }
    const caller = callerOf(event.requestContext.authorizer);
    const { alarms, subscriptions } = vnffmApi();
    const params = event.queryStringParameters ?? {};
    const alarmId = event.pathParameters?.alarmId as string;
    const subscriptionId = event.pathParameters?.subscriptionId as string;
    const route = `${event.httpMethod} ${event.resource.slice(SOL003_FM_URI_PREFIX.length)}`;
    const outcome = await (() => {
      switch (route) {
        case 'GET /alarms':
          return alarms.list(caller, params);
        case 'GET /alarms/{alarmId}':
          return alarms.get(caller, alarmId);
        case 'PATCH /alarms/{alarmId}':
          return alarms.acknowledge(caller, alarmId, jsonBody(event));
        case 'POST /subscriptions':
          return subscriptions.create(caller, jsonBody(event));
        case 'GET /subscriptions':
          return subscriptions.list(caller, params);
        case 'GET /subscriptions/{subscriptionId}':
          return subscriptions.get(caller, subscriptionId);
        case 'DELETE /subscriptions/{subscriptionId}':
          return subscriptions.delete(caller, subscriptionId);
        default:
          throw new HttpError(405, `${event.httpMethod} ${event.resource} is not a route of this API`);
      }
    })();
    return responseOf(outcome);
  });
