import { COLLECTOR_SOURCE } from '../contracts/bus-events';
import { parseCollectorEvent } from '../contracts/southbound';
import type { HostInventory } from '../inventory/inventory';
import { type Notifier } from '../notifier/ports';
import { type Quarantine } from '../platform/quarantine';
import { decide, type ActionableSignal, type AlarmContext, type IgnoreReason } from './alarm-lifecycle';
import { faultEventOf } from './fault-events';
import { needsRecording, needsRepublish, type FaultRecord } from './fault-record';
import { faultSignalOf, type PeerVote } from './fault-signal';
import { fencingFailureCleared, fencingSignalsOf, notFencedDetail, parseFencingEvent } from './fencing-signals';
import { deliveriesOf } from './notifications';
import { quorumOf, quorumSignal, type QuorumSettings } from './peer-quorum';
import {
  ConcurrentUpdateError,
  type AlarmProjection,
  type FaultEventPublisher,
  type FaultStore,
  type InventoryReader,
  type PeerVoteStore,
} from './ports';

export type CorrelatorSettings = Omit<AlarmContext, 'now' | 'epoch'> & {
  quorum: QuorumSettings;
  /** Whether dead hosts are fenced: their host-down alarms then say whether they are yet. */
  fencing: boolean;
  /** How far ahead of the correlator's clock a report may be dated; a report further ahead is quarantined. */
  maxClockSkewS: number;
};

export interface CorrelatorDeps {
  faults: FaultStore;
  inventory: InventoryReader;
  notifier: Notifier;
  alarmViews: AlarmProjection;
  faultEvents: FaultEventPublisher;
  quarantine: Quarantine;
  peerVotes: PeerVoteStore;
  settings: CorrelatorSettings;
  clock: () => Date;
  /** A new random id (a new fault record's epoch). */
  newId: () => string;
}

export type CorrelationOutcome =
  | { outcome: 'quarantined'; reason: string; quarantineId: string }
  | { outcome: 'vote-ignored'; reason: 'duplicate' | 'stale' }
  | { outcome: 'ignored'; reason: IgnoreReason; republished: number }
  | { outcome: 'recorded'; republished: number }
  | ({ outcome: 'RAISED' | 'UPDATED' | 'CLEARED'; republished: number } & Publication);

/**
 * What publishing a transition did: its notifications, when SNS had accepted them all, when its
 * bus event was put (both sent at once), and when the fault was observed.
 */
export interface Publication {
  notifications: number;
  observedAt: string;
  notifiedAt: string;
  emittedAt: string;
}

const MAX_ATTEMPTS = 5;
const NO_INVENTORY: HostInventory = { known: true, instances: [] };

/**
 * Correlates one southbound event, or one of the fencer's (a host fenced, or its fencing failed).
 * Primary course:
 * 1. validate it against the southbound contract; quarantine it with the reason if it fails;
 * 2. map it through the fault catalogue to a fault signal; a peer's vote is stored and the
 *    host's quorum of observers re-evaluated into a host-down condition;
 * 3. read the fault's record and, when an alarm may be raised, the host's instances;
 *    finish publishing a transition whose publisher failed or ended without publishing, and
 *    recording one the fault API's copy of the alarms does not show yet;
 * 4. decide the alarm transition and store it with a conditional write (re-read on conflict);
 * 5. publish the admin and tenant notifications and, at the same time, FaultConfirmed/FaultCleared
 *    on the bus;
 * 6. mark the transition published, so that a duplicate event publishes nothing again;
 * 7. bring the fault API's copy of the alarms up to date, and mark that too. It comes last so
 *    that it never delays a notification nor, if slow, makes a retry publish them again.
 */
export async function correlateEvent(
  raw: unknown,
  deps: CorrelatorDeps,
  invocation: { deadline: Date },
): Promise<CorrelationOutcome> {
  const fencing = parseFencingEvent(raw);
  if (fencing) {
    if (!fencing.ok) return quarantine(raw, fencing.reason, deps);
    const [primary, ...consequences] = fencingSignalsOf(fencing.event);
    const outcome = await applySignal(async () => primary, deps, invocation);
    for (const signal of consequences) await applySignal(async () => signal, deps, invocation);
    return outcome;
  }
  const source = (raw as { source?: unknown } | null)?.source;
  if (source !== COLLECTOR_SOURCE) {
    return quarantine(raw, `no nfvi-doctor function takes events of source ${JSON.stringify(source)}`, deps);
  }
  const parsed = parseCollectorEvent(raw);
  if (!parsed.ok) return quarantine(raw, parsed.reason, deps);
  const aheadS = (Date.parse(parsed.event.detail.observedAt) - deps.clock().getTime()) / 1000;
  if (aheadS > deps.settings.maxClockSkewS) {
    const reason = `observedAt ${parsed.event.detail.observedAt} is ${Math.round(aheadS)} s ahead of the correlator's clock (at most ${deps.settings.maxClockSkewS} s): the reporting clock is wrong`;
    return quarantine(raw, reason, deps);
  }
  const signal = faultSignalOf(parsed.event);
  if (signal.kind === 'vote') {
    const stored = await deps.peerVotes.put(signal.vote);
    if (stored !== 'stored') return { outcome: 'vote-ignored', reason: stored };
    const outcome = await applySignal(async () => quorumSignalOf(signal.vote, deps), deps, invocation);
    // A host back from the dead needs no fencing any more: a failed fencing's alarm ends with the death.
    if (outcome.outcome === 'CLEARED' && deps.settings.fencing) {
      const back = fencingFailureCleared(signal.vote.host, deps.clock().toISOString(), 'the host is reachable again');
      await applySignal(async () => back, deps, invocation);
    }
    return outcome;
  }
  return applySignal(async () => signal, deps, invocation);
}

async function quarantine(raw: unknown, reason: string, deps: CorrelatorDeps): Promise<CorrelationOutcome> {
  const quarantineId = await deps.quarantine.put({
    source: 'correlator',
    reason,
    payload: raw,
    receivedAt: deps.clock().toISOString(),
  });
  return { outcome: 'quarantined', reason, quarantineId };
}

/**
 * Counts the host's quorum with every vote stored so far. A vote stored by a concurrent
 * invocation after this count is not in it; when that invocation decides nothing changed, the
 * decision made here stands until the next vote (collectors refresh theirs every 30 s).
 */
async function quorumSignalOf(vote: PeerVote, deps: CorrelatorDeps): Promise<ActionableSignal> {
  const verdict = quorumOf(await deps.peerVotes.votes(vote.host), deps.clock(), deps.settings.quorum);
  const signal = quorumSignal(vote.host, verdict, vote);
  // Where hosts are fenced, a standby must be able to tell a host surely gone from one merely unreachable.
  if (verdict.down && deps.settings.fencing) signal.faultDetails.push(notFencedDetail());
  return signal;
}

/**
 * Applies a signal to its fault's record. The signal is re-read on every attempt, because a
 * quorum must be counted again after a concurrent writer changed the record.
 */
async function applySignal(
  signalOf: () => Promise<ActionableSignal>,
  deps: CorrelatorDeps,
  invocation: { deadline: Date },
): Promise<CorrelationOutcome> {
  const { quorum: _quorum, fencing: _fencing, maxClockSkewS: _skew, ...alarmSettings } = deps.settings;
  let republished = 0;
  for (let attempt = 1; ; attempt++) {
    const signal = await signalOf();
    const mayRaise = signal.kind === 'boot' || (signal.kind === 'condition' && signal.active && !signal.adminOnly);
    const [stored, inventory] = await Promise.all([
      deps.faults.get(signal.host, signal.faultKey),
      mayRaise ? deps.inventory.hostInventory(signal.host) : Promise.resolve(NO_INVENTORY),
    ]);
    let current = stored;
    const publishBy = invocation.deadline.toISOString();
    if (current && needsRepublish(current, deps.clock())) {
      if (await deps.faults.claimPublication(current, publishBy)) {
        republished += (await publish({ ...current, publishBy }, deps)).notifications;
        current = { ...current, publishedSeq: current.transitionSeq, recordedSeq: current.transitionSeq };
      }
    } else if (current && needsRecording(current)) {
      await recordAlarmViews(current, deps);
      current = { ...current, recordedSeq: current.publishedSeq };
    }
    const now = deps.clock().toISOString();
    const decision = decide(current, signal, inventory, { ...alarmSettings, now, epoch: deps.newId() });
    if (decision.kind === 'ignore') return { outcome: 'ignored', reason: decision.reason, republished };
    // A transition not published by the deadline is the sweeper's to publish (the invocation died).
    const record = decision.transition
      ? { ...decision.record, publishBy, dueAt: earliest(decision.record.dueAt, publishBy) }
      : decision.record;
    try {
      await deps.faults.save(record, current?.version);
    } catch (error) {
      if (error instanceof ConcurrentUpdateError && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
    if (!decision.transition) return { outcome: 'recorded', republished };
    return { outcome: decision.transition, republished, ...(await publish(record, deps)) };
  }
}

/** An invocation past its deadline publishes nothing more: another has taken over, or will. */
export class PublicationDeadlinePassedError extends Error {
  constructor(record: FaultRecord) {
    super(`the publication of ${record.faultKey} of ${record.host} is past its deadline: left to another invocation`);
    this.name = 'PublicationDeadlinePassedError';
  }
}

async function publish(record: FaultRecord, deps: CorrelatorDeps): Promise<Publication> {
  // An invocation that outlived its deadline (a Lambda would be stopped by now) publishes nothing.
  if (record.publishBy && deps.clock().getTime() > Date.parse(record.publishBy))
    throw new PublicationDeadlinePassedError(record);
  const deliveries = deliveriesOf(record);
  const event = faultEventOf(record);
  // The bus event goes out beside the notifications, never after them: the VIM adapter hears at
  // once, and a retry that emits it again is harmless (the adapter skips a transition it applied).
  const stamp = <T>(promise: Promise<T>) => promise.then(() => deps.clock().toISOString());
  const [notified, emitted] = await Promise.allSettled([
    stamp(deps.notifier.publish(deliveries)),
    event ? stamp(deps.faultEvents.emit(event)) : Promise.resolve(undefined),
  ]);
  if (notified.status === 'rejected' || emitted.status === 'rejected') {
    // Let the retry of this or any later event take over at once.
    await deps.faults.markPublishFailed(record.host, record.faultKey, record.transitionSeq).catch(() => undefined);
    throw notified.status === 'rejected' ? notified.reason : (emitted as PromiseRejectedResult).reason;
  }
  const notifiedAt = notified.value;
  const emittedAt = emitted.value ?? notifiedAt;
  await deps.faults.markPublished(record.host, record.faultKey, record.transitionSeq);
  await recordAlarmViews(record, deps);
  return {
    notifications: deliveries.length,
    observedAt: record.lastObservation.observedAt,
    notifiedAt,
    emittedAt,
  };
}

async function recordAlarmViews(record: FaultRecord, deps: CorrelatorDeps): Promise<void> {
  await deps.alarmViews.record(record);
  await deps.faults.markRecorded(record.host, record.faultKey, record.transitionSeq);
}

const earliest = (a: string | undefined, b: string) => (a !== undefined && Date.parse(a) < Date.parse(b) ? a : b);

/**
 * The correlator's sweeper (every minute): each fault due for a look is looked at again. A
 * transition whose invocation ended without publishing it is published (an invocation killed
 * mid-burst loses nothing), one whose copies the fault API lacks is recorded, and a clear held
 * while the fault flapped is applied once the fault has been stable long enough.
 */
export async function sweepFaults(
  deps: CorrelatorDeps,
  invocation: { deadline: Date },
): Promise<{ faults: number; outcomes: CorrelationOutcome[] }> {
  const due = await deps.faults.due(deps.clock());
  const outcomes: CorrelationOutcome[] = [];
  for (const { host, faultKey } of due) {
    if (deps.clock().getTime() > invocation.deadline.getTime() - 1000) break;
    outcomes.push(
      await applySignal(
        async () => ({
          kind: 'settle',
          host,
          faultKey,
          observation: (await deps.faults.get(host, faultKey))?.lastObservation ?? {
            collectorId: 'sweeper',
            seq: 0,
            observedAt: deps.clock().toISOString(),
          },
        }),
        deps,
        invocation,
      ),
    );
  }
  return { faults: due.length, outcomes };
}
