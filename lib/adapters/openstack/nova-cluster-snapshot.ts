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
    const instanceConstraints = await this.constraints.instances(instances.map((i) => i.id));
    const groupIds = instanceConstraints.flatMap((c) => (c.group_id === undefined ? [] : [c.group_id]));
    // A group constraint counts only for the project that set it and whose instances name it.
    const owners = new Set(instanceConstraints.map((c) => `${c.project_id}/${c.group_id}`));
    const groupConstraints = (await this.constraints.groups(groupIds)).filter((g) =>
      owners.has(`${g.project_id}/${g.group_id}`),
    );
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
