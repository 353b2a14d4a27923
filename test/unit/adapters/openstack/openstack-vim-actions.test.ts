import type { NeutronClient } from '../../../../lib/adapters/openstack/neutron';
import type { ComputeService, NovaClient } from '../../../../lib/adapters/openstack/nova';
import {
  OpenStackVimActions,
  PREDICTION_DISABLED_REASON,
} from '../../../../lib/adapters/openstack/openstack-vim-actions';
import { VimError } from '../../../../lib/adapters/openstack/vim-error';

const HOST = 'compute-1';

/** Nova with one compute service, recording enable/disable calls; forceDown fails as told. */
function novaWith(service: Partial<ComputeService>, forceDownError?: Error) {
  const calls: { enabled: boolean; reason?: string }[] = [];
  const nova = {
    computeService: async (): Promise<ComputeService> => ({
      id: 's-1',
      host: HOST,
      binary: 'nova-compute',
      state: 'up',
      status: 'enabled',
      forcedDown: false,
      disabledReason: null,
      ...service,
    }),
    setServiceEnabled: async (_host: string, enabled: boolean, reason?: string) => void calls.push({ enabled, reason }),
    forceDown: async () => {
      if (forceDownError) throw forceDownError;
    },
  } as unknown as NovaClient;
  return { actions: new OpenStackVimActions(nova, {} as NeutronClient), calls };
}

const novaRefusal = (message: string) => new VimError('compute', 'PUT', '/os-services/s-1', 400, message);

describe('OpenStackVimActions', () => {
  describe('a predicted failure', () => {
    it('disables an enabled host with its own reason', async () => {
      const { actions, calls } = novaWith({ status: 'enabled' });
      await actions.setPredictedFailure(HOST, true);
      expect(calls).toEqual([{ enabled: false, reason: PREDICTION_DISABLED_REASON }]);
    });

    it('leaves a host an operator or a maintenance session disabled as it is, then and on the clear', async () => {
      const { actions, calls } = novaWith({ status: 'disabled', disabledReason: 'maintenance session 42' });
      await actions.setPredictedFailure(HOST, true);
      await actions.setPredictedFailure(HOST, false);
      expect(calls).toEqual([]);
    });

    it('enables the host again on the clear only when it disabled it itself', async () => {
      const { actions, calls } = novaWith({ status: 'disabled', disabledReason: PREDICTION_DISABLED_REASON });
      await actions.setPredictedFailure(HOST, false);
      expect(calls).toEqual([{ enabled: true, reason: undefined }]);
    });
  });

  describe('un-forcing a host', () => {
    it("leaves Nova's refusal while evacuation records remain to the scheduled retry (transient)", async () => {
      const refusal = novaRefusal(
        'Unable to force up host compute-1 as `done` evacuation migration records remain associated with the host.',
      );
      const { actions } = novaWith({}, refusal);
      await expect(actions.forceDown(HOST, false)).rejects.toMatchObject({ transient: true });
    });

    it('keeps any other refusal a refusal', async () => {
      const { actions } = novaWith({}, novaRefusal('Invalid input'));
      await expect(actions.forceDown(HOST, false)).rejects.toMatchObject({ transient: false, status: 400 });
    });
  });
});
