import type { ConstraintKind } from '../lib/maintenance/constraints/constraints';
import { callerOf } from '../lib/platform/auth/caller';
import { config } from '../lib/platform/config';
import { jsonBody } from '../lib/platform/http/json-body';
import { responseOf } from '../lib/platform/http/responses';
import { apiRoute } from '../lib/platform/middleware/api-route';
import { vimCredentialsMiddleware, type VimContext } from '../lib/platform/middleware/vim-credentials';
import { maintenanceConstraints } from '../lib/wiring/maintenance';

const kindOf = (resource: string): ConstraintKind =>
  resource.startsWith('/v1/instance_group/') ? 'instance_group' : 'instance';

/**
 * Fenix's constraint routes: PUT/GET/DELETE /v1/instance/{id} and /v1/instance_group/{id}.
 * VPC-bound: an instance constraint is accepted only for an instance the project owns in Nova.
 */
export const handler = apiRoute<VimContext>()
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (event, context) => {
    const caller = callerOf(event.requestContext.authorizer);
    const kind = kindOf(event.resource);
    const id = event.pathParameters?.id ?? '';
    const constraints = maintenanceConstraints(context.vimCredentials);
    // An administrator names the project whose constraint it reads or deletes.
    const project = event.queryStringParameters?.project_id;
    const outcome =
      event.httpMethod === 'GET'
        ? await constraints.get(caller, kind, id, project)
        : event.httpMethod === 'DELETE'
          ? await constraints.delete(caller, kind, id, project)
          : await constraints.put(caller, kind, id, jsonBody(event));
    return responseOf(outcome);
  });
