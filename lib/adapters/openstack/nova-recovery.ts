import { mapSettled } from '../../platform/map-settled';
import type { ActionFailure, RecoveryVim } from '../../recovery/ports';
import type { DeadHostInstance, ServerNow } from '../../recovery/recovery-decisions';
import type { NovaClient } from './nova';
import { VimError } from './vim-error';

const CONCURRENCY = 10;

/**
 * Nova's answer to an action on one instance, as the recovery sees it: a 409 naming a task state
 * (the instance is already being rebuilt or rebooted: a repeated action) is no failure; another
 * 409 (e.g. the host's service unavailable yet) and a 400 while the source compute service is
 * still "in use" wait for the next look; other refusals fail the instance.
 */
function failureOf(instanceId: string, error: unknown): ActionFailure | undefined {
  if (error instanceof VimError) {
    if (error.status === 409 && /task_state/.test(error.vimMessage)) return undefined;
    const waiting = error.status === 409 || (error.status === 400 && /still in use/i.test(error.vimMessage));
    return { instanceId, message: error.vimMessage, transient: error.transient || waiting };
  }
  return { instanceId, message: error instanceof Error ? error.message : String(error), transient: true };
}

async function each(ids: string[], action: (id: string) => Promise<void>): Promise<ActionFailure[]> {
  const results = await mapSettled(ids, CONCURRENCY, action);
  return results.flatMap((r, i) =>
    r.status === 'rejected' ? [failureOf(ids[i] as string, r.reason)].filter((f) => f !== undefined) : [],
  );
}

/** Tenant recovery on OpenStack Nova: evacuate (after fencing) or hard-reboot in place. */
export class NovaRecovery implements RecoveryVim {
  constructor(private readonly nova: NovaClient) {}

  async instancesOn(host: string): Promise<DeadHostInstance[]> {
    const servers = await this.nova.listServers({ host });
    return servers.map((s) => ({ id: s.id, name: s.name, tenantId: s.tenantId, metadata: s.metadata }));
  }

  async server(id: string): Promise<ServerNow> {
    try {
      const server = await this.nova.getServer(id);
      return { status: server.status, host: server.host, ...(server.fault ? { fault: server.fault } : {}) };
    } catch (error) {
      if (error instanceof VimError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * Nova evacuates only from a compute service that is down: the host is fenced, so forcing it
   * down is true, and it does not wait for the VIM adapter to have done it.
   */
  async evacuate(host: string, instanceIds: string[]): Promise<ActionFailure[]> {
    try {
      await this.nova.forceDown(host, true);
    } catch (error) {
      return instanceIds.flatMap((id) => [failureOf(id, error)].filter((f) => f !== undefined));
    }
    return each(instanceIds, (id) => this.nova.evacuate(id));
  }

  /** An instance the VIM adapter set to ERROR is made ACTIVE again, then hard-rebooted on its host. */
  async restart(instanceIds: string[]): Promise<ActionFailure[]> {
    return each(instanceIds, async (id) => {
      await this.nova.resetState(id, 'active');
      await this.nova.hardReboot(id);
    });
  }
}
