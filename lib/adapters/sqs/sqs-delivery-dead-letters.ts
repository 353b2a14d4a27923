import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PendingDelivery } from '../../notifier/callbacks/pending-delivery';
import type { DeliveryDeadLetters } from '../../notifier/callbacks/ports';

/** The callback dead-letter queue: each message is one delivery, whole, to be shown and re-driven. */
export class SqsDeliveryDeadLetters implements DeliveryDeadLetters {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(delivery: PendingDelivery): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(delivery),
        MessageAttributes: {
          subscriptionId: { DataType: 'String', StringValue: delivery.subscriptionId },
          ...(delivery.lastError
            ? { reason: { DataType: 'String', StringValue: delivery.lastError.slice(0, 1000) } }
            : {}),
        },
      }),
    );
  }
}
