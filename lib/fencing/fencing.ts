import { z } from 'zod';
import { type FaultConfirmed, fencingMethod } from '../contracts/bus-events';
import { PEERS_FAULT_KEY, type QuorumVerdict } from '../inspector/peer-quorum';

/** What the fencer knows of a host's fencing, one record per host (the latest death). */
export const fenceRecord = z.object({
  host: z.string(),
  hostAlarmId: z.string(),
  state: z.enum(['FENCING', 'FENCED', 'FAILED']),
  method: fencingMethod.optional(),
  attempts: z.number().int().nonnegative(),
  startedAt: z.string(),
  fencedAt: z.string().optional(),
  error: z.string().optional(),
  version: z.number().int().nonnegative(),
});
export type FenceRecord = z.infer<typeof fenceRecord>;

export interface FencingFacts {
  event: FaultConfirmed;
  /** The host's quorum counted now, from the observers' stored votes. */
  verdict: QuorumVerdict;
  record: FenceRecord | undefined;
  inMaintenance: boolean;
  now: Date;
  /** A fencing under way for longer is taken for an invocation that died: it may be taken over. */
  staleAfterS: number;
}

export type FencingDecision =
  | { kind: 'fence' }
  | {
      kind: 'skip';
      reason: 'not-host-death' | 'no-quorum' | 'in-maintenance' | 'already-fenced' | 'in-progress' | 'superseded';
    };

/**
 * Whether to power a host off now (pure). Only a host-down confirmed by the peers' quorum is
 * a death, and the quorum is counted again at the moment of fencing: a host the observers see
 * again is never fenced, whatever the event said. A host in planned maintenance belongs to the
 * operator. One death (its host alarm) is fenced once; a failed fencing is tried again when the
 * event is delivered again.
 */
export function decideFencing(facts: FencingFacts): FencingDecision {
  const { event, verdict, record } = facts;
  if (event.faultKey !== PEERS_FAULT_KEY) return { kind: 'skip', reason: 'not-host-death' };
  if (!verdict.down) return { kind: 'skip', reason: 'no-quorum' };
  if (facts.inMaintenance) return { kind: 'skip', reason: 'in-maintenance' };
  if (record && record.hostAlarmId === event.hostAlarmId) {
    if (record.state === 'FENCED') return { kind: 'skip', reason: 'already-fenced' };
    const running = Date.parse(record.startedAt) + facts.staleAfterS * 1000 > facts.now.getTime();
    if (record.state === 'FENCING' && running) return { kind: 'skip', reason: 'in-progress' };
  }
  if (
    record &&
    record.hostAlarmId !== event.hostAlarmId &&
    Date.parse(record.startedAt) > Date.parse(event.confirmedAt)
  )
    return { kind: 'skip', reason: 'superseded' };
  return { kind: 'fence' };
}
