import type { VimActions } from '../../controller/ports';
import type { NeutronClient } from './neutron';
import type { NovaClient } from './nova';
import { VimError } from './vim-error';

/** The disabled reason nfvi-doctor gives a host whose failure is predicted; it re-enables only that. */
export const PREDICTION_DISABLED_REASON = 'nfvi-doctor: host failure predicted';

/** The VIM adapter's actions on OpenStack: Nova for the host and its instances, Neutron for ports. */
export class OpenStackVimActions implements VimActions {
  constructor(
    private readonly nova: NovaClient,
    private readonly neutron: NeutronClient,
  ) {}

  /**
   * Nova refuses to un-force a host whose instances were evacuated until its nova-compute has
   * started again (the evacuations' migration records still "done"): that passes once the
   * repaired host is up, so it is left to the scheduled retry rather than failed.
   */
  async forceDown(host: string, forcedDown: boolean): Promise<void> {
    try {
      await this.nova.forceDown(host, forcedDown);
    } catch (error) {
      if (
        !forcedDown &&
        error instanceof VimError &&
        error.status === 400 &&
        /migration records/.test(error.vimMessage)
      )
        throw new VimError(error.service, error.method, error.path, undefined, error.vimMessage);
      throw error;
    }
  }

  /**
   * A host already disabled (by an operator or a maintenance session) keeps its reason, and only
   * nfvi-doctor's own prediction reason is undone when the prediction clears.
   */
  async setPredictedFailure(host: string, predicted: boolean): Promise<void> {
    const service = await this.nova.computeService(host);
    if (predicted && service.status === 'enabled')
      await this.nova.setServiceEnabled(host, false, PREDICTION_DISABLED_REASON);
    if (!predicted && service.status === 'disabled' && service.disabledReason === PREDICTION_DISABLED_REASON)
      await this.nova.setServiceEnabled(host, true);
  }

  async resetToError(instanceIds: string[]) {
    const failures = await this.nova.resetStateAll(instanceIds, 'error');
    // An instance deleted meanwhile needs no reset.
    return { failed: failures.filter((f) => !(f.error instanceof VimError && f.error.status === 404)) };
  }

  async setDataPlaneStatus(instanceIds: string[], status: 'ACTIVE' | 'DOWN'): Promise<void> {
    const ports = (await Promise.all(instanceIds.map((id) => this.neutron.portsOf(id)))).flat();
    await Promise.all(ports.map((port) => this.neutron.setDataPlaneStatus(port.id, status)));
  }
}
