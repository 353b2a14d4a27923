import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { FaultEventPublisher } from '../correlation/ports';
import { CORRELATOR_SOURCE, type FaultEvent } from './fault-events';

/** Puts FaultConfirmed / FaultCleared on the nfvi-doctor bus. */
export class EventBridgeFaultEvents implements FaultEventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async emit(event: FaultEvent): Promise<void> {
    const { FailedEntryCount, Entries } = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.eventBusName,
            Source: CORRELATOR_SOURCE,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
            Resources: [],
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
