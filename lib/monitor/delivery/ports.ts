/** What the delivery needs from the outside: a bus to put entries on and somewhere to log. */

/** One PutEvents entry, as the delivery hands it to the bus. */
export interface BusEntry {
  busName: string;
  source: string;
  detailType: string;
  /** The detail as JSON, exactly as spooled, so that a resent copy is byte-identical. */
  detail: string;
  /** When the event was observed (ISO 8601); EventBridge's Time. */
  time: string;
}

export type EntryResult =
  | { status: 'accepted'; eventId?: string }
  | { status: 'failed'; code: string; message: string; retryable: boolean };

export interface EventSink {
  /**
   * One PutEvents call: a result per entry, in the entries' order. Rejects when the call as a
   * whole failed (network, 5xx, throttled, aborted): then none of the entries counts as sent.
   */
  put(entries: readonly BusEntry[], signal: AbortSignal): Promise<EntryResult[]>;
}

export interface DeliveryLogger {
  info(message: string, extra?: object): void;
  warn(message: string, extra?: object): void;
  error(message: string, extra?: object): void;
}
