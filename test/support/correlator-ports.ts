/**
 * In-memory ports of the correlator (lib/inspector/ports.ts), with the rules of the stores they
 * stand for: the correlator's unit tests drive correlateEvent through them, and the correlation
 * core benchmark (test/bench/correlation-core.ts) measures it on them, without DynamoDB or SNS.
 */
import type { FaultEvent } from '../../lib/contracts/bus-events';
import type { FaultRecord } from '../../lib/inspector/fault-record';
import type { PeerVote } from '../../lib/inspector/fault-signal';
import type { Delivery } from '../../lib/inspector/notifications';
import {
  ConcurrentUpdateError,
  type AlarmProjection,
  type FaultEventPublisher,
  type FaultStore,
  type PeerVoteStore,
} from '../../lib/inspector/ports';
import type { Notifier } from '../../lib/notifier/ports';
import type { Quarantine, QuarantineEntry } from '../../lib/platform/quarantine';

/** Fault records in a Map, with the store's rules: conditional writes, publication marks only raised by mark*. */
export class InMemoryFaultStore implements FaultStore {
  readonly records = new Map<string, FaultRecord>();
  conflicts = 0;
  failMarks = false;
  private beforeNextSave: (() => Promise<void>) | undefined;

  /**
   * `copy` keeps stored records apart from the correlator's objects, as a real store does (the
   * unit tests catch a correlator that would change a record it read). A benchmark may pass
   * `(r) => r` so as to time the correlator, not the copies.
   */
  constructor(private readonly copy: <T>(value: T) => T = structuredClone) {}

  /** Runs `competitor` between the next save's read and its write, as a concurrent writer would. */
  interleave(competitor: () => Promise<void>): void {
    this.beforeNextSave = competitor;
  }

  async get(host: string, faultKey: string): Promise<FaultRecord | undefined> {
    const record = this.records.get(`${host}#${faultKey}`);
    return record && this.copy(record);
  }

  async save(record: FaultRecord, expectedVersion: number | undefined): Promise<void> {
    const competitor = this.beforeNextSave;
    this.beforeNextSave = undefined;
    await competitor?.();
    const stored = this.records.get(`${record.host}#${record.faultKey}`);
    if (stored?.version !== expectedVersion) {
      this.conflicts++;
      throw new ConcurrentUpdateError(record.host, record.faultKey);
    }
    const { publishedSeq = 0, publishFailedSeq, recordedSeq } = stored ?? {};
    this.records.set(
      `${record.host}#${record.faultKey}`,
      this.copy({ ...record, publishedSeq, publishFailedSeq, recordedSeq }),
    );
  }

  async claimPublication(record: FaultRecord, publishBy: string): Promise<boolean> {
    const stored = this.records.get(`${record.host}#${record.faultKey}`);
    if (!stored || stored.publishBy !== record.publishBy) return false;
    if (stored.transitionSeq !== record.transitionSeq || stored.publishedSeq >= record.transitionSeq) return false;
    stored.publishBy = publishBy;
    stored.dueAt = publishBy;
    return true;
  }

  async due(now: Date): Promise<{ host: string; faultKey: string }[]> {
    return [...this.records.values()]
      .filter((r) => r.dueAt !== undefined && Date.parse(r.dueAt) <= now.getTime())
      .map((r) => ({ host: r.host, faultKey: r.faultKey }));
  }

  markPublished(host: string, faultKey: string, transitionSeq: number): Promise<void> {
    return this.mark(host, faultKey, 'publishedSeq', transitionSeq);
  }

  markPublishFailed(host: string, faultKey: string, transitionSeq: number): Promise<void> {
    return this.mark(host, faultKey, 'publishFailedSeq', transitionSeq);
  }

  markRecorded(host: string, faultKey: string, transitionSeq: number): Promise<void> {
    return this.mark(host, faultKey, 'recordedSeq', transitionSeq);
  }

  private async mark(
    host: string,
    faultKey: string,
    field: 'publishedSeq' | 'publishFailedSeq' | 'recordedSeq',
    seq: number,
  ) {
    if (this.failMarks) throw new Error('store unavailable');
    const stored = this.records.get(`${host}#${faultKey}`);
    if (stored && (stored[field] ?? -1) < seq) stored[field] = seq;
  }
}

/** Votes in a Map, with the store's rule: a newer vote of the same collector replaces the older one. */
export class InMemoryPeerVotes implements PeerVoteStore {
  private readonly stored = new Map<string, PeerVote>();

  async put(vote: PeerVote): Promise<'stored' | 'duplicate' | 'stale'> {
    const key = `${vote.host}#${vote.observer}`;
    const kept = this.stored.get(key)?.observation;
    if (kept && kept.collectorId === vote.observation.collectorId && kept.seq >= vote.observation.seq)
      return kept.seq === vote.observation.seq ? 'duplicate' : 'stale';
    this.stored.set(key, structuredClone(vote));
    return 'stored';
  }

  async votes(host: string): Promise<PeerVote[]> {
    return [...this.stored.values()].filter((vote) => vote.host === host);
  }
}

export class RecordingNotifier implements Notifier {
  readonly attempts: Delivery[][] = [];
  readonly published: Delivery[] = [];
  failures = 0;
  /** While set, publishing waits for it: SNS slow to answer. */
  held: Promise<void> | undefined;

  async publish(deliveries: Delivery[]): Promise<void> {
    this.attempts.push(deliveries);
    await this.held;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('SNS unavailable');
    }
    this.published.push(...deliveries);
  }
}

export class RecordingFaultEvents implements FaultEventPublisher {
  readonly emitted: FaultEvent[] = [];
  async emit(event: FaultEvent): Promise<void> {
    this.emitted.push(event);
  }
}

export class RecordingAlarmViews implements AlarmProjection {
  readonly recorded: FaultRecord[] = [];
  failures = 0;
  async record(record: FaultRecord): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('DynamoDB unavailable');
    }
    this.recorded.push(record);
  }
}

/** Rejected input, as a quarantine keeps it. */
export class RecordingQuarantine implements Quarantine {
  readonly entries: QuarantineEntry[] = [];
  async put(entry: QuarantineEntry): Promise<string> {
    this.entries.push(entry);
    return `quarantine-${this.entries.length}`;
  }
}
