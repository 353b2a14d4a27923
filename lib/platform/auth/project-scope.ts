import { type Outcome } from '../outcome';
import type { Caller } from './keystone-authorizer';

/**
 * The project whose data a caller works on: its own, or for an administrator the one it names
 * (`adminDefault` when it names none). Naming another project without the admin role is 403.
 */
export function projectScope(
  caller: Caller,
  named: string | undefined,
  what: string,
  adminDefault: string = caller.projectId,
): string | Outcome {
  if (named !== undefined && named !== caller.projectId && !caller.isAdmin) {
    return { kind: 'forbidden', message: `project ${caller.projectId} may not ${what} of project ${named}` };
  }
  return named ?? (caller.isAdmin ? adminDefault : caller.projectId);
}
