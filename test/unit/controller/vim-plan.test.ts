import { planHost } from '../../../lib/controller/fault-action';
import { HOST, applied, clearedAfter, faultAction } from './vim-builders';

const NOT_IN_MAINTENANCE = false;
const IN_MAINTENANCE = true;

const linkDown = faultAction({ faultKey: 'link:eno1', impact: 'host', instances: ['vm-1', 'vm-2'] });
const cpuError = faultAction({ faultKey: 'hardware:cpu', impact: 'host', instances: ['vm-2', 'vm-3'] });
const nicDown = faultAction({ faultKey: 'link:ens2f0', impact: 'nic', instances: ['vm-1'] });

describe('planHost: the VIM actions that bring a host in line with its faults', () => {
  describe('host faults', () => {
    it('forces the compute service down and resets the instances to error when a host fault becomes active', () => {
      // Act
      const plan = planHost(HOST, [linkDown], NOT_IN_MAINTENANCE);

      // Assess
      expect(plan).toEqual({
        host: HOST,
        forceDown: true,
        resetToError: ['vm-1', 'vm-2'],
        dataPlane: [],
        completes: [{ faultKey: 'link:eno1', transitionSeq: 1 }],
      });
    });

    it('resets an instance affected by two new host faults only once', () => {
      // Act
      const plan = planHost(HOST, [linkDown, cpuError], NOT_IN_MAINTENANCE);

      // Assess
      expect(plan.resetToError).toEqual(['vm-1', 'vm-2', 'vm-3']);
      expect(plan.completes).toEqual([
        { faultKey: 'link:eno1', transitionSeq: 1 },
        { faultKey: 'hardware:cpu', transitionSeq: 1 },
      ]);
    });

    it('un-forces the compute service when the host fault clears and no other host fault is active', () => {
      // Act
      const plan = planHost(HOST, [clearedAfter(linkDown)], NOT_IN_MAINTENANCE);

      // Assess
      expect(plan).toEqual({
        host: HOST,
        forceDown: false,
        resetToError: [],
        dataPlane: [],
        completes: [{ faultKey: 'link:eno1', transitionSeq: 2 }],
      });
    });

    it('keeps the compute service forced down when one host fault clears while another is still active', () => {
      // Act
      const plan = planHost(HOST, [clearedAfter(linkDown), applied(cpuError)], NOT_IN_MAINTENANCE);

      // Assess
      expect(plan.forceDown).toBe(true);
      expect(plan.resetToError).toEqual([]);
      expect(plan.completes).toEqual([{ faultKey: 'link:eno1', transitionSeq: 2 }]);
    });

    it('un-forces the compute service when the host fault clears while only a nic fault is active', () => {
      // Act
      const plan = planHost(HOST, [clearedAfter(linkDown), applied(nicDown)], NOT_IN_MAINTENANCE);

      // Assess
      expect(plan.forceDown).toBe(false);
    });

    it('takes no instance action for a fault whose transition was applied already', () => {
      // Prepare
      const newFault = faultAction({ faultKey: 'hardware:memory', impact: 'host', instances: ['vm-3'] });

      // Act
      const plan = planHost(HOST, [applied(linkDown), newFault], NOT_IN_MAINTENANCE);

      // Assess
      expect(plan.resetToError).toEqual(['vm-3']);
      expect(plan.completes).toEqual([{ faultKey: 'hardware:memory', transitionSeq: 1 }]);
    });
  });

  describe('nic faults', () => {
    it('sets the data plane of the instances DOWN and leaves the compute service as it is', () => {
      // Act
      const plan = planHost(HOST, [nicDown], NOT_IN_MAINTENANCE);

      // Assess
      expect(plan).toEqual({
        host: HOST,
        forceDown: undefined,
        resetToError: [],
        dataPlane: [{ instances: ['vm-1'], status: 'DOWN' }],
        completes: [{ faultKey: 'link:ens2f0', transitionSeq: 1 }],
      });
    });

    it('sets the data plane of the instances ACTIVE again when the nic fault clears', () => {
      // Act
      const plan = planHost(HOST, [clearedAfter(nicDown)], NOT_IN_MAINTENANCE);

      // Assess
      expect(plan.dataPlane).toEqual([{ instances: ['vm-1'], status: 'ACTIVE' }]);
      expect(plan.forceDown).toBeUndefined();
      expect(plan.resetToError).toEqual([]);
    });

    it('gives back only the instances that no other active nic fault still holds down', () => {
      // Prepare: two NICs down, both carrying vm-1; the first one recovers
      const secondNic = applied(faultAction({ faultKey: 'link:ens2f1', impact: 'nic', instances: ['vm-1', 'vm-4'] }));
      const firstRecovered = clearedAfter(
        applied(faultAction({ faultKey: 'link:ens2f0', impact: 'nic', instances: ['vm-1', 'vm-5'] })),
      );

      // Act
      const plan = planHost(HOST, [firstRecovered, secondNic], NOT_IN_MAINTENANCE);

      // Assess
      expect(plan.dataPlane).toEqual([{ instances: ['vm-5'], status: 'ACTIVE' }]);
    });

    it('does not touch the compute service of a host whose host fault was applied already', () => {
      // Act
      const plan = planHost(HOST, [applied(linkDown), nicDown], NOT_IN_MAINTENANCE);

      // Assess
      expect(plan.forceDown).toBeUndefined();
      expect(plan.resetToError).toEqual([]);
      expect(plan.dataPlane).toEqual([{ instances: ['vm-1'], status: 'DOWN' }]);
    });
  });

  describe('a host in planned maintenance', () => {
    it('gets no VIM action, but its transitions complete as they are', () => {
      // Act
      const plan = planHost(HOST, [linkDown, nicDown], IN_MAINTENANCE);

      // Assess
      expect(plan).toEqual({
        host: HOST,
        forceDown: undefined,
        resetToError: [],
        dataPlane: [],
        completes: [
          { faultKey: 'link:eno1', transitionSeq: 1 },
          { faultKey: 'link:ens2f0', transitionSeq: 1 },
        ],
      });
    });
  });

  describe('nothing pending', () => {
    const emptyPlan = { host: HOST, forceDown: undefined, resetToError: [], dataPlane: [], completes: [] };

    it('plans nothing for a host without faults', () => {
      // Act
      const plan = planHost(HOST, [], NOT_IN_MAINTENANCE);

      // Assess
      expect(plan).toEqual(emptyPlan);
    });

    it('plans nothing for a host whose faults were all applied, active or cleared', () => {
      // Act
      const plan = planHost(
        HOST,
        [applied(linkDown), applied(clearedAfter(cpuError)), applied(nicDown)],
        NOT_IN_MAINTENANCE,
      );

      // Assess
      expect(plan).toEqual(emptyPlan);
    });
  });
});
