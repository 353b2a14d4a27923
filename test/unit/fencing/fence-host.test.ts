import { hostFenced, hostFencingFailed } from '../../../lib/contracts/bus-events';
import { fenceHost } from '../../../lib/fencing/fence-host';
import {
  DEATH_ALARM,
  HOST,
  fenceRecordOf,
  fencer,
  hostDeathEvent,
  quorumLost,
  secondsAfterEpoch,
} from '../recovery/recovery-builders';

/*
 * compute-1's death was confirmed 1 s after the epoch; the fencer's clock reads 2 s and moves only
 * when it sleeps. The BMC is read back every second for 5 s after each power-off, 3 attempts at most.
 */
const NO_ANSWER = 'ipmi: ipmi BMC 10.0.0.11:623: power status failed: no answer within 15000 ms';

describe('Use case: fence a dead host', () => {
  describe('the quorum, counted again at the moment of fencing', () => {
    it('powers nothing off and says nothing when the observers reach the host again', async () => {
      // Prepare
      const f = fencer();
      f.votes.current = quorumLost();

      // Act
      const outcome = await fenceHost(hostDeathEvent(), f.deps);

      // Assess
      expect(outcome).toEqual({ outcome: 'skipped', reason: 'no-quorum' });
      expect(f.bmc.calls).toEqual([]);
      expect(f.events.emitted).toEqual([]);
      expect(f.records.records.size).toBe(0);
    });
  });

  describe('a host powered off', () => {
    it('claims the fencing, powers the host off, and records it FENCED once its power reads back off', async () => {
      // Prepare: the power reads off on the third read after the power-off
      const f = fencer({ offOnRead: 3 });

      // Act
      const outcome = await fenceHost(hostDeathEvent(), f.deps);

      // Assess
      expect(outcome).toEqual({
        outcome: 'fenced',
        host: HOST,
        method: 'ipmi',
        attempts: 1,
        fencedAt: secondsAfterEpoch(4),
      });
      expect(f.bmc.calls.map((c) => [c.call, c.at])).toEqual([
        ['powerState', secondsAfterEpoch(2)],
        ['powerOff', secondsAfterEpoch(2)],
        ['powerState', secondsAfterEpoch(2)],
        ['powerState', secondsAfterEpoch(3)],
        ['powerState', secondsAfterEpoch(4)],
      ]);
      expect(f.records.saved.map((r) => [r.state, r.version])).toEqual([
        ['FENCING', 1],
        ['FENCED', 2],
      ]);
      expect(f.records.record()).toEqual({
        host: HOST,
        hostAlarmId: DEATH_ALARM,
        state: 'FENCED',
        method: 'ipmi',
        attempts: 1,
        startedAt: secondsAfterEpoch(2),
        fencedAt: secondsAfterEpoch(4),
        version: 2,
      });
    });

    it('announces HostFenced with the method, when the host was fenced and when its death was confirmed', async () => {
      // Prepare
      const f = fencer({ offOnRead: 3 });

      // Act
      await fenceHost(hostDeathEvent(), f.deps);

      // Assess
      expect(f.events.emitted).toEqual([
        {
          detailType: 'HostFenced',
          detail: {
            host: HOST,
            hostAlarmId: DEATH_ALARM,
            method: 'ipmi',
            powerState: 'off',
            fencedAt: secondsAfterEpoch(4),
            confirmedAt: secondsAfterEpoch(1),
          },
        },
      ]);
      expect(hostFenced.safeParse(f.events.emitted[0]?.detail).success).toBe(true);
    });

    it('counts a host already off (it lost its power) as fenced, without commanding it', async () => {
      // Prepare
      const f = fencer({ initially: 'off' });

      // Act
      const outcome = await fenceHost(hostDeathEvent(), f.deps);

      // Assess
      expect(outcome).toMatchObject({ outcome: 'fenced', attempts: 1, fencedAt: secondsAfterEpoch(2) });
      expect(f.bmc.powerOffs).toBe(0);
      expect(f.records.record()).toMatchObject({ state: 'FENCED', method: 'ipmi' });
      expect(f.events.emitted.map((e) => e.detailType)).toEqual(['HostFenced']);
    });

    it('counts a host that powered off only after the read-back gave up as fenced at the next attempt, without a second command', async () => {
      // Prepare: 6 reads in the 5 s read-back, off on the 7th
      const f = fencer({ offOnRead: 7 });

      // Act
      const outcome = await fenceHost(hostDeathEvent(), f.deps);

      // Assess
      expect(outcome).toMatchObject({ outcome: 'fenced', attempts: 2, fencedAt: secondsAfterEpoch(7) });
      expect(f.bmc.powerOffs).toBe(1);
    });
  });

  describe('a fencing that fails', () => {
    it('tries the power-off again up to the attempts while the power still reads on, waiting the read-back each time', async () => {
      // Prepare
      const f = fencer({ offOnRead: Infinity });

      // Act
      const outcome = await fenceHost(hostDeathEvent(), f.deps);

      // Assess
      const reason = 'power state still on 5 s after the power-off through ipmi (after 3 attempts)';
      expect(outcome).toEqual({ outcome: 'failed', host: HOST, reason, attempts: 3 });
      expect(f.bmc.calls.filter((c) => c.call === 'powerOff').map((c) => c.at)).toEqual([
        secondsAfterEpoch(2),
        secondsAfterEpoch(7),
        secondsAfterEpoch(12),
      ]);
      expect(f.clock.iso()).toBe(secondsAfterEpoch(17));
    });

    it('records FAILED and announces HostFencingFailed naming the reason', async () => {
      // Prepare
      const f = fencer({ offOnRead: Infinity });

      // Act
      await fenceHost(hostDeathEvent(), f.deps);

      // Assess
      const reason = 'power state still on 5 s after the power-off through ipmi (after 3 attempts)';
      expect(f.records.record()).toEqual({
        host: HOST,
        hostAlarmId: DEATH_ALARM,
        state: 'FAILED',
        attempts: 3,
        startedAt: secondsAfterEpoch(2),
        error: reason,
        version: 2,
      });
      expect(f.events.emitted).toEqual([
        {
          detailType: 'HostFencingFailed',
          detail: { host: HOST, hostAlarmId: DEATH_ALARM, reason, attempts: 3, failedAt: secondsAfterEpoch(17) },
        },
      ]);
      expect(hostFencingFailed.safeParse(f.events.emitted[0]?.detail).success).toBe(true);
    });

    it('tries again after a BMC error, and fences at the next attempt', async () => {
      // Prepare: the first call times out
      const f = fencer({ failures: 1 });

      // Act
      const outcome = await fenceHost(hostDeathEvent(), f.deps);

      // Assess
      expect(outcome).toMatchObject({ outcome: 'fenced', attempts: 2 });
      expect(f.bmc.powerOffs).toBe(1);
    });

    it("fails with the BMC's error message when every attempt fails", async () => {
      // Prepare
      const f = fencer({ failures: Infinity });

      // Act
      const outcome = await fenceHost(hostDeathEvent(), f.deps);

      // Assess
      const reason = `${NO_ANSWER} (after 3 attempts)`;
      expect(outcome).toEqual({ outcome: 'failed', host: HOST, reason, attempts: 3 });
      expect(f.bmc.calls).toHaveLength(3);
      expect(f.records.record()).toMatchObject({ state: 'FAILED', error: reason });
      expect(f.events.emitted).toEqual([
        { detailType: 'HostFencingFailed', detail: expect.objectContaining({ reason, attempts: 3 }) },
      ]);
    });

    it('fails at once, without any attempt, for a host with no BMC credentials', async () => {
      // Prepare
      const f = fencer({}, { bmc: false });

      // Act
      const outcome = await fenceHost(hostDeathEvent(), f.deps);

      // Assess
      const reason = 'no BMC credentials for host compute-1 in the secret store';
      expect(outcome).toEqual({ outcome: 'failed', host: HOST, reason, attempts: 0 });
      expect(f.records.record()).toMatchObject({ state: 'FAILED', attempts: 0, error: reason });
      expect(f.events.emitted).toEqual([
        { detailType: 'HostFencingFailed', detail: expect.objectContaining({ reason, attempts: 0 }) },
      ]);
    });

    it('fences again when the event of a failed fencing is delivered again', async () => {
      // Prepare: the three attempts of the first delivery time out; the BMC answers afterwards
      const f = fencer({ failures: 3 });
      await fenceHost(hostDeathEvent(), f.deps);

      // Act
      const outcome = await fenceHost(hostDeathEvent(), f.deps);

      // Assess
      expect(outcome).toMatchObject({ outcome: 'fenced', attempts: 1 });
      expect(f.records.saved.map((r) => [r.state, r.version])).toEqual([
        ['FENCING', 1],
        ['FAILED', 2],
        ['FENCING', 3],
        ['FENCED', 4],
      ]);
      expect(f.events.emitted.map((e) => e.detailType)).toEqual(['HostFencingFailed', 'HostFenced']);
    });
  });

  describe('one fencing per death', () => {
    it('does nothing for the event delivered again once the host is fenced', async () => {
      // Prepare
      const f = fencer();
      await fenceHost(hostDeathEvent(), f.deps);
      const calls = f.bmc.calls.length;

      // Act
      const outcome = await fenceHost(hostDeathEvent(), f.deps);

      // Assess
      expect(outcome).toEqual({ outcome: 'skipped', reason: 'already-fenced' });
      expect(f.bmc.calls).toHaveLength(calls);
      expect(f.events.emitted).toHaveLength(1);
      expect(f.records.record().version).toBe(2);
    });

    it('leaves the host to a concurrent invocation that claimed its fencing first, and powers nothing off', async () => {
      // Prepare
      const f = fencer();
      f.records.interleave(() => f.records.save(fenceRecordOf({ startedAt: f.clock.iso() }), undefined));

      // Act
      const outcome = await fenceHost(hostDeathEvent(), f.deps);

      // Assess
      expect(outcome).toEqual({ outcome: 'skipped', reason: 'in-progress' });
      expect(f.bmc.calls).toEqual([]);
      expect(f.events.emitted).toEqual([]);
    });
  });

  it('leaves a host in planned maintenance alone', async () => {
    // Prepare
    const f = fencer();
    f.maintenance.hosts.add(HOST);

    // Act
    const outcome = await fenceHost(hostDeathEvent(), f.deps);

    // Assess
    expect(outcome).toEqual({ outcome: 'skipped', reason: 'in-maintenance' });
    expect(f.bmc.calls).toEqual([]);
  });

  it('quarantines a malformed detail with the reason, and calls no BMC', async () => {
    // Prepare
    const f = fencer();
    const { host: _host, ...detail } = hostDeathEvent().detail;
    const raw = { 'detail-type': 'FaultConfirmed', detail };

    // Act
    const outcome = await fenceHost(raw, f.deps);

    // Assess
    expect(outcome).toEqual({ outcome: 'rejected', reason: expect.stringMatching(/host/) });
    expect(f.quarantine.entries).toEqual([
      { source: 'fencer', reason: expect.stringMatching(/host/), payload: raw, receivedAt: secondsAfterEpoch(2) },
    ]);
    expect(f.bmc.calls).toEqual([]);
    expect(f.records.records.size).toBe(0);
    expect(f.events.emitted).toEqual([]);
  });
});
