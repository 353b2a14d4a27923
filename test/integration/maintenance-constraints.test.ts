import { callApi, type LocalCloud } from '../../infra/local/local-cloud';
import type { Server } from '../../lib/adapters/openstack/nova';
import { HOSTS, localCloud } from '../support/openstack';

/**
 * Fenix's constraint routes through the local API Gateway, Keystone tokens of two projects,
 * and Nova telling which project owns an instance.
 */
describe('Maintenance constraints API (Fenix routes, Keystone tokens, Nova ownership)', () => {
  let cloud: LocalCloud;
  let server: Server;
  let tenantA: string;
  let tenantB: string;
  let tokenA: string;
  let tokenB: string;
  const group = `group-${Date.now().toString(36)}`;

  beforeAll(async () => {
    cloud = localCloud();
    [server] = (await cloud.boot('tenant-a', HOSTS.constraints, [`constraints-${Date.now().toString(36)}`])) as [
      Server,
    ];
    tenantA = cloud.projectId('tenant-a');
    tenantB = cloud.projectId('tenant-b');
    [tokenA, tokenB] = await Promise.all([cloud.memberToken('tenant-a'), cloud.memberToken('tenant-b')]);
  }, 60_000);

  afterAll(async () => {
    if (server) await cloud.deleteAll([server]);
  });

  const instanceBody = (projectId: string) => ({
    instance_id: server.id,
    project_id: projectId,
    group_id: group,
    instance_name: 'mme-active',
    max_interruption_time: 120,
    migration_type: 'MIGRATION',
    resource_mitigation: true,
    lead_time: 40,
  });

  it("lets a project set, read and delete its own instance's constraints, as Doctor's sample VNFM sends them", async () => {
    const put = await callApi('PUT', `/v1/instance/${server.id}`, tokenA, instanceBody(tenantA));
    expect(put).toEqual({
      status: 200,
      body: expect.objectContaining({ instance_id: server.id, migration_type: 'MIGRATE' }),
    });
    const got = await callApi('GET', `/v1/instance/${server.id}`, tokenA);
    expect(got.body).toMatchObject({ project_id: tenantA, group_id: group, lead_time: 40, max_interruption_time: 120 });
    expect((await callApi('DELETE', `/v1/instance/${server.id}`, tokenA)).status).toBe(204);
    expect((await callApi('GET', `/v1/instance/${server.id}`, tokenA)).status).toBe(404);
  });

  it("refuses a project's constraints on another project's instance (Nova says who owns it)", async () => {
    const put = await callApi('PUT', `/v1/instance/${server.id}`, tokenB, instanceBody(tenantB));
    expect(put.status).toBe(403);
    expect(JSON.stringify(put.body)).toMatch(/is not an instance of project/);
  });

  it("neither shows nor deletes another project's constraints", async () => {
    await callApi('PUT', `/v1/instance/${server.id}`, tokenA, instanceBody(tenantA));
    expect((await callApi('GET', `/v1/instance/${server.id}`, tokenB)).status).toBe(404);
    expect((await callApi('DELETE', `/v1/instance/${server.id}`, tokenB)).status).toBe(404);
    expect((await callApi('GET', `/v1/instance/${server.id}`, tokenA)).status).toBe(200);
  });

  it('keeps instance group constraints per project, and refuses setting them for another project', async () => {
    const body = {
      group_id: group,
      project_id: tenantA,
      group_name: 'mme',
      anti_affinity_group: true,
      max_instances_per_host: 1,
      max_impacted_members: 1,
      recovery_time: 4,
      resource_mitigation: true,
    };
    expect((await callApi('PUT', `/v1/instance_group/${group}`, tokenA, body)).status).toBe(200);
    expect((await callApi('GET', `/v1/instance_group/${group}`, tokenA)).body).toMatchObject({
      anti_affinity_group: true,
      recovery_time: 4,
    });
    expect((await callApi('PUT', `/v1/instance_group/${group}`, tokenB, { ...body, project_id: tenantA })).status).toBe(
      403,
    );
    expect((await callApi('GET', `/v1/instance_group/${group}`, tokenB)).status).toBe(404);
    // A group id is its project's own: project B's group of the same id is another group.
    const ofB = { ...body, project_id: tenantB, recovery_time: 9 };
    expect((await callApi('PUT', `/v1/instance_group/${group}`, tokenB, ofB)).status).toBe(200);
    expect((await callApi('GET', `/v1/instance_group/${group}`, tokenA)).body).toMatchObject({ recovery_time: 4 });
    expect((await callApi('GET', `/v1/instance_group/${group}`, tokenB)).body).toMatchObject({ recovery_time: 9 });
  });

  it('answers 400 naming the problem for a malformed body, and 401 without a token', async () => {
    const bad = await callApi('PUT', `/v1/instance_group/${group}`, tokenA, {
      project_id: tenantA,
      max_impacted_members: 0,
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/max_impacted_members/);
    expect((await callApi('GET', `/v1/instance_group/${group}`)).status).toBe(401);
  });
});
