import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { callerOf } from '../lib/auth/caller';
import { awsClients } from '../lib/aws/clients';
import { config } from '../lib/config';
import type { ConstraintKind } from '../lib/maintenance/constraints/constraints';
import { ManageConstraints } from '../lib/maintenance/constraints/manage-constraints';
import { responseOf } from '../lib/http/api-outcome';
import { jsonBody } from '../lib/http/json-body';
import { logger } from '../lib/observability';
import { DynamoDbConstraints } from '../lib/store/dynamodb-constraints';
import { vimCredentialsMiddleware, type VimContext } from '../lib/vim/credentials-middleware';
import { NovaInstanceDirectory } from '../lib/vim/nova-instance-directory';
import { vimConnection } from '../lib/vim/vim-connection';
import { refusalsLogged } from '../lib/http/refusals-logged';

const kindOf = (resource: string): ConstraintKind =>
  resource.startsWith('/v1/instance_group/') ? 'instance_group' : 'instance';

/**
 * Fenix's constraint routes: PUT/GET/DELETE /v1/instance/{id} and /v1/instance_group/{id}.
 * VPC-bound: an instance constraint is accepted only for an instance the project owns in Nova.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, VimContext>()
  .use(injectLambdaContext(logger))
  .use(refusalsLogged())
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (event, context) => {
    const caller = callerOf(event.requestContext.authorizer);
    const kind = kindOf(event.resource);
    const id = event.pathParameters?.id ?? '';
    const cfg = config();
    const constraints = new ManageConstraints(
      new DynamoDbConstraints(awsClients().dynamo, cfg.constraintsTable),
      new NovaInstanceDirectory(vimConnection(context.vimCredentials, cfg.vim).nova),
    );
    const outcome =
      event.httpMethod === 'GET'
        ? await constraints.get(caller, kind, id)
        : event.httpMethod === 'DELETE'
          ? await constraints.delete(caller, kind, id)
          : await constraints.put(caller, kind, id, jsonBody(event));
    return responseOf(outcome);
  });
