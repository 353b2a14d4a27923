import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { faultRecord, type FaultRecord } from '../../inspector/fault-record';
import { ConcurrentUpdateError, type FaultStore } from '../../inspector/ports';
import { queryAll } from './query-all';

const keyOf = (host: string, faultKey: string) => ({ pk: `FAULT#${host}#${faultKey}` });

/** The sparse index of records due for the sweeper: one partition, sorted by when they are due. */
const DUE_INDEX = 'due';
const DUE_SHARD = 'due';

/** Publication marks are written only by markPublished/markPublishFailed/markRecorded, never by save. */
const PUBLICATION_FIELDS = new Set(['publishedSeq', 'publishFailedSeq', 'recordedSeq']);

/** Fault records in the alarms table, one item per host and fault key. */
export class DynamoDbFaultStore implements FaultStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(host: string, faultKey: string): Promise<FaultRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(host, faultKey), ConsistentRead: true }),
    );
    return Item ? faultRecord.parse(Item) : undefined;
  }

  async save(record: FaultRecord, expectedVersion: number | undefined): Promise<void> {
    const fields = Object.entries(record).filter(
      ([name, value]) => !PUBLICATION_FIELDS.has(name) && value !== undefined,
    );
    const names = Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name]));
    const values = Object.fromEntries(fields.map(([, value], i) => [`:f${i}`, value]));
    const sets = fields.map((_, i) => `#f${i} = :f${i}`);
    // The sparse index of faults due for the sweeper's look holds a record while it has a dueAt.
    const due = record.dueAt === undefined ? ' REMOVE dueShard, dueAt' : ', dueShard = :dueShard';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(record.host, record.faultKey),
          UpdateExpression: `SET ${sets.join(', ')}, #published = if_not_exists(#published, :zero)${due}`,
          ...(expectedVersion === undefined
            ? {
                ConditionExpression: 'attribute_not_exists(pk)',
                ExpressionAttributeNames: { ...names, '#published': 'publishedSeq' },
              }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { ...names, '#published': 'publishedSeq', '#version': 'version' },
              }),
          ExpressionAttributeValues: {
            ...values,
            ':zero': 0,
            ...(record.dueAt === undefined ? {} : { ':dueShard': DUE_SHARD }),
            ...(expectedVersion === undefined ? {} : { ':expected': expectedVersion }),
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new ConcurrentUpdateError(record.host, record.faultKey);
      throw error;
    }
  }

  async due(now: Date): Promise<{ host: string; faultKey: string }[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: DUE_INDEX,
      KeyConditionExpression: 'dueShard = :shard AND dueAt <= :now',
      ExpressionAttributeValues: { ':shard': DUE_SHARD, ':now': now.toISOString() },
    });
    return items.map((item) => ({ host: String(item.host), faultKey: String(item.faultKey) }));
  }

  async claimPublication(record: FaultRecord, publishBy: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(record.host, record.faultKey),
          UpdateExpression: 'SET publishBy = :mine, dueAt = :mine, dueShard = :dueShard',
          ConditionExpression: `${record.publishBy === undefined ? 'attribute_not_exists(publishBy)' : 'publishBy = :theirs'} AND transitionSeq = :seq AND publishedSeq < :seq`,
          ExpressionAttributeValues: {
            ':mine': publishBy,
            ':seq': record.transitionSeq,
            ':dueShard': DUE_SHARD,
            ...(record.publishBy === undefined ? {} : { ':theirs': record.publishBy }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
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

  /** Raises a mark, never lowers it: a late writer of an older transition changes nothing. */
  private async mark(host: string, faultKey: string, field: string, transitionSeq: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(host, faultKey),
          UpdateExpression: 'SET #mark = :seq',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#mark) OR #mark < :seq)',
          ExpressionAttributeNames: { '#mark': field },
          ExpressionAttributeValues: { ':seq': transitionSeq },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
