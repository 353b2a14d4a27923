import { z } from 'zod';
import { NovaClient, type Server } from '../../lib/adapters/openstack/nova';
import { VimError } from '../../lib/adapters/openstack/vim-error';

/**
 * Nova as the local stack's demo, tests and benchmark set it up: servers booted and deleted,
 * host aggregates made for them. nfvi-doctor itself never creates anything in Nova.
 */
export class NovaTestbed extends NovaClient {
  /** Creates a host aggregate holding the hosts, optionally an availability zone returns its id. */
  async createAggregate(name: string, hosts: string[], availabilityZone?: string): Promise<string> {
    const body = await this.call({
      method: 'POST',
      path: '/os-aggregates',
      body: { aggregate: { name, ...(availabilityZone ? { availability_zone: availabilityZone } : {}) } },
      retry: false,
    });
    const id = String(
      z.object({ aggregate: z.object({ id: z.union([z.string(), z.number()]) }) }).parse(body).aggregate.id,
    );
    for (const host of hosts)
      await this.call({
        method: 'POST',
        path: `/os-aggregates/${id}/action`,
        body: { add_host: { host } },
        retry: false,
      });
    return id;
  }

  /** Empties and deletes a host aggregate. */
  async deleteAggregate(id: string): Promise<void> {
    const body = await this.call({ method: 'GET', path: `/os-aggregates/${id}` });
    const hosts = z.object({ aggregate: z.object({ hosts: z.array(z.string()).nullish() }) }).parse(body)
      .aggregate.hosts;
    for (const host of hosts ?? [])
      await this.call({ method: 'POST', path: `/os-aggregates/${id}/action`, body: { remove_host: { host } } });
    await this.call({ method: 'DELETE', path: `/os-aggregates/${id}` });
  }

  /** Boots a server with no network; `host` pins it to a compute host (admin, microversion 2.74). */
  async createServer(spec: {
    name: string;
    imageRef: string;
    flavorRef: string;
    host?: string;
    availabilityZone?: string;
    metadata?: Record<string, string>;
  }): Promise<string> {
    const body = await this.call({
      method: 'POST',
      path: '/servers',
      retry: false,
      body: {
        server: {
          name: spec.name,
          imageRef: spec.imageRef,
          flavorRef: spec.flavorRef,
          networks: 'none',
          ...(spec.host ? { host: spec.host } : {}),
          ...(spec.availabilityZone ? { availability_zone: spec.availabilityZone } : {}),
          ...(spec.metadata ? { metadata: spec.metadata } : {}),
        },
      },
    });
    return z.object({ server: z.object({ id: z.string() }) }).parse(body).server.id;
  }

  async deleteServer(id: string): Promise<void> {
    try {
      await this.call({ method: 'DELETE', path: `/servers/${id}` });
    } catch (error) {
      if (!(error instanceof VimError && error.status === 404)) throw error;
    }
  }

  /** Polls until the server has the status (e.g. ACTIVE); fails early on ERROR when waiting for another. */
  async waitForStatus(id: string, status: string, timeoutMs = 60_000): Promise<Server> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const server = await this.getServer(id);
      if (server.status === status) return server;
      if (server.status === 'ERROR' && status !== 'ERROR') {
        throw new VimError('compute', 'GET', `/servers/${id}`, undefined, `server ${id} went to ERROR`);
      }
      if (Date.now() > deadline) {
        throw new VimError(
          'compute',
          'GET',
          `/servers/${id}`,
          undefined,
          `server ${id} is ${server.status}, not ${status}, after ${timeoutMs} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
