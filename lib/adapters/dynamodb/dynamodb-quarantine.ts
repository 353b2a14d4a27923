import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { type Quarantine, type QuarantineEntry } from '../../platform/quarantine';

const RETENTION_S = 30 * 24 * 3600;
/** What is kept of a payload and of a reason: any input, however large, fits a DynamoDB item. */
const PAYLOAD_KEPT_BYTES = 64 * 1024;
const REASON_KEPT_CHARS = 16 * 1024;

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
    const whole = JSON.stringify(entry.payload) ?? 'undefined';
    // A DynamoDB item holds at most 400 KB: a larger payload is kept in part, with its size and digest.
    const truncated = Buffer.byteLength(whole) > PAYLOAD_KEPT_BYTES;
    const payload = truncated ? Buffer.from(whole).subarray(0, PAYLOAD_KEPT_BYTES).toString('utf8') : whole;
    const id = createHash('sha256')
      .update(`${entry.source}\n${JSON.stringify(stripDeliveryFields(entry.payload))}`)
      .digest('hex');
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          id,
          source: entry.source,
          payload,
          ...(truncated
            ? {
                payloadTruncated: true,
                payloadBytes: Buffer.byteLength(whole),
                payloadSha256: createHash('sha256').update(whole).digest('hex'),
              }
            : {}),
          reason: entry.reason.slice(0, REASON_KEPT_CHARS),
          receivedAt: entry.receivedAt,
          expiresAt: Math.floor(Date.parse(entry.receivedAt) / 1000) + RETENTION_S,
        },
      }),
    );
    return id;
  }
}
