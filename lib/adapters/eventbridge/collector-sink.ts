import { EventBridgeClient, PutEventsCommand, type EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';
import type { CollectorConfig } from '../../monitor/config';
import type { BusEntry, EntryResult, EventSink } from '../../monitor/delivery/ports';

/** The per-entry error codes EventBridge documents as retryable; every other code is final. */
const RETRYABLE = new Set(['InternalFailure', 'ThrottlingException']);

/**
 * The collector's EventBridge client: region and endpoint from the configuration, credentials
 * from the SDK's default chain. SDK retries are off: the delivery retries with its own backoff,
 * keeping the events spooled meanwhile, and hidden retries would only hold up newer events.
 */
export function collectorEventBridgeClient(
  bus: Pick<CollectorConfig['bus'], 'region' | 'endpoint'>,
  overrides: EventBridgeClientConfig = {},
): EventBridgeClient {
  return new EventBridgeClient({
    maxAttempts: 1,
    ...(bus.region && { region: bus.region }),
    ...(bus.endpoint && { endpoint: bus.endpoint }),
    ...overrides,
  });
}

/** PutEvents over the SDK: one call per batch, a result per entry. */
export class EventBridgeSink implements EventSink {
  constructor(private readonly client: EventBridgeClient) {}

  async put(entries: readonly BusEntry[], signal: AbortSignal): Promise<EntryResult[]> {
    const { Entries = [] } = await this.client.send(
      new PutEventsCommand({
        Entries: entries.map((entry) => ({
          EventBusName: entry.busName,
          Source: entry.source,
          DetailType: entry.detailType,
          Detail: entry.detail,
          Time: new Date(entry.time),
        })),
      }),
      { abortSignal: signal },
    );
    if (Entries.length !== entries.length)
      throw new Error(`PutEvents answered ${Entries.length} results for ${entries.length} entries`);
    return Entries.map(({ EventId, ErrorCode, ErrorMessage }): EntryResult => {
      if (!ErrorCode) return { status: 'accepted', ...(EventId && { eventId: EventId }) };
      return { status: 'failed', code: ErrorCode, message: ErrorMessage ?? '', retryable: RETRYABLE.has(ErrorCode) };
    });
  }
}
