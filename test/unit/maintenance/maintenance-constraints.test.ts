import type { ConstraintKind } from '../../../lib/maintenance/constraints/constraints';
import {
  ManageConstraints,
  type Constraint,
  type ConstraintRef,
  type ConstraintStore,
} from '../../../lib/maintenance/constraints/manage-constraints';
import type { Caller } from '../../../lib/platform/auth/keystone-authorizer';
import { httpView } from '../../support/http-outcome';

class InMemoryConstraints implements ConstraintStore {
  readonly items = new Map<string, Constraint>();
  async get(kind: ConstraintKind, ref: ConstraintRef) {
    return this.items.get(`${kind}#${ref.projectId}#${ref.id}`);
  }
  async put(kind: ConstraintKind, ref: ConstraintRef, constraint: Constraint) {
    this.items.set(`${kind}#${ref.projectId}#${ref.id}`, constraint);
  }
  async delete(kind: ConstraintKind, ref: ConstraintRef) {
    this.items.delete(`${kind}#${ref.projectId}#${ref.id}`);
  }
}

const member = (projectId: string): Caller => ({
  userId: `user-${projectId}`,
  projectId,
  roles: ['member'],
  isAdmin: false,
});
const admin: Caller = { userId: 'admin', projectId: 'admin', roles: ['admin'], isAdmin: true };
const owners: Record<string, string> = { 'vm-a': 'project-a', 'vm-b': 'project-b' };

function service() {
  const store = new InMemoryConstraints();
  const constraints = httpView(new ManageConstraints(store, { projectOf: async (id) => owners[id] }));
  return { store, constraints };
}

describe('Use case: manage maintenance constraints', () => {
  it('fills in the defaults Fenix applies and reads "MIGRATION" (Doctor\'s sample VNFM) as MIGRATE', async () => {
    const { constraints } = service();
    const outcome = await constraints.put(member('project-a'), 'instance', 'vm-a', {
      project_id: 'project-a',
      migration_type: 'MIGRATION',
    });
    expect(outcome).toEqual({
      status: 200,
      body: {
        instance_id: 'vm-a',
        project_id: 'project-a',
        max_interruption_time: 0,
        migration_type: 'MIGRATE',
        resource_mitigation: false,
        lead_time: 0,
      },
    });
  });

  it('refuses an instance constraint for an instance of another project, or for one the VIM does not know', async () => {
    const { constraints, store } = service();
    const other = await constraints.put(member('project-a'), 'instance', 'vm-b', { project_id: 'project-a' });
    const unknown = await constraints.put(member('project-a'), 'instance', 'vm-x', { project_id: 'project-a' });
    expect([other.status, unknown.status]).toEqual([403, 403]);
    expect(store.items.size).toBe(0);
  });

  it('refuses a body naming another project', async () => {
    const { constraints } = service();
    const group = { max_impacted_members: 1 };
    expect(
      (await constraints.put(member('project-a'), 'instance_group', 'g1', { ...group, project_id: 'project-b' }))
        .status,
    ).toBe(403);
  });

  it("gives each project its own group of an id: one project cannot claim an id another will want, nor change another's group", async () => {
    // Prepare: project B holds group g1
    const { constraints } = service();
    await constraints.put(member('project-b'), 'instance_group', 'g1', {
      project_id: 'project-b',
      max_impacted_members: 2,
    });

    // Act: project A sets its own g1
    const a = await constraints.put(member('project-a'), 'instance_group', 'g1', {
      project_id: 'project-a',
      max_impacted_members: 1,
    });

    // Assess: two groups, each its project's
    expect(a.status).toBe(200);
    expect((await constraints.get(member('project-a'), 'instance_group', 'g1')).body).toMatchObject({
      max_impacted_members: 1,
    });
    expect((await constraints.get(member('project-b'), 'instance_group', 'g1')).body).toMatchObject({
      max_impacted_members: 2,
    });
  });

  it("attaches an instance only to a group of its own project, even one named like another project's", async () => {
    // Prepare
    const { constraints, store } = service();
    await constraints.put(member('project-b'), 'instance_group', 'g1', { project_id: 'project-b' });

    // Act: project A names g1 for its instance
    await constraints.put(member('project-a'), 'instance', 'vm-a', { project_id: 'project-a', group_id: 'g1' });

    // Assess: stored under project A; project B's g1 is untouched and knows nothing of vm-a
    expect([...store.items.keys()].sort()).toEqual(['instance#project-a#vm-a', 'instance_group#project-b#g1']);
  });

  it("answers alike whether or not another project's instance has a constraint", async () => {
    // Prepare: vm-b (project B) has a constraint; vm-c (project B) has none
    const { constraints } = service();
    owners['vm-c'] = 'project-b';
    await constraints.put(member('project-b'), 'instance', 'vm-b', { project_id: 'project-b' });

    // Act
    const withOne = await constraints.put(member('project-a'), 'instance', 'vm-b', { project_id: 'project-a' });
    const withNone = await constraints.put(member('project-a'), 'instance', 'vm-c', { project_id: 'project-a' });
    const readWithOne = await constraints.get(member('project-a'), 'instance', 'vm-b');
    const readWithNone = await constraints.get(member('project-a'), 'instance', 'vm-c');

    // Assess: the same words, the instance id aside
    const words = (outcome: { status: number; message?: string }) => [
      outcome.status,
      outcome.message?.replace(/vm-[bc]/, 'vm'),
    ];
    expect(words(withOne)).toEqual(words(withNone));
    expect(words(readWithOne)).toEqual(words(readWithNone));
  });

  it("answers 404 for another project's constraint, as if it did not exist, and deletes nothing", async () => {
    const { constraints, store } = service();
    await constraints.put(member('project-b'), 'instance', 'vm-b', { project_id: 'project-b' });
    expect((await constraints.get(member('project-a'), 'instance', 'vm-b')).status).toBe(404);
    expect((await constraints.delete(member('project-a'), 'instance', 'vm-b')).status).toBe(404);
    expect(store.items.size).toBe(1);
  });

  it('lets an administrator act for any project', async () => {
    const { constraints } = service();
    expect((await constraints.put(admin, 'instance', 'vm-b', { project_id: 'project-b' })).status).toBe(200);
    expect((await constraints.get(admin, 'instance', 'vm-b')).status).toBe(200);
    expect((await constraints.delete(admin, 'instance', 'vm-b')).status).toBe(204);
  });

  it('answers 400 naming every problem of a malformed body, and for an id that differs from the path', async () => {
    const { constraints } = service();
    const bad = await constraints.put(member('project-a'), 'instance_group', 'g1', {
      project_id: 'project-a',
      max_impacted_members: 0,
      recovery_time: -1,
    });
    expect(bad).toEqual({ status: 400, message: expect.stringMatching(/max_impacted_members[\s\S]*recovery_time/) });
    const mismatch = await constraints.put(member('project-a'), 'instance', 'vm-a', {
      instance_id: 'vm-b',
      project_id: 'project-a',
    });
    expect(mismatch).toEqual({ status: 400, message: expect.stringMatching(/differs from the one in the path/) });
    expect((await constraints.put(member('project-a'), 'instance', 'vm-a', 'not an object')).status).toBe(400);
  });
});
