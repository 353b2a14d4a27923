import type { InstanceDirectory } from '../../maintenance/constraints/manage-constraints';
import type { NovaClient } from './nova';
import { VimError } from './vim-error';

/** Who owns an instance, from Nova (an administrator's view of all projects' servers). */
export class NovaInstanceDirectory implements InstanceDirectory {
  constructor(private readonly nova: NovaClient) {}

  async projectOf(instanceId: string): Promise<string | undefined> {
    try {
      return (await this.nova.getServer(instanceId)).tenantId;
    } catch (error) {
      if (error instanceof VimError && error.status === 404) return undefined;
      throw error;
    }
  }
}
