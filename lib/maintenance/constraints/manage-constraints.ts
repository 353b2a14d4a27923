import { z } from 'zod';
import type { Caller } from '../../platform/auth/keystone-authorizer';
import { type Outcome } from '../../platform/outcome';
import {
  instanceConstraint,
  instanceGroupConstraint,
  type ConstraintKind,
  type InstanceConstraint,
  type InstanceGroupConstraint,
} from './constraints';

export type Constraint = InstanceConstraint | InstanceGroupConstraint;

/** Where constraints are kept, by kind and id. */
export interface ConstraintStore {
  get(kind: ConstraintKind, id: string): Promise<Constraint | undefined>;
  put(kind: ConstraintKind, id: string, constraint: Constraint): Promise<void>;
  delete(kind: ConstraintKind, id: string): Promise<void>;
}

/** The constraints of many instances and groups at once, as the planner reads them for a session's next step. */
export interface ConstraintReader {
  instances(instanceIds: string[]): Promise<InstanceConstraint[]>;
  groups(groupIds: string[]): Promise<InstanceGroupConstraint[]>;
}

/** Which project owns an instance, as the VIM says (undefined: no such instance). */
export interface InstanceDirectory {
  projectOf(instanceId: string): Promise<string | undefined>;
}

const schemas = { instance: instanceConstraint, instance_group: instanceGroupConstraint };
const idField = { instance: 'instance_id', instance_group: 'group_id' } as const;

/**
 * The constraint routes' rules. A tenant reads, writes and deletes only its own project's
 * constraints, and sets instance constraints only on instances its project owns in the VIM;
 * another project's constraint answers 404, as if it did not exist, so ids cannot be probed.
 * Administrators may act for any project.
 */
export class ManageConstraints {
  constructor(
    private readonly store: ConstraintStore,
    private readonly instances: InstanceDirectory,
  ) {}

  async get(caller: Caller, kind: ConstraintKind, id: string): Promise<Outcome> {
    const stored = await this.visible(caller, kind, id);
    return stored ? { kind: 'ok', body: stored } : notFound(kind, id);
  }

  async delete(caller: Caller, kind: ConstraintKind, id: string): Promise<Outcome> {
    if (!(await this.visible(caller, kind, id))) return notFound(kind, id);
    await this.store.delete(kind, id);
    return { kind: 'done' };
  }

  async put(caller: Caller, kind: ConstraintKind, id: string, body: unknown): Promise<Outcome> {
    const withId = body && typeof body === 'object' ? { [idField[kind]]: id, ...body } : body;
    const parsed = schemas[kind].safeParse(withId);
    if (!parsed.success) return { kind: 'invalid', message: z.prettifyError(parsed.error) };
    const constraint = parsed.data;
    if ((constraint as Record<string, unknown>)[idField[kind]] !== id)
      return { kind: 'invalid', message: `${idField[kind]} in the body differs from the one in the path` };
    if (!caller.isAdmin && constraint.project_id !== caller.projectId)
      return {
        kind: 'forbidden',
        message: `project ${caller.projectId} may not set constraints for project ${constraint.project_id}`,
      };
    const existing = await this.store.get(kind, id);
    if (existing && existing.project_id !== constraint.project_id && !caller.isAdmin)
      return {
        kind: 'forbidden',
        message: `project ${caller.projectId} may not set ${kind.replace('_', ' ')} constraint ${id}`,
      };
    if (kind === 'instance') {
      const owner = await this.instances.projectOf(id);
      if (owner !== constraint.project_id)
        return { kind: 'forbidden', message: `instance ${id} is not an instance of project ${constraint.project_id}` };
    }
    await this.store.put(kind, id, constraint);
    return { kind: 'ok', body: constraint };
  }

  private async visible(caller: Caller, kind: ConstraintKind, id: string): Promise<Constraint | undefined> {
    const stored = await this.store.get(kind, id);
    return stored && (caller.isAdmin || stored.project_id === caller.projectId) ? stored : undefined;
  }
}

const notFound = (kind: ConstraintKind, id: string): Outcome => ({
  kind: 'not-found',
  message: `no ${kind.replace('_', ' ')} constraint ${id} in your project`,
});
