import { VimError } from '../../../lib/adapters/openstack/vim-error';
import { applyFaultEvent, retryPending } from '../../../lib/controller/apply-fault-actions';
import {
  HOST,
  OTHER_HOST,
  faultClearedEvent,
  faultConfirmedEvent,
  vimAdapter,
  type VimAdapter,
  type VimCall,
} from './vim-builders';

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const NOVA_MESSAGE = 'Service compute-1 could not be found.';

const forceDown = (forcedDown: boolean, host = HOST): VimCall => ({ action: 'forceDown', host, forcedDown });
const resetToError = (...instanceIds: string[]): VimCall => ({ action: 'resetToError', instanceIds });

/** The adapter after it applied a host fault of compute-1 (transition 1), its VIM calls and reports forgotten. */
async function afterHostFault(): Promise<VimAdapter> {
  const adapter = vimAdapter();
  await applyFaultEvent(faultConfirmedEvent(), adapter.deps);
  adapter.vim.calls.length = 0;
  adapter.reports.emitted.length = 0;
  return adapter;
}

describe('Use case: apply a fault event to the VIM', () => {
  describe('a host fault confirmed', () => {
    it('forces the compute service down and resets every instance of the host to error', async () => {
      // Prepare
      const { deps, vim } = vimAdapter();

      // Act
      await applyFaultEvent(faultConfirmedEvent({ instances: ['vm-1', 'vm-2'] }), deps);

      // Assess
      expect(vim.calls).toEqual([forceDown(true), resetToError('vm-1', 'vm-2')]);
    });

    it('sends the resets once the force-down is answered, all of them at once', async () => {
      // Prepare
      const { deps, vim } = vimAdapter();
      const release = vim.hold('forceDown');

      // Act
      const applying = applyFaultEvent(faultConfirmedEvent({ instances: ['vm-1', 'vm-2'] }), deps);
      await new Promise((resolve) => setImmediate(resolve));
      const beforeAnswer = [...vim.calls];
      release();

      // Assess
      expect(beforeAnswer).toEqual([forceDown(true)]);
      expect(await applying).toMatchObject({ outcome: 'applied', forcedDown: true });
      expect(vim.calls).toEqual([forceDown(true), resetToError('vm-1', 'vm-2')]);
    });

    it('calls the VIM before its own bookkeeping has answered', async () => {
      // Prepare
      const { deps, vim, store } = vimAdapter();
      let answer = () => {};
      store.recordHeld = new Promise<void>((resolve) => (answer = resolve));

      // Act
      const applying = applyFaultEvent(faultConfirmedEvent(), deps);
      await new Promise((resolve) => setImmediate(resolve));
      const beforeBookkeeping = [...vim.calls];
      answer();

      // Assess
      expect(beforeBookkeeping).toEqual([forceDown(true), resetToError('vm-1', 'vm-2')]);
      expect(await applying).toMatchObject({ outcome: 'applied' });
      expect(store.get(HOST, 'link:eno1')).toMatchObject({ appliedSeq: 1, pending: false });
    });

    it('fails the event (for its retry) when its bookkeeping fails while the VIM calls are on their way', async () => {
      // Prepare
      const { deps, vim, store, reports } = vimAdapter();
      let fail = (_error: Error) => {};
      store.recordHeld = new Promise<void>((_resolve, reject) => (fail = reject));
      const release = vim.hold('forceDown');

      // Act
      const applying = applyFaultEvent(faultConfirmedEvent(), deps);
      await new Promise((resolve) => setImmediate(resolve));
      fail(new Error('DynamoDB unavailable'));
      await new Promise((resolve) => setImmediate(resolve));
      release();

      // Assess
      await expect(applying).rejects.toThrow('DynamoDB unavailable');
      expect(vim.calls[0]).toEqual(forceDown(true));
      expect(reports.emitted).toEqual([]);
    });

    it('records a clear before it gives the host back, so that a late force-down of the same host sees it', async () => {
      // Prepare
      const { deps, vim, store } = await afterHostFault();
      let answer = () => {};
      store.recordHeld = new Promise<void>((resolve) => (answer = resolve));

      // Act
      const applying = applyFaultEvent(faultClearedEvent(), deps);
      await new Promise((resolve) => setImmediate(resolve));
      const beforeBookkeeping = [...vim.calls];
      answer();
      await applying;

      // Assess
      expect(beforeBookkeeping).toEqual([]);
      expect(vim.calls).toEqual([forceDown(false)]);
    });

    it('forces the host up again when its fault was cleared while the force-down was on its way', async () => {
      // Prepare
      const { deps, vim, store } = vimAdapter();
      const release = vim.hold('forceDown');
      const applying = applyFaultEvent(faultConfirmedEvent({ transitionSeq: 1 }), deps);
      await new Promise((resolve) => setImmediate(resolve));

      // Act: a concurrent invocation records the clear (and un-forces the host) before this force-down lands
      await store.record({
        host: HOST,
        faultKey: 'link:eno1',
        impact: 'host',
        active: false,
        transitionSeq: 2,
        instances: [],
      });
      release();
      await applying;

      // Assess
      expect(vim.calls.filter((c) => c.action === 'forceDown')).toEqual([forceDown(true), forceDown(false)]);
    });

    it('reports the host applied, with when the host was marked down and when its instances were set to error', async () => {
      // Prepare
      const { deps } = vimAdapter();

      // Act
      const result = await applyFaultEvent(faultConfirmedEvent({ instances: ['vm-1', 'vm-2'] }), deps);

      // Assess
      expect(result).toEqual({
        host: HOST,
        outcome: 'applied',
        forcedDown: true,
        forcedDownAt: expect.stringMatching(ISO_TIME),
        instancesErroredAt: expect.stringMatching(ISO_TIME),
        resetToError: 2,
      });
      if (!('forcedDownAt' in result)) throw new Error('no host outcome');
      expect(Date.parse(result.instancesErroredAt ?? '')).toBeGreaterThanOrEqual(Date.parse(result.forcedDownAt ?? ''));
    });

    it('marks the transition applied and leaves nothing pending', async () => {
      // Prepare
      const { deps, store } = vimAdapter();

      // Act
      await applyFaultEvent(faultConfirmedEvent({ transitionSeq: 3 }), deps);

      // Assess
      expect(store.get(HOST, 'link:eno1')).toMatchObject({
        active: true,
        transitionSeq: 3,
        appliedSeq: 3,
        pending: false,
      });
      expect(await store.pendingHosts()).toEqual([]);
    });

    it('reports what it applied on the bus, profiler points included', async () => {
      // Prepare
      const { deps, reports } = vimAdapter();

      // Act
      const result = await applyFaultEvent(faultConfirmedEvent(), deps);

      // Assess
      expect(reports.emitted).toEqual([{ detailType: 'VimActionsApplied', detail: result }]);
    });
  });

  describe('an event seen already', () => {
    it('is a duplicate when delivered again, and calls the VIM no more', async () => {
      // Prepare
      const { deps, vim, reports } = await afterHostFault();

      // Act
      const result = await applyFaultEvent(faultConfirmedEvent(), deps);

      // Assess
      expect(result).toEqual({ outcome: 'duplicate' });
      expect(vim.calls).toEqual([]);
      expect(reports.emitted).toEqual([]);
    });

    it('is a duplicate when it is older than the transition recorded', async () => {
      // Prepare
      const { deps, vim, store } = vimAdapter();
      await applyFaultEvent(faultClearedEvent({ transitionSeq: 2 }), deps);
      vim.calls.length = 0;

      // Act
      const result = await applyFaultEvent(faultConfirmedEvent({ transitionSeq: 1 }), deps);

      // Assess
      expect(result).toEqual({ outcome: 'duplicate' });
      expect(vim.calls).toEqual([]);
      expect(store.get(HOST, 'link:eno1')).toMatchObject({ active: false, transitionSeq: 2 });
    });
  });

  describe('events with nothing to do in the VIM', () => {
    it('takes no VIM action for a degraded fault, and records nothing', async () => {
      // Prepare
      const { deps, vim, store } = vimAdapter();

      // Act
      const result = await applyFaultEvent(faultConfirmedEvent({ impact: 'degraded' }), deps);

      // Assess
      expect(result).toEqual({ outcome: 'no-vim-action' });
      expect(vim.calls).toEqual([]);
      expect(store.items.size).toBe(0);
    });

    it('quarantines a malformed detail with the reason, and calls the VIM not at all', async () => {
      // Prepare
      const { deps, vim, quarantine } = vimAdapter();
      const { host: _host, ...detail } = faultConfirmedEvent().detail;

      // Act
      const result = await applyFaultEvent({ 'detail-type': 'FaultConfirmed', detail }, deps);

      // Assess
      expect(result).toEqual({ outcome: 'rejected', reason: expect.stringMatching(/host/) });
      expect(quarantine.entries).toEqual([
        expect.objectContaining({ source: 'vim-adapter', reason: result.outcome === 'rejected' ? result.reason : '' }),
      ]);
      expect(vim.calls).toEqual([]);
    });

    it('quarantines an event of another detail-type, naming it', async () => {
      // Prepare
      const { deps, vim, quarantine } = vimAdapter();
      const { detail } = faultClearedEvent();

      // Act
      const result = await applyFaultEvent({ 'detail-type': 'FaultRaised', detail }, deps);

      // Assess
      expect(result).toEqual({ outcome: 'rejected', reason: 'unknown detail-type FaultRaised' });
      expect(quarantine.entries.map((e) => e.reason)).toEqual(['unknown detail-type FaultRaised']);
      expect(vim.calls).toEqual([]);
    });
  });

  describe('a VIM failure', () => {
    it('leaves the host pending with the VIM message instead of throwing, and reports nothing yet', async () => {
      // Prepare
      const { deps, vim, store, reports } = vimAdapter();
      vim.failWith('forceDown', NOVA_MESSAGE);

      // Act
      const result = await applyFaultEvent(faultConfirmedEvent(), deps);

      // Assess
      expect(result).toEqual({ host: HOST, outcome: 'pending', error: NOVA_MESSAGE, resetToError: 2 });
      expect(vim.calls).toEqual([forceDown(true)]);
      expect(store.get(HOST, 'link:eno1')).toMatchObject({
        appliedSeq: 0,
        pending: true,
        lastError: NOVA_MESSAGE,
        attempts: 1,
      });
      expect(await store.pendingHosts()).toEqual([HOST]);
      expect(reports.emitted).toEqual([]);
    });

    it('records a refusal of the VIM (a host Nova does not know) as failed, with its message, and schedules no retry', async () => {
      // Prepare
      const { deps, vim, store, reports } = vimAdapter();
      const refusal = new VimError('compute', 'GET', '/os-services', 404, `no nova-compute service on host ${HOST}`);
      vim.failWith('forceDown', refusal);

      // Act
      const result = await applyFaultEvent(faultConfirmedEvent(), deps);

      // Assess
      expect(result).toMatchObject({ outcome: 'failed', error: refusal.message });
      expect(store.get(HOST, 'link:eno1')).toMatchObject({ appliedSeq: 0, pending: false, lastError: refusal.message });
      expect(await store.pendingHosts()).toEqual([]);
      expect(reports.emitted).toEqual([]);
    });

    it('is completed (and reported) by the scheduled retry once the VIM answers again', async () => {
      // Prepare
      const { deps, vim, store, reports } = vimAdapter();
      vim.failWith('forceDown', NOVA_MESSAGE);
      await applyFaultEvent(faultConfirmedEvent(), deps);
      vim.heal();
      vim.calls.length = 0;

      // Act
      const results = await retryPending(deps);

      // Assess
      expect(results).toEqual([expect.objectContaining({ host: HOST, outcome: 'applied', forcedDown: true })]);
      expect(vim.calls).toEqual([forceDown(true), resetToError('vm-1', 'vm-2')]);
      expect(store.get(HOST, 'link:eno1')).toMatchObject({ appliedSeq: 1, pending: false });
      expect(await store.pendingHosts()).toEqual([]);
      expect(reports.emitted).toEqual([{ detailType: 'VimActionsApplied', detail: results[0] }]);
    });

    it('counts every failed attempt while the VIM keeps failing', async () => {
      // Prepare
      const { deps, vim, store } = vimAdapter();
      vim.failWith('resetToError', 'Instance vm-2 is locked');
      await applyFaultEvent(faultConfirmedEvent(), deps);

      // Act
      const results = await retryPending(deps);

      // Assess
      expect(results).toEqual([expect.objectContaining({ outcome: 'pending', error: 'Instance vm-2 is locked' })]);
      expect(store.get(HOST, 'link:eno1')).toMatchObject({ pending: true, attempts: 2 });
    });

    it('leaves the retry nothing to do when no host is pending', async () => {
      // Prepare
      const { deps, vim } = await afterHostFault();

      // Act
      const results = await retryPending(deps);

      // Assess
      expect(results).toEqual([]);
      expect(vim.calls).toEqual([]);
    });
  });

  describe('a fault cleared', () => {
    it('un-forces the compute service and resets no instance', async () => {
      // Prepare
      const { deps, vim } = await afterHostFault();

      // Act
      const result = await applyFaultEvent(faultClearedEvent({ transitionSeq: 2 }), deps);

      // Assess
      expect(vim.calls).toEqual([forceDown(false)]);
      expect(result).toEqual({
        host: HOST,
        outcome: 'applied',
        forcedDown: false,
        forcedDownAt: expect.stringMatching(ISO_TIME),
        resetToError: 0,
      });
    });

    it('keeps the compute service forced down while another host fault of the host is active', async () => {
      // Prepare
      const { deps, vim } = await afterHostFault();
      await applyFaultEvent(faultConfirmedEvent({ faultKey: 'hardware:cpu', instances: ['vm-1'] }), deps);
      vim.calls.length = 0;

      // Act
      await applyFaultEvent(faultClearedEvent({ faultKey: 'link:eno1', transitionSeq: 2 }), deps);

      // Assess
      expect(vim.calls).toEqual([forceDown(true)]);
    });
  });

  describe('a nic fault', () => {
    it('sets the data plane of the instances DOWN without touching the compute service', async () => {
      // Prepare
      const { deps, vim } = vimAdapter();

      // Act
      const result = await applyFaultEvent(faultConfirmedEvent({ impact: 'nic', instances: ['vm-1'] }), deps);

      // Assess
      expect(vim.calls).toEqual([{ action: 'setDataPlaneStatus', instanceIds: ['vm-1'], status: 'DOWN' }]);
      expect(result).toEqual({ host: HOST, outcome: 'applied', resetToError: 0 });
    });
  });

  describe('a host in planned maintenance', () => {
    it('gets no VIM call, and its transition is complete', async () => {
      // Prepare
      const { deps, vim, store, maintenance } = vimAdapter();
      maintenance.hosts.add(HOST);

      // Act
      const result = await applyFaultEvent(faultConfirmedEvent(), deps);

      // Assess
      expect(result).toEqual({ host: HOST, outcome: 'maintenance', resetToError: 0 });
      expect(vim.calls).toEqual([]);
      expect(store.get(HOST, 'link:eno1')).toMatchObject({ appliedSeq: 1, pending: false });
    });

    it('does not hold back the faults of the other hosts', async () => {
      // Prepare
      const { deps, vim, maintenance } = vimAdapter();
      maintenance.hosts.add(HOST);

      // Act
      await applyFaultEvent(faultConfirmedEvent({ host: OTHER_HOST, instances: ['vm-9'] }), deps);

      // Assess
      expect(vim.calls).toEqual([forceDown(true, OTHER_HOST), resetToError('vm-9')]);
    });
  });
  describe('a predicted host failure (failure avoidance)', () => {
    const prediction = { faultKey: 'prediction:disk:/dev/sda', impact: 'predicted' as const, instances: ['vm-1'] };
    const setPredicted = (predicted: boolean): VimCall => ({ action: 'setPredictedFailure', host: HOST, predicted });

    it('disables scheduling to the host when the stage asks for it, and touches no instance', async () => {
      // Prepare
      const { deps, vim } = vimAdapter({ disableOnPrediction: true });

      // Act
      const result = await applyFaultEvent(faultConfirmedEvent(prediction), deps);

      // Assess
      expect(vim.calls).toEqual([setPredicted(true)]);
      expect(result).toMatchObject({ outcome: 'applied', resetToError: 0 });
    });

    it('enables scheduling again once the last prediction of the host cleared', async () => {
      // Prepare
      const { deps, vim } = vimAdapter({ disableOnPrediction: true });
      await applyFaultEvent(faultConfirmedEvent(prediction), deps);
      await applyFaultEvent(faultConfirmedEvent({ ...prediction, faultKey: 'prediction:memory:mc0' }), deps);
      vim.calls.length = 0;

      // Act
      await applyFaultEvent(faultClearedEvent(prediction), deps);
      const stillDisabled = [...vim.calls];
      await applyFaultEvent(faultClearedEvent({ ...prediction, faultKey: 'prediction:memory:mc0' }), deps);

      // Assess
      expect(stillDisabled).toEqual([setPredicted(true)]);
      expect(vim.calls).toEqual([setPredicted(true), setPredicted(false)]);
    });

    it('leaves the host as it is by default, and completes the transition', async () => {
      // Prepare
      const { deps, vim, store } = vimAdapter();

      // Act
      await applyFaultEvent(faultConfirmedEvent(prediction), deps);

      // Assess
      expect(vim.calls).toEqual([]);
      expect(store.get(HOST, prediction.faultKey)).toMatchObject({ appliedSeq: 1, pending: false });
    });
  });
});
