import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { UnauthorizedError } from '../lib/platform/auth/keystone-authorizer';
import { config } from '../lib/platform/config';
import { observed } from '../lib/platform/middleware/observed';
import { vimCredentialsMiddleware, type VimContext } from '../lib/platform/middleware/vim-credentials';
import { logger } from '../lib/platform/observability';
import { keystoneAuthorizer } from '../lib/wiring/keystone-authorizer';

const header = (event: APIGatewayRequestAuthorizerEvent, name: string) =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] ?? undefined;

/** Every route of the API, so that API Gateway may cache the decision per token across routes. */
const allRoutes = (methodArn: string) => methodArn.split('/').slice(0, 2).join('/') + '/*';

/**
 * API Gateway REQUEST authorizer: X-Auth-Token checked against Keystone, or (routes whose
 * identity source is Authorization) a Keystone application credential as Basic auth; yields
 * project id and roles.
 */
export const handler = middy<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult, Error, VimContext>()
  .use(observed({ withMetrics: false }))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (event, context) => {
    const authorizer = keystoneAuthorizer(context.vimCredentials);
    try {
      const token = header(event, 'X-Auth-Token');
      // Routes for senders with static credentials take an application credential as Basic auth.
      const caller = token
        ? await authorizer.authenticate(token)
        : await authorizer.authenticateBasic(header(event, 'Authorization'));
      return {
        principalId: caller.userId,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: allRoutes(event.methodArn) }],
        },
        context: {
          userId: caller.userId,
          projectId: caller.projectId,
          roles: caller.roles.join(','),
          isAdmin: String(caller.isAdmin),
        },
      };
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      logger.info('token refused', { reason: error.message });
      // API Gateway answers 401 for exactly this error message.
      throw new Error('Unauthorized');
    }
  });
