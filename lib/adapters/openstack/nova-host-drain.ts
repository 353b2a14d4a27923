import type { HostDrain, HostedInstance, MoveProgress, MoveType } from '../../maintenance/host-drain';
import type { NovaClient } from './nova';
import { VimError } from './vim-error';

/** Statuses of a server whose migration is under way. */
const MOVING = new Set(['MIGRATING', 'RESIZE', 'VERIFY_RESIZE']);
/** Statuses of a server that runs (or rests) where it is. */
const SETTLED = new Set(['ACTIVE', 'SHUTOFF']);

/**
 * Draining through Nova: the compute service disabled with a reason (the scheduler then places
 * nothing there), instances live-migrated, or cold-migrated and the resize confirmed.
 */
export class NovaHostDrain implements HostDrain {
  constructor(private readonly nova: NovaClient) {}

  disable(host: string, reason: string): Promise<void> {
    return this.nova.setServiceEnabled(host, false, reason);
  }

  enable(host: string): Promise<void> {
    return this.nova.setServiceEnabled(host, true);
  }

  async instancesOn(host: string): Promise<HostedInstance[]> {
    return (await this.nova.listServers({ host })).map((s) => ({ id: s.id, name: s.name, projectId: s.tenantId }));
  }

  async startMove(instanceId: string, how: MoveType, from: string, to?: string): Promise<void> {
    const server = await this.nova.getServer(instanceId);
    if ((server.host && server.host !== from) || MOVING.has(server.status)) return;
    if (how === 'LIVE_MIGRATE') await this.nova.liveMigrate(instanceId, to);
    else await this.nova.migrate(instanceId, to);
  }

  async moveProgress(instanceId: string, from: string): Promise<MoveProgress> {
    const server = await this.nova.getServer(instanceId);
    if (server.status === 'ERROR')
      return { kind: 'failed', reason: `instance ${instanceId} went to ERROR while moving` };
    // A cold migration waits for the resize to be confirmed; the old host is freed only then.
    if (server.status === 'VERIFY_RESIZE') {
      try {
        await this.nova.confirmResize(instanceId);
      } catch (error) {
        // An earlier look (or another runner) confirmed it and Nova has not caught up: it answers
        // 409, or 400 "Instance has not been resized" once the migration is past 'finished'. The next look tells.
        if (!alreadyConfirmed(error)) throw error;
      }
      return { kind: 'moving' };
    }
    if (SETTLED.has(server.status) && server.host && server.host !== from) return { kind: 'done', host: server.host };
    return { kind: 'moving' };
  }
}

const alreadyConfirmed = (error: unknown) =>
  error instanceof VimError &&
  (error.status === 409 || (error.status === 400 && /has not been resized/i.test(error.message)));
