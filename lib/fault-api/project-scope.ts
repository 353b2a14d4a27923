import type { Caller } from '../auth/keystone-authorizer';
import type { ApiOutcome } from '../http/api-outcome';

/**
 * The project whose data a caller works on: its own, or for an administrator the one it names
 * (`adminDefault` when it names none). Naming another project without the admin role is 403.
 */
export function projectScope(
  caller: Caller,
  named: string | undefined,
  what: string,
  adminDefault: string = caller.projectId,
): string | ApiOutcome {
  if (named !== undefined && named !== caller.projectId && !caller.isAdmin) {
    return { status: 403, message: `project ${caller.projectId} may not ${what} of project ${named}` };
  }
  return named ?? (caller.isAdmin ? adminDefault : caller.projectId);
}
