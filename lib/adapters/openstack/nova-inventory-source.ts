import type { ComputeInventorySource } from '../../inventory/sync-inventory';
import type { NovaClient } from './nova';

/** The inventory as Nova knows it: nova-compute hosts and the servers of all projects. */
export class NovaInventorySource implements ComputeInventorySource {
  constructor(private readonly nova: NovaClient) {}

  async computeHosts(): Promise<string[]> {
    return (await this.nova.listServices({ binary: 'nova-compute' })).map((s) => s.host);
  }

  servers() {
    return this.nova.listServers();
  }
}
