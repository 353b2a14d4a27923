import type { NovaClient, Server } from '../../../../lib/adapters/openstack/nova';
import { NovaHostDrain } from '../../../../lib/adapters/openstack/nova-host-drain';
import { VimError } from '../../../../lib/adapters/openstack/vim-error';

/** Nova as a cold migration leaves it: the server waits for its resize to be confirmed. */
function novaAwaitingConfirm(confirm: () => Promise<void>) {
  const server: Server = { id: 'vm-1', name: 'vm-1', status: 'VERIFY_RESIZE', tenantId: 'p', host: 'h2', metadata: {} };
  return { getServer: async () => server, confirmResize: confirm } as unknown as NovaClient;
}

describe('NovaHostDrain following a cold migration', () => {
  it('confirms a resize Nova waits for, and reports the move still under way', async () => {
    const confirmed: string[] = [];
    const drain = new NovaHostDrain(novaAwaitingConfirm(async () => void confirmed.push('vm-1')));
    await expect(drain.moveProgress('vm-1', 'h1')).resolves.toEqual({ kind: 'moving' });
    expect(confirmed).toEqual(['vm-1']);
  });

  it('takes a 409 on confirming (already confirmed, Nova not caught up) as still moving', async () => {
    const conflict = new VimError('compute', 'POST', '/servers/vm-1/action', 409, "Cannot 'confirmResize' instance");
    const drain = new NovaHostDrain(
      novaAwaitingConfirm(async () => {
        throw conflict;
      }),
    );
    await expect(drain.moveProgress('vm-1', 'h1')).resolves.toEqual({ kind: 'moving' });
  });

  it('takes a 400 "Instance has not been resized" on confirming (confirmed meanwhile) as still moving', async () => {
    const confirmedMeanwhile = new VimError(
      'compute',
      'POST',
      '/servers/vm-1/action',
      400,
      'Instance has not been resized.',
    );
    const drain = new NovaHostDrain(
      novaAwaitingConfirm(async () => {
        throw confirmedMeanwhile;
      }),
    );
    await expect(drain.moveProgress('vm-1', 'h1')).resolves.toEqual({ kind: 'moving' });
  });

  it('lets another failure through, a 400 for another reason included', async () => {
    const malformed = new VimError('compute', 'POST', '/servers/vm-1/action', 400, 'Invalid input for field');
    const rejecting = new NovaHostDrain(
      novaAwaitingConfirm(async () => {
        throw malformed;
      }),
    );
    await expect(rejecting.moveProgress('vm-1', 'h1')).rejects.toBe(malformed);

    const outage = new VimError('compute', 'POST', '/servers/vm-1/action', 503, 'unavailable');
    const drain = new NovaHostDrain(
      novaAwaitingConfirm(async () => {
        throw outage;
      }),
    );
    await expect(drain.moveProgress('vm-1', 'h1')).rejects.toBe(outage);
  });
});
