import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';

export interface BusEvent {
  detailType: string;
  detail: unknown;
}

/** Puts nfvi-doctor's own events (FaultConfirmed, VimActionsApplied, ...) on its bus, under one source. */
export class EventBridgePublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
    private readonly source: string,
  ) {}

  async emit(event: BusEvent): Promise<void> {
    const { FailedEntryCount, Entries } = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.eventBusName,
            Source: this.source,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
          },
        ],
      }),
    );
    if (FailedEntryCount) {
      const entry = Entries?.[0];
      throw new Error(`PutEvents refused ${event.detailType}: ${entry?.ErrorCode} ${entry?.ErrorMessage}`);
    }
  }
}
