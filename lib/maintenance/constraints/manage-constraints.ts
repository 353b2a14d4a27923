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

/** A constraint's id within its project: ids are the project's own, never shared with another project. */
export interface ConstraintRef {
  projectId: string;
  id: string;
}

/** Where constraints are kept, by kind, project and id. */
export interface ConstraintStore {
  get(kind: ConstraintKind, ref: ConstraintRef): Promise<Constraint | undefined>;
  put(kind: ConstraintKind, ref: ConstraintRef, constraint: Constraint): Promise<void>;
  delete(kind: ConstraintKind, ref: ConstraintRef): Promise<void>;
}

/** The constraints of many instances and groups at once, as the planner reads them for a session's next step. */
export interface ConstraintReader {
  instances(refs: ConstraintRef[]): Promise<InstanceConstraint[]>;
  groups(refs: ConstraintRef[]): Promise<InstanceGroupConstraint[]>;
}

/** Which project owns an instance, as the VIM says (undefined: no such instance). */
export interface InstanceDirectory {
  projectOf(instanceId: string): Promise<string | undefined>;
}

const schemas = { instance: instanceConstraint, instance_group: instanceGroupConstraint };
const idField = { instance: 'instance_id', instance_group: 'group_id' } as const;

/**
 * The constraint routes' rules. Constraint ids belong to their project: two projects may name a
 * group alike and each has its own, and an instance constraint's group is always a group of the
 * instance's project. A tenant reads, writes and deletes only its own project's constraints, and
 * sets instance constraints only on instances its project owns in the VIM. Whatever another
 * project has, the answer is the same as if it had nothing: 404 for a read or delete, the same
 * 403 for an instance that is not the caller's. Administrators act for the project they name
 * (in the body, or `project_id` in the query); an instance constraint's project is its owner's.
 */
export class ManageConstraints {
  constructor(
    private readonly store: ConstraintStore,
    private readonly instances: InstanceDirectory,
  ) {}

  async get(caller: Caller, kind: ConstraintKind, id: string, named?: string): Promise<Outcome> {
    const ref = await this.refOf(caller, kind, id, named);
    const stored = ref && (await this.store.get(kind, ref));
    return stored ? { kind: 'ok', body: stored } : notFound(kind, id);
  }

  async delete(caller: Caller, kind: ConstraintKind, id: string, named?: string): Promise<Outcome> {
    const ref = await this.refOf(caller, kind, id, named);
    if (!ref || !(await this.store.get(kind, ref))) return notFound(kind, id);
    await this.store.delete(kind, ref);
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
    if (kind === 'instance' && (await this.instances.projectOf(id)) !== constraint.project_id)
      return { kind: 'forbidden', message: `instance ${id} is not an instance of project ${constraint.project_id}` };
    await this.store.put(kind, { projectId: constraint.project_id, id }, constraint);
    return { kind: 'ok', body: constraint };
  }

  /**
   * The project whose constraint `id` the caller addresses: its own; for an administrator the
   * one it names, else an instance's owner, else its own.
   */
  private async refOf(
    caller: Caller,
    kind: ConstraintKind,
    id: string,
    named: string | undefined,
  ): Promise<ConstraintRef | undefined> {
    if (!caller.isAdmin) return { projectId: caller.projectId, id };
    if (named) return { projectId: named, id };
    const owner = kind === 'instance' ? await this.instances.projectOf(id) : undefined;
    return { projectId: owner ?? caller.projectId, id };
  }
}

const notFound = (kind: ConstraintKind, id: string): Outcome => ({
  kind: 'not-found',
  message: `no ${kind.replace('_', ' ')} constraint ${id} in your project`,
});
