import type { NeutronClient } from '../vim/neutron';
import type { NovaClient } from '../vim/nova';
import { VimError } from '../vim/vim-error';
import type { VimActions } from './ports';

/** The VIM adapter's actions on OpenStack: Nova for the host and its instances, Neutron for ports. */
export class OpenStackVimActions implements VimActions {
  constructor(
    private readonly nova: NovaClient,
    private readonly neutron: NeutronClient,
  ) {}

  forceDown(host: string, forcedDown: boolean): Promise<void> {
    return this.nova.forceDown(host, forcedDown);
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
