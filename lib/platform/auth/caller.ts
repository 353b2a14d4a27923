import { HttpError } from '../http/http-error';
import type { Caller } from './keystone-authorizer';

/** The authorizer's context as API Gateway hands it to a route (all values are strings). */
export function callerOf(authorizerContext: Record<string, unknown> | null | undefined): Caller {
  const ctx = authorizerContext ?? {};
  if (typeof ctx.projectId !== 'string' || typeof ctx.userId !== 'string') {
    throw new HttpError(401, 'no authenticated caller');
  }
  return {
    userId: ctx.userId,
    projectId: ctx.projectId,
    roles: String(ctx.roles ?? '')
      .split(',')
      .filter(Boolean),
    isAdmin: String(ctx.isAdmin) === 'true',
  };
}

export function requireAdmin(caller: Caller): void {
  if (!caller.isAdmin) throw new HttpError(403, 'this route is for administrators');
}
