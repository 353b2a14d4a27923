import type { HostDrain, HostedInstance, MoveType } from '../maintenance/drain/host-drain';
import type { NovaClient } from './nova';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Draining through Nova: the compute service disabled with a reason (the scheduler then
 * places nothing there), instances live-migrated, or cold-migrated and the resize confirmed.
 */
export class NovaHostDrain implements HostDrain {
  constructor(
    private readonly nova: NovaClient,
    private readonly timeoutMs = 120_000,
  ) {}

  disable(host: string, reason: string): Promise<void> {
    return this.nova.setServiceEnabled(host, false, reason);
  }

  enable(host: string): Promise<void> {
    return this.nova.setServiceEnabled(host, true);
  }

  async instancesOn(host: string): Promise<HostedInstance[]> {
    return (await this.nova.listServers({ host })).map((s) => ({ id: s.id, name: s.name, projectId: s.tenantId }));
  }

  async move(instanceId: string, how: MoveType, targetHost?: string): Promise<string> {
    const from = (await this.nova.getServer(instanceId)).host;
    if (how === 'LIVE_MIGRATE') {
      await this.nova.liveMigrate(instanceId, targetHost);
      return this.landed(instanceId, from);
    }
    await this.nova.migrate(instanceId, targetHost);
    await this.nova.waitForStatus(instanceId, 'VERIFY_RESIZE', this.timeoutMs);
    await this.nova.confirmResize(instanceId);
    return (await this.nova.waitForStatus(instanceId, 'ACTIVE', this.timeoutMs)).host ?? '';
  }

  /** A live migration keeps the server ACTIVE: it is done when the server runs on another host. */
  private async landed(instanceId: string, from: string | null): Promise<string> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const server = await this.nova.getServer(instanceId);
      if (server.status === 'ERROR') throw new Error(`live migration of ${instanceId} left it in ERROR`);
      if (server.status === 'ACTIVE' && server.host && server.host !== from) return server.host;
      if (Date.now() > deadline)
        throw new Error(`live migration of ${instanceId} did not finish in ${this.timeoutMs} ms`);
      await sleep(250);
    }
  }
}
