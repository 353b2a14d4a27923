import type { Caller } from './keystone-authorizer';

/** An error a route may show its caller, with its HTTP status (middy's http-error-handler sends it). */
export class HttpError extends Error {
  readonly expose = true;
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

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

/** A tenant-scoped route: the caller's own project, or an administrator. */
export function requireProject(caller: Caller, projectId: string): void {
  if (!caller.isAdmin && caller.projectId !== projectId) {
    throw new HttpError(403, `project ${caller.projectId} may not act on project ${projectId}`);
  }
}

export function requireAdmin(caller: Caller): void {
  if (!caller.isAdmin) throw new HttpError(403, 'this route is for administrators');
}
