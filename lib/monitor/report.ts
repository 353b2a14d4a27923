import type { CollectorEvent } from '../contracts/southbound';

/** The fields the delivery adds to every report: who sent it and in which order. */
type Envelope = 'host' | 'collectorId' | 'seq';

/**
 * What a source observed, in the southbound contract's terms, before the delivery stamps it
 * with host, collectorId and seq. Sources set observedAt themselves: it is when they saw it.
 */
export type Report = {
  [E in CollectorEvent as E['detail-type']]: { detailType: E['detail-type']; detail: Omit<E['detail'], Envelope> };
}[CollectorEvent['detail-type']];

export type ReportOf<T extends Report['detailType']> = Extract<Report, { detailType: T }>;

/** Hands a report to the delivery; it is spooled at once and sent in order. */
export type Emit = (report: Report) => void;

/** One thing the collector watches. `start` resolves once the source is watching. */
export interface Source {
  readonly name: string;
  start(emit: Emit): Promise<void>;
  stop(): Promise<void>;
}

export const now = (): string => new Date().toISOString();
