import type { ConstraintReader } from '../../maintenance/constraints/manage-constraints';
import type { ClusterSnapshot } from '../../maintenance/planner/session-planner';
import type { ClusterSource } from '../../maintenance/workflow/ports';
import type { NovaClient } from './nova';

/**
 * The cluster as Nova reports it (compute services, aggregates, every server) with the
 * tenants' maintenance constraints. Capacity is counted in instances per host (`slotsPerHost`).
 */
export class NovaClusterSnapshot implements ClusterSource {
  constructor(
    private readonly nova: NovaClient,
    private readonly constraints: ConstraintReader,
    private readonly slotsPerHost: number,
  ) {}

  async snapshot(): Promise<ClusterSnapshot> {
    const [services, aggregates, servers] = await Promise.all([
      this.nova.listServices({ binary: 'nova-compute' }),
      this.nova.listAggregates(),
      this.nova.listServers(),
    ]);
    const instances = servers.flatMap((s) => (s.host ? [{ id: s.id, project_id: s.tenantId, host: s.host }] : []));
    const stored = await this.constraints.instances(instances.map((i) => ({ projectId: i.project_id, id: i.id })));
    // A group is its project's own: an instance's group is a group of the instance's project.
    const groupRefs = stored.flatMap((c) =>
      c.group_id === undefined ? [] : [{ projectId: c.project_id, id: c.group_id }],
    );
    const groups = await this.constraints.groups(groupRefs);
    // Group ids are only unique within their project: the planner sees them qualified by it.
    const qualified = (projectId: string, groupId: string) => `${projectId}/${groupId}`;
    const instanceConstraints = stored.map((c) =>
      c.group_id === undefined ? c : { ...c, group_id: qualified(c.project_id, c.group_id) },
    );
    const groupConstraints = groups.map((g) => ({ ...g, group_id: qualified(g.project_id, g.group_id) }));
    return {
      hosts: services.map((s) => ({
        name: s.host,
        enabled: s.status === 'enabled',
        up: s.state === 'up' && !s.forcedDown,
        aggregates: aggregates.filter((a) => a.hosts.includes(s.host)).map((a) => a.name),
      })),
      instances,
      instanceConstraints,
      groupConstraints,
      slotsPerHost: this.slotsPerHost,
    };
  }
}
