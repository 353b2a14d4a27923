import { callerOf } from '../lib/platform/auth/caller';
import { config } from '../lib/platform/config';
import { HttpError } from '../lib/platform/http/http-error';
import { jsonBody } from '../lib/platform/http/json-body';
import { responseOf } from '../lib/platform/http/responses';
import { apiRoute } from '../lib/platform/middleware/api-route';
import { vimCredentialsMiddleware, type VimContext } from '../lib/platform/middleware/vim-credentials';
import { maintenanceApi } from '../lib/wiring/maintenance';

/**
 * Fenix's maintenance routes: POST/GET /v1/maintenance, GET/DELETE /v1/maintenance/{session_id}
 * and GET /v1/maintenance/{session_id}/detail (administrators), GET/PUT
 * /v1/maintenance/{session_id}/{project_id} and PUT .../{project_id}/{instance_id} (the project,
 * or an administrator).
 */
export const handler = apiRoute<VimContext>()
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (event, context) => {
    const caller = callerOf(event.requestContext.authorizer);
    const api = maintenanceApi(context.vimCredentials);
    const sessionId = event.pathParameters?.session_id ?? '';
    const projectId = event.pathParameters?.project_id;
    const instanceId = event.pathParameters?.instance_id;
    const detail = event.resource.endsWith('/detail');
    const target = instanceId
      ? 'instance'
      : projectId
        ? 'project'
        : detail
          ? 'detail'
          : sessionId
            ? 'session'
            : 'sessions';
    const route = `${event.httpMethod} ${target}`;
    const outcome = await (() => {
      switch (route) {
        case 'POST sessions':
          return api.create(caller, jsonBody(event));
        case 'GET sessions':
          return api.list(caller);
        case 'GET session':
          return api.get(caller, sessionId);
        case 'DELETE session':
          return api.delete(caller, sessionId);
        case 'GET detail':
          return api.detail(caller, sessionId);
        case 'GET project':
          return api.projectInstances(caller, sessionId, projectId as string);
        case 'PUT project':
          return api.reply(caller, sessionId, projectId as string, jsonBody(event));
        case 'PUT instance':
          return api.instanceReply(caller, sessionId, projectId as string, instanceId as string, jsonBody(event));
        default:
          throw new HttpError(405, `${event.httpMethod} is not a maintenance route`);
      }
    })();
    return responseOf(outcome);
  });
