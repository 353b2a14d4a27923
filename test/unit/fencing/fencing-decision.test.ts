import { decideFencing, type FenceRecord, type FencingFacts } from '../../../lib/fencing/fencing';
import { type PeerVote } from '../../../lib/inspector/fault-signal';
import { quorumOf } from '../../../lib/inspector/peer-quorum';
import {
  FENCING_SETTINGS,
  fenceRecordOf,
  hostDeath,
  peerVote,
  quorumDown,
  quorumLost,
  secondsAfterEpoch,
} from '../recovery/recovery-builders';

/** The fencer looks 10 s after the epoch; the death was confirmed at 1 s. */
const NOW = new Date(secondsAfterEpoch(10));
/** A fencing under way longer than this is taken for a dead invocation's. */
const STALE_AFTER_S = 105;
const secondsBeforeNow = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

/** What the fencer knows: compute-1's death, its quorum counted now from `votes`, no fencing record. */
function facts(
  changes: Partial<Omit<FencingFacts, 'verdict'>> & { votes?: PeerVote[]; record?: FenceRecord } = {},
): FencingFacts {
  const { votes = quorumDown(), ...rest } = changes;
  return {
    event: hostDeath(),
    verdict: quorumOf(votes, NOW, FENCING_SETTINGS.quorum),
    record: undefined,
    inMaintenance: false,
    now: NOW,
    staleAfterS: STALE_AFTER_S,
    ...rest,
  };
}

describe('Decision: whether to fence a dead host', () => {
  describe('what counts as a death', () => {
    it('fences a host-down confirmed by the peers whose quorum still says it is down now', () => {
      // Prepare
      const known = facts();

      // Act
      const decision = decideFencing(known);

      // Assess
      expect(decision).toEqual({ kind: 'fence' });
    });

    it.each(['link:eno1', 'hardware:psu', 'fencing'])('never fences for a confirmed fault of key %s', (faultKey) => {
      // Prepare
      const known = facts({ event: hostDeath({ faultKey }) });

      // Act
      const decision = decideFencing(known);

      // Assess
      expect(decision).toEqual({ kind: 'skip', reason: 'not-host-death' });
    });
  });

  describe('the quorum, counted again now', () => {
    it.each<[string, PeerVote[]]>([
      ['the observers reach the host again', quorumLost()],
      ['a single observer does not reach it', [peerVote('compute-2', false), peerVote('compute-3', true)]],
      ['the votes that made the quorum are older than their lifetime', quorumDown(-120)],
      ['no observer watches it any more', []],
    ])('does not fence when %s, whatever the event said', (_case, votes) => {
      // Prepare
      const known = facts({ votes });

      // Act
      const decision = decideFencing(known);

      // Assess
      expect(decision).toEqual({ kind: 'skip', reason: 'no-quorum' });
    });

    it('does not fence without quorum even when an earlier fencing of the same death failed', () => {
      // Prepare
      const known = facts({ votes: quorumLost(), record: fenceRecordOf({ state: 'FAILED', version: 2 }) });

      // Act
      const decision = decideFencing(known);

      // Assess
      expect(decision).toEqual({ kind: 'skip', reason: 'no-quorum' });
    });
  });

  it('leaves a host in planned maintenance to the operator', () => {
    // Prepare
    const known = facts({ inMaintenance: true });

    // Act
    const decision = decideFencing(known);

    // Assess
    expect(decision).toEqual({ kind: 'skip', reason: 'in-maintenance' });
  });

  describe('one fencing per death', () => {
    it('does not fence a death again once it is fenced', () => {
      // Prepare
      const known = facts({
        record: fenceRecordOf({ state: 'FENCED', method: 'ipmi', fencedAt: secondsBeforeNow(5) }),
      });

      // Act
      const decision = decideFencing(known);

      // Assess
      expect(decision).toEqual({ kind: 'skip', reason: 'already-fenced' });
    });

    it('leaves a fencing under way to the invocation doing it, until it is stale', () => {
      // Prepare: started just under the stale time ago
      const known = facts({ record: fenceRecordOf({ startedAt: secondsBeforeNow(STALE_AFTER_S - 1) }) });

      // Act
      const decision = decideFencing(known);

      // Assess
      expect(decision).toEqual({ kind: 'skip', reason: 'in-progress' });
    });

    it('takes over a fencing under way for the stale time or longer: its invocation died', () => {
      // Prepare
      const known = facts({ record: fenceRecordOf({ startedAt: secondsBeforeNow(STALE_AFTER_S) }) });

      // Act
      const decision = decideFencing(known);

      // Assess
      expect(decision).toEqual({ kind: 'fence' });
    });

    it('fences again when the earlier fencing of the same death failed', () => {
      // Prepare
      const known = facts({ record: fenceRecordOf({ state: 'FAILED', attempts: 3, error: 'ipmi: timeout' }) });

      // Act
      const decision = decideFencing(known);

      // Assess
      expect(decision).toEqual({ kind: 'fence' });
    });
  });

  describe('several deaths of the same host', () => {
    it('fences a new death after an earlier death was fenced', () => {
      // Prepare: the earlier death was fenced before this one was confirmed (1 s)
      const earlier = fenceRecordOf({
        hostAlarmId: 'alarm-of-an-earlier-death',
        state: 'FENCED',
        startedAt: '2026-11-25T09:00:00.000Z',
      });
      const known = facts({ record: earlier });

      // Act
      const decision = decideFencing(known);

      // Assess
      expect(decision).toEqual({ kind: 'fence' });
    });

    it("skips an older death's event delivered after a newer death's fencing started", () => {
      // Prepare: a newer death's fencing started at 5 s, after this death was confirmed at 1 s
      const newer = fenceRecordOf({ hostAlarmId: 'alarm-of-a-newer-death', startedAt: secondsAfterEpoch(5) });
      const known = facts({ record: newer });

      // Act
      const decision = decideFencing(known);

      // Assess
      expect(decision).toEqual({ kind: 'skip', reason: 'superseded' });
    });
  });
});
