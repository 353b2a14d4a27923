import { catalogueEntry } from '../contracts/fault-catalogue';
import type { FaultSignal } from './fault-signal';
import { type PeerVote } from './fault-signal';

export interface QuorumSettings {
  /** Fewest observers that must agree: one observer's own trouble must never suffice. */
  minObservers: number;
  /** A vote counts for this long after it was observed; collectors refresh theirs well within it. */
  voteTtlS: number;
}

export interface QuorumVerdict {
  down: boolean;
  /** Observers whose fresh vote says unreachable. */
  unreachable: string[];
  /** Observers with a fresh vote, either way: the ones that watch the host. */
  watchers: string[];
  required: number;
}

export const PEERS_FAULT_KEY = 'peers';

/**
 * Host-down by quorum: a host is down when at least `minObservers`, and a majority of the
 * observers that currently watch it, report it unreachable within the vote lifetime.
 * So an observer cut off by its own network fault (which sees every peer unreachable)
 * cannot declare anyone down alone: Masakari's split-brain lesson.
 */
export function quorumOf(votes: PeerVote[], now: Date, settings: QuorumSettings): QuorumVerdict {
  const oldest = now.getTime() - settings.voteTtlS * 1000;
  const fresh = votes.filter((vote) => Date.parse(vote.observation.observedAt) >= oldest);
  const watchers = fresh.map((vote) => vote.observer).sort();
  const unreachable = fresh
    .filter((vote) => !vote.reachable)
    .map((vote) => vote.observer)
    .sort();
  const required = Math.max(settings.minObservers, Math.floor(watchers.length / 2) + 1);
  return { down: unreachable.length >= required, unreachable, watchers, required };
}

/** The host-down condition the quorum stands for, carried by the vote that was just counted. */
export function quorumSignal(
  host: string,
  verdict: QuorumVerdict,
  vote: PeerVote,
): Extract<FaultSignal, { kind: 'condition' }> {
  const seen = `${verdict.unreachable.length} of ${verdict.watchers.length} observers`;
  const details = verdict.down
    ? [`unreachable from ${seen} (${verdict.unreachable.join(', ')}); quorum ${verdict.required}`]
    : [`reachable again: unreachable from ${seen}, quorum ${verdict.required}`];
  return {
    kind: 'condition',
    host,
    faultKey: PEERS_FAULT_KEY,
    active: verdict.down,
    fault: catalogueEntry('compute.host.down'),
    faultDetails: details,
    observation: vote.observation,
    ordered: false,
  };
}
