import { type PeerVote } from '../../../lib/inspector/fault-signal';
import { quorumOf } from '../../../lib/inspector/peer-quorum';

const NOW = new Date('2026-11-25T10:01:00.000Z');
const settings = { minObservers: 2, voteTtlS: 90 };

const vote = (observer: string, reachable: boolean, ageS = 1): PeerVote => ({
  host: 'compute-1',
  observer,
  reachable,
  lossPct: reachable ? 0 : 100,
  rttMs: reachable ? 0.3 : null,
  observation: { collectorId: observer, seq: 1, observedAt: new Date(NOW.getTime() - ageS * 1000).toISOString() },
});

describe('Host-down quorum', () => {
  it.each([
    ['one of one watcher', [vote('a', false)], false, 2],
    ['two of two watchers', [vote('a', false), vote('b', false)], true, 2],
    ['two of three watchers', [vote('a', false), vote('b', false), vote('c', true)], true, 2],
    [
      'two of four watchers (no majority)',
      [vote('a', false), vote('b', false), vote('c', true), vote('d', true)],
      false,
      3,
    ],
    ['three of four watchers', [vote('a', false), vote('b', false), vote('c', false), vote('d', true)], true, 3],
    [
      'one of three watchers (an observer with its own network trouble)',
      [vote('a', false), vote('b', true), vote('c', true)],
      false,
      2,
    ],
  ])('with %s unreachable the host down is %s', (_case, votes, down, required) => {
    expect(quorumOf(votes, NOW, settings)).toMatchObject({ down, required });
  });

  it('counts only votes observed within the vote lifetime, as watchers too', () => {
    const verdict = quorumOf([vote('a', false, 200), vote('b', false), vote('c', true)], NOW, settings);
    expect(verdict).toEqual({ down: false, unreachable: ['b'], watchers: ['b', 'c'], required: 2 });
  });

  it('honours a stricter minimum of observers', () => {
    const votes = [vote('a', false), vote('b', false), vote('c', true)];
    expect(quorumOf(votes, NOW, { ...settings, minObservers: 3 }).down).toBe(false);
  });
});
