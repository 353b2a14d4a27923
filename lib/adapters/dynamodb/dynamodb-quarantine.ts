import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { type Quarantine, type QuarantineEntry } from '../../platform/quarantine';

const RETENTION_S = 30 * 24 * 3600;

/** EventBridge envelope fields that differ between deliveries of the same event. */
const stripDeliveryFields = (payload: unknown): unknown => {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return payload;
  const { id: _id, time: _time, ...rest } = payload as Record<string, unknown>;
  return rest;
};

/**
 * Rejected input, kept with its reason for 30 days. The id is a digest of the payload,
 * so the same bad event delivered again is kept once.
 */
export class DynamoDbQuarantine implements Quarantine {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(entry: QuarantineEntry): Promise<string> {
    const payload = JSON.stringify(entry.payload) ?? 'undefined';
    const id = createHash('sha256')
      .update(`${entry.source}\n${JSON.stringify(stripDeliveryFields(entry.payload))}`)
      .digest('hex');
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          id,
          source: entry.source,
          reason: entry.reason,
          payload,
          receivedAt: entry.receivedAt,
          expiresAt: Math.floor(Date.parse(entry.receivedAt) / 1000) + RETENTION_S,
        },
      }),
    );
    return id;
  }
}
