import { z } from 'zod';
import { PEERS_FAULT_KEY, type QuorumVerdict } from '../correlation/peer-quorum';
import type { FaultConfirmed } from '../faults/fault-events';

/** The fencer's events on the bus, for the correlator (alarm updates) and the recovery workflow. */
export const FENCING_SOURCE = 'nfvi.fencing';

/** How a host was fenced: through its BMC, or confirmed by an administrator who powered it off. */
export const fencingMethod = z.enum(['ipmi', 'redfish', 'manual']);

export const hostFenced = z.object({
  host: z.string().min(1),
  /** The host-down alarm the fencing answers: one death, one fencing. */
  hostAlarmId: z.string().min(1),
  method: fencingMethod,
  powerState: z.literal('off'),
  fencedAt: z.string(),
  /** When the host's death was confirmed (the FaultConfirmed), for the time to fence. */
  confirmedAt: z.string(),
});
export type HostFenced = z.infer<typeof hostFenced>;

export const hostFencingFailed = z.object({
  host: z.string().min(1),
  hostAlarmId: z.string().min(1),
  reason: z.string(),
  attempts: z.number().int().nonnegative(),
  failedAt: z.string(),
});
export type HostFencingFailed = z.infer<typeof hostFencingFailed>;

export type FencingEvent =
  | { detailType: 'HostFenced'; detail: HostFenced }
  | { detailType: 'HostFencingFailed'; detail: HostFencingFailed };

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

/** The line of a host-down alarm's faultDetails that says whether the host is fenced. */
export const FENCING_DETAIL_PREFIX = 'fencing: ';

export const notFencedDetail = (): string =>
  `${FENCING_DETAIL_PREFIX}NOT_FENCED (the host's power is not known to be off)`;

export const fencedDetail = (fenced: HostFenced): string =>
  fenced.method === 'manual'
    ? `${FENCING_DETAIL_PREFIX}FENCED (powered off, as an administrator confirmed at ${fenced.fencedAt})`
    : `${FENCING_DETAIL_PREFIX}FENCED (powered off through its BMC by ${fenced.method} at ${fenced.fencedAt}; power state read back: off)`;
