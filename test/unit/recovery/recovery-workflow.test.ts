import {
  API_URL,
  HOST,
  OTHER_HOST,
  hostDeath,
  keyOf,
  recoveryWorld,
  secondsAfterEpoch,
  tenantPolicy,
} from './recovery-builders';

/*
 * compute-1 died (confirmed 1 s after the epoch); the workflow's clock reads 2 s and moves when it
 * sleeps. compute-1 runs vm-a1 and vm-a2 of tenant-a (evacuate, 30 s of grace: until 32 s), vm-b1 of
 * tenant-b (notify-only) and vm-c1 of tenant-c (no policy: the notify-only default).
 */
const until = (seconds: number) => Date.parse(secondsAfterEpoch(seconds));

/** The world once compute-1's death started tenant-a's recovery, with what it was told forgotten. */
async function afterDeath() {
  const world = recoveryWorld();
  const keys = await world.workflow.onHostDeath(hostDeath());
  world.notifier.published.length = 0;
  return { ...world, keys };
}

describe('Use case: recover the instances of a dead host', () => {
  describe('a host death', () => {
    it('starts a recovery for the tenant whose policy is evacuate only, with its own instances', async () => {
      // Prepare
      const w = recoveryWorld();

      // Act
      const keys = await w.workflow.onHostDeath(hostDeath());

      // Assess
      const recovery = w.recoveries.of('tenant-a');
      expect(keys).toEqual([keyOf(recovery)]);
      expect(w.recoveries.items.size).toBe(1);
      expect(recovery).toMatchObject({ host: HOST, state: 'GRACE', graceUntil: secondsAfterEpoch(32) });
      expect(recovery.instances.map((i) => i.instanceId)).toEqual(['vm-a1', 'vm-a2']);
      expect(w.vim.calls).toEqual([]);
    });

    it('tells that tenant on its own topic, with where to answer during the grace period, and the admin, but no other tenant', async () => {
      // Prepare
      const w = recoveryWorld();

      // Act
      await w.workflow.onHostDeath(hostDeath());

      // Assess
      const { recoveryId } = w.recoveries.of('tenant-a');
      const notification = {
        id: expect.any(String),
        notificationType: 'RecoveryNotification',
        timeStamp: secondsAfterEpoch(2),
        recovery: expect.objectContaining({ recoveryId, tenantId: 'tenant-a', state: 'GRACE' }),
        replyUrl: `${API_URL}v1/recoveries/${recoveryId}`,
        allowedAnswers: ['PROCEED', 'DECLINE'],
      };
      const attributes = { eventType: 'recovery', state: 'GRACE', host: HOST, tenantId: 'tenant-a' };
      expect(w.notifier.published).toEqual([
        { audience: { kind: 'tenant', tenantId: 'tenant-a' }, notification, attributes },
        { audience: { kind: 'admin' }, notification, attributes },
      ]);
      expect(w.notifier.published[0]?.notification).not.toHaveProperty('recovery.version');
    });

    it('creates nothing new and tells nothing again for the death delivered again', async () => {
      // Prepare
      const w = await afterDeath();
      const stored = w.recoveries.of('tenant-a');

      // Act
      const keys = await w.workflow.onHostDeath(hostDeath());

      // Assess
      expect(keys).toEqual([]);
      expect(w.recoveries.items.size).toBe(1);
      expect(w.recoveries.of('tenant-a')).toEqual(stored);
      expect(w.notifier.published).toEqual([]);
    });

    it('does nothing for a confirmed fault that is not a death by the peers quorum', async () => {
      // Prepare
      const w = recoveryWorld();

      // Act
      const keys = await w.workflow.onHostDeath(hostDeath({ faultKey: 'link:eno1' }));

      // Assess
      expect(keys).toEqual([]);
      expect(w.recoveries.items.size).toBe(0);
      expect(w.notifier.published).toEqual([]);
    });
  });

  describe('following a recovery in process', () => {
    it('waits out the grace period, waits for the fencing, evacuates, and reports DONE once Nova shows the instances ACTIVE on another host', async () => {
      // Prepare: compute-1 is fenced at 45 s, after the grace period
      const w = await afterDeath();
      w.facts.fencedFrom = secondsAfterEpoch(45);
      w.vim.evacuatesTo = OTHER_HOST;

      // Act
      await w.workflow.follow(w.keys, until(200));

      // Assess: looks at 32 s (grace over), at 92 s (a sweep later: fenced) and at 93 s (a poll later)
      expect(w.clock.sleeps).toEqual([30_000, 60_000, 1_000]);
      expect(w.vim.calls).toEqual([
        { action: 'evacuate', host: HOST, instanceIds: ['vm-a1', 'vm-a2'], at: secondsAfterEpoch(92) },
      ]);
      const recovery = w.recoveries.of('tenant-a');
      expect(recovery).toMatchObject({ state: 'DONE', fencedAt: secondsAfterEpoch(45) });
      expect(recovery.wakeAt).toBeUndefined();
      expect(recovery.instances.map((i) => [i.state, i.host])).toEqual([
        ['RECOVERED', OTHER_HOST],
        ['RECOVERED', OTHER_HOST],
      ]);
      expect(w.notifier.told()).toEqual(
        ['WAITING_FOR_FENCING', 'RECOVERING', 'DONE'].flatMap((state) => [
          ['tenant-a', state],
          ['admin', state],
        ]),
      );
    });

    it("refreshes the inventory once the evacuation is over, so that the dead host's faults no longer reach the tenant", async () => {
      // Prepare
      const w = await afterDeath();
      w.facts.fencedFrom = secondsAfterEpoch(10);
      w.vim.evacuatesTo = OTHER_HOST;

      // Act
      await w.workflow.follow(w.keys, until(200));

      // Assess: evacuated at 32 s, seen ACTIVE on compute-2 at 33 s
      expect(w.inventory.refreshes).toEqual([secondsAfterEpoch(33)]);
    });

    it('does not refresh the inventory for a recovery that evacuated nothing', async () => {
      // Prepare
      const w = await afterDeath();
      w.facts.backFrom = secondsAfterEpoch(10);

      // Act
      await w.workflow.follow(w.keys, until(200));

      // Assess
      expect(w.recoveries.of('tenant-a').instances.map((i) => i.state)).toEqual(['LEFT_TO_TENANT', 'LEFT_TO_TENANT']);
      expect(w.inventory.refreshes).toEqual([]);
    });

    it('evacuates when the grace period ends if the host was fenced during it', async () => {
      // Prepare
      const w = await afterDeath();
      w.facts.fencedFrom = secondsAfterEpoch(10);
      w.vim.evacuatesTo = OTHER_HOST;

      // Act
      await w.workflow.follow(w.keys, until(200));

      // Assess
      expect(w.vim.calls.map((c) => c.at)).toEqual([secondsAfterEpoch(32)]);
      expect(w.recoveries.of('tenant-a').state).toBe('DONE');
    });

    it('stops following when the next look falls after the time it may wait, leaving the recovery to the sweeper', async () => {
      // Prepare
      const w = await afterDeath();

      // Act
      await w.workflow.follow(w.keys, until(20));

      // Assess
      expect(w.clock.sleeps).toEqual([]);
      expect(w.recoveries.of('tenant-a')).toMatchObject({ state: 'GRACE', wakeAt: secondsAfterEpoch(32) });
    });

    it('no longer offers the tenant an answer once the grace period is over', async () => {
      // Prepare
      const w = await afterDeath();

      // Act
      await w.workflow.follow(w.keys, until(40));

      // Assess
      expect(w.notifier.published.map((p) => p.notification)).toEqual([
        expect.objectContaining({
          allowedAnswers: [],
          recovery: expect.objectContaining({ state: 'WAITING_FOR_FENCING' }),
        }),
        expect.objectContaining({ allowedAnswers: [] }),
      ]);
      expect(w.notifier.published[0]?.notification).not.toHaveProperty('replyUrl');
    });
  });

  describe('the host fenced, or back', () => {
    it('starts a waiting evacuation as soon as the host is fenced, without waiting for the sweep', async () => {
      // Prepare: the grace period ended at 32 s; compute-1 is fenced at 50 s
      const w = await afterDeath();
      await w.workflow.follow(w.keys, until(40));
      w.clock.at(50);
      w.facts.fencedFrom = secondsAfterEpoch(50);

      // Act
      const keys = await w.workflow.onHostChanged(HOST);

      // Assess
      expect(keys).toEqual(w.keys);
      expect(w.vim.calls.map((c) => [c.action, c.at])).toEqual([['evacuate', secondsAfterEpoch(50)]]);
      expect(w.recoveries.of('tenant-a').state).toBe('RECOVERING');
    });

    it('fails the recovery and tells the tenant when Nova refuses the evacuation', async () => {
      // Prepare
      const w = await afterDeath();
      w.facts.fencedFrom = secondsAfterEpoch(10);
      for (const instanceId of ['vm-a1', 'vm-a2'])
        w.vim.failures.set(instanceId, { instanceId, message: 'Compute service is not forced down', transient: false });
      w.clock.at(32);

      // Act
      await w.workflow.sweep();

      // Assess
      expect(w.recoveries.of('tenant-a').instances.map((i) => [i.state, i.note])).toEqual(
        Array(2).fill(['FAILED', 'evacuate refused: Compute service is not forced down']),
      );
      expect(w.notifier.told().filter(([audience]) => audience === 'tenant-a')).toEqual([
        ['tenant-a', 'RECOVERING'],
        ['tenant-a', 'FAILED'],
      ]);
    });
  });

  describe('the sweep', () => {
    it('advances only the recoveries whose wake time has passed', async () => {
      // Prepare: tenant-b evacuates too, after 120 s of grace (until 122 s)
      const w = recoveryWorld();
      w.policies.items.set('tenant-b', tenantPolicy('tenant-b', 'evacuate', 120));
      await w.workflow.onHostDeath(hostDeath());
      const graceOfB = w.recoveries.of('tenant-b');
      w.clock.at(60);

      // Act
      const swept = await w.workflow.sweep();

      // Assess
      expect(swept).toEqual([keyOf(w.recoveries.of('tenant-a'))]);
      expect(w.recoveries.of('tenant-a').state).toBe('WAITING_FOR_FENCING');
      expect(w.recoveries.of('tenant-b')).toEqual(graceOfB);
    });
  });
});
