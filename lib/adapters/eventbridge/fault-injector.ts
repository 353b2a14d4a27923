import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { randomUUID } from 'node:crypto';
import { COLLECTOR_SOURCE } from '../../contracts/bus-events';
import { type CollectorEvent } from '../../contracts/southbound';

type Detail<T extends CollectorEvent['detail-type']> = Omit<
  Extract<CollectorEvent, { 'detail-type': T }>['detail'],
  'collectorId' | 'seq' | 'observedAt'
>;

export interface InjectedEvent {
  detailType: CollectorEvent['detail-type'];
  detail: Record<string, unknown>;
}

const PUT_EVENTS_LIMIT = 10;

/**
 * Puts collector events on the bus as a collector would (its own collectorId, a monotonic
 * seq, observedAt now): the fault injection of the demo, the tests, the benchmark and
 * `nfvi-doctor inject`.
 */
export class FaultInjector {
  private seq = 0;

  constructor(
    private readonly eventBridge: EventBridgeClient,
    private readonly eventBusName: string,
    readonly collectorId = `injector-${randomUUID()}`,
  ) {}

  link(host: string, state: 'up' | 'down', extra: Partial<Detail<'link.state'>> = {}): InjectedEvent {
    return this.event('link.state', {
      host,
      interface: 'eno1',
      role: 'management',
      state,
      carrier: state === 'up',
      ...extra,
    });
  }

  /** Each observer's vote on a peer: unreachable votes of a quorum of observers make the peer dead. */
  peerVotes(peer: string, observers: string[], reachable: boolean): InjectedEvent[] {
    return observers.map((observer) =>
      this.event('peer.reachability', {
        host: observer,
        peer,
        reachable,
        lossPct: reachable ? 0 : 100,
        rttMs: reachable ? 1 : null,
      }),
    );
  }

  hardware(host: string, detail: Omit<Detail<'hardware.event'>, 'host'>): InjectedEvent {
    return this.event('hardware.event', { host, ...detail });
  }

  event<T extends CollectorEvent['detail-type']>(detailType: T, detail: Detail<T>): InjectedEvent {
    this.seq += 1;
    return {
      detailType,
      detail: { ...detail, collectorId: this.collectorId, seq: this.seq, observedAt: new Date().toISOString() },
    };
  }

  /** PutEvents in batches of 10 (the API's limit), all batches at once; returns Date.now() before sending. */
  async put(events: InjectedEvent[]): Promise<number> {
    const entries: PutEventsRequestEntry[] = events.map((e) => ({
      EventBusName: this.eventBusName,
      Source: COLLECTOR_SOURCE,
      DetailType: e.detailType,
      Detail: JSON.stringify(e.detail),
    }));
    const sentAt = Date.now();
    await Promise.all(
      Array.from({ length: Math.ceil(entries.length / PUT_EVENTS_LIMIT) }, async (_, i) => {
        const { FailedEntryCount } = await this.eventBridge.send(
          new PutEventsCommand({ Entries: entries.slice(i * PUT_EVENTS_LIMIT, (i + 1) * PUT_EVENTS_LIMIT) }),
        );
        if (FailedEntryCount) throw new Error(`PutEvents refused ${FailedEntryCount} entries`);
      }),
    );
    return sentAt;
  }
}
