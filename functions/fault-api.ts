import { callerOf } from '../lib/platform/auth/caller';
import { HttpError } from '../lib/platform/http/http-error';
import { jsonBody } from '../lib/platform/http/json-body';
import { responseOf } from '../lib/platform/http/responses';
import { apiRoute } from '../lib/platform/middleware/api-route';
import { faultApi } from '../lib/wiring/fault-api';

/**
 * The tenant fault API: GET /v1/alarms (FaultQuery), GET/PATCH /v1/alarms/{alarmId}
 * (read, acknowledge), POST/GET /v1/subscriptions and GET/DELETE /v1/subscriptions/{id},
 * GET /v1/recoveries, GET/PUT /v1/recoveries/{recoveryId} (read, answer), GET/PUT
 * /v1/recovery-policy, and for administrators PUT /v1/hosts/{host}/fencing (confirm a manual fencing).
 * Every route is scoped to the caller's project by the Keystone authorizer's context.
 */
export const handler = apiRoute().handler(async (event) => {
  const caller = callerOf(event.requestContext.authorizer);
  const { alarms, subscriptions, recoveries, fencing } = faultApi();
  const alarmId = event.pathParameters?.alarmId;
  const subscriptionId = event.pathParameters?.id;
  const recoveryId = event.pathParameters?.recoveryId;
  const collection = event.resource.split('/')[2];
  const route = `${event.httpMethod} ${collection}${alarmId || subscriptionId || recoveryId ? '/{id}' : ''}`;
  const params = event.queryStringParameters ?? {};
  const outcome = await (() => {
    switch (route) {
      case 'GET alarms':
        return alarms.list(caller, params);
      case 'GET alarms/{id}':
        return alarms.get(caller, alarmId as string, params);
      case 'PATCH alarms/{id}':
        return alarms.acknowledge(caller, alarmId as string, jsonBody(event), params);
      case 'POST subscriptions':
        return subscriptions.create(caller, jsonBody(event));
      case 'GET subscriptions':
        return subscriptions.list(caller);
      case 'GET subscriptions/{id}':
        return subscriptions.get(caller, subscriptionId as string);
      case 'DELETE subscriptions/{id}':
        return subscriptions.delete(caller, subscriptionId as string);
      case 'GET recoveries':
        return recoveries.list(caller, params);
      case 'GET recoveries/{id}':
        return recoveries.get(caller, recoveryId as string, params);
      case 'PUT recoveries/{id}':
        return recoveries.answer(caller, recoveryId as string, jsonBody(event), params);
      case 'GET recovery-policy':
        return recoveries.getPolicy(caller, params);
      case 'PUT recovery-policy':
        return recoveries.putPolicy(caller, jsonBody(event), params);
      case 'PUT hosts':
        return fencing.confirm(caller, event.pathParameters?.host as string, jsonBody(event));
      default:
        throw new HttpError(405, `${event.httpMethod} ${event.resource} is not a fault API route`);
    }
  })();
  return responseOf(outcome);
});
