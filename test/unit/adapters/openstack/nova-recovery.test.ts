import type { NovaClient, Server } from '../../../../lib/adapters/openstack/nova';
import { NovaRecovery } from '../../../../lib/adapters/openstack/nova-recovery';
import { VimError } from '../../../../lib/adapters/openstack/vim-error';

const refusal = (status: number, message: string) =>
  new VimError('compute', 'POST', '/servers/vm/action', status, message);

/** Nova recording the calls, failing an instance's action as told. */
function fakeNova(failures: Record<string, Error> = {}, servers: Record<string, Server | undefined> = {}) {
  const calls: string[] = [];
  const act = (what: string) => async (id: string) => {
    calls.push(`${what} ${id}`);
    const failure = failures[id];
    if (failure) throw failure;
  };
  const nova = {
    forceDown: async (host: string, down: boolean) => void calls.push(`forceDown ${host} ${down}`),
    evacuate: act('evacuate'),
    resetState: async (id: string, state: string) => void calls.push(`resetState ${id} ${state}`),
    hardReboot: act('hardReboot'),
    getServer: async (id: string) => {
      const server = servers[id];
      if (!server) throw refusal(404, `Instance ${id} could not be found.`);
      return server;
    },
  } as unknown as NovaClient;
  return { recovery: new NovaRecovery(nova), calls };
}

describe('NovaRecovery: tenant recovery on Nova', () => {
  it('forces the fenced host down before it evacuates each instance', async () => {
    const { recovery, calls } = fakeNova();
    await expect(recovery.evacuate('compute-1', ['vm-1', 'vm-2'])).resolves.toEqual([]);
    expect(calls[0]).toBe('forceDown compute-1 true');
    expect(calls.slice(1).sort()).toEqual(['evacuate vm-1', 'evacuate vm-2']);
  });

  it("takes Nova's 409 naming a task state for a repeat of an action under way, not a failure", async () => {
    const { recovery } = fakeNova({
      'vm-1': refusal(409, "Cannot 'evacuate' instance vm-1 while it is in task_state rebuilding"),
    });
    await expect(recovery.evacuate('compute-1', ['vm-1'])).resolves.toEqual([]);
  });

  it('leaves for the next look what Nova cannot take yet, and fails what it refuses', async () => {
    const { recovery } = fakeNova({
      'vm-1': refusal(400, 'Compute service of compute-1 is still in use.'),
      'vm-2': refusal(409, 'Service is unavailable at this time.'),
      'vm-3': refusal(400, 'Invalid state of instance vm-3'),
    });
    const failures = await recovery.evacuate('compute-1', ['vm-1', 'vm-2', 'vm-3']);
    expect(failures).toEqual([
      { instanceId: 'vm-1', message: 'Compute service of compute-1 is still in use.', transient: true },
      { instanceId: 'vm-2', message: 'Service is unavailable at this time.', transient: true },
      { instanceId: 'vm-3', message: 'Invalid state of instance vm-3', transient: false },
    ]);
  });

  it('restarts an instance in place: ACTIVE again, then a hard reboot', async () => {
    const { recovery, calls } = fakeNova();
    await recovery.restart(['vm-1']);
    expect(calls).toEqual(['resetState vm-1 active', 'hardReboot vm-1']);
  });

  it('reads a deleted instance as gone', async () => {
    const server: Server = { id: 'vm-1', name: 'a', status: 'ACTIVE', tenantId: 't', host: 'compute-2', metadata: {} };
    const { recovery } = fakeNova({}, { 'vm-1': server });
    await expect(recovery.server('vm-1')).resolves.toEqual({ status: 'ACTIVE', host: 'compute-2' });
    await expect(recovery.server('vm-2')).resolves.toBeNull();
  });
});
