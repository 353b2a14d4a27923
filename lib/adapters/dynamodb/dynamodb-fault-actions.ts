import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FaultAction } from '../../controller/fault-action';
import type { FaultActionStore } from '../../controller/ports';
import { queryAll } from './query-all';

export const PENDING_INDEX = 'pending';
const PENDING = 'yes';

/**
 * The VIM adapter's state: per host (partition key) one item per fault (sort key). Items whose
 * VIM actions are pending carry `pending`, so the sparse index lists exactly those.
 */
export class DynamoDbFaultActions implements FaultActionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(action: Omit<FaultAction, 'appliedSeq' | 'attempts'>): Promise<'recorded' | 'not-newer'> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { host: action.host, faultKey: action.faultKey },
          UpdateExpression:
            'SET impact = :impact, active = :active, transitionSeq = :seq, instances = :instances, appliedSeq = if_not_exists(appliedSeq, :zero), attempts = if_not_exists(attempts, :zero)',
          ConditionExpression: 'attribute_not_exists(transitionSeq) OR transitionSeq < :seq',
          ExpressionAttributeValues: {
            ':impact': action.impact,
            ':active': action.active,
            ':seq': action.transitionSeq,
            ':instances': action.instances,
            ':zero': 0,
          },
        }),
      );
      return 'recorded';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'not-newer';
      throw error;
    }
  }

  async ofHost(host: string): Promise<FaultAction[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'host = :host',
      ExpressionAttributeValues: { ':host': host },
      ConsistentRead: true,
    });
    return items as FaultAction[];
  }

  async markApplied(host: string, completes: { faultKey: string; transitionSeq: number }[], at: Date): Promise<void> {
    await Promise.all(
      completes.map(async ({ faultKey, transitionSeq }) => {
        try {
          await this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { host, faultKey },
              // A newer transition recorded meanwhile stays pending for its own run.
              UpdateExpression: 'SET appliedSeq = :seq, appliedAt = :at REMOVE pending, pendingSince, lastError',
              ConditionExpression: 'transitionSeq = :seq',
              ExpressionAttributeValues: { ':seq': transitionSeq, ':at': at.toISOString() },
            }),
          );
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }),
    );
  }

  markPending(host: string, faultKeys: string[], error: string, at: Date): Promise<void> {
    return this.noteAttempt(
      host,
      faultKeys,
      error,
      at,
      'pending = :pending, pendingSince = if_not_exists(pendingSince, :at)',
      {
        ':pending': PENDING,
      },
    );
  }

  markFailed(host: string, faultKeys: string[], error: string, at: Date): Promise<void> {
    return this.noteAttempt(host, faultKeys, error, at, 'failedAt = :at', {}, ' REMOVE pending, pendingSince');
  }

  /** Records a failed attempt (its error, one more attempt) and what it means for the retry. */
  private async noteAttempt(
    host: string,
    faultKeys: string[],
    error: string,
    at: Date,
    set: string,
    values: Record<string, unknown>,
    remove = '',
  ): Promise<void> {
    await Promise.all(
      faultKeys.map((faultKey) =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { host, faultKey },
            UpdateExpression: `SET ${set}, lastError = :error, attempts = attempts + :one${remove}`,
            ExpressionAttributeValues: { ...values, ':at': at.toISOString(), ':error': error, ':one': 1 },
          }),
        ),
      ),
    );
  }

  async pendingHosts(): Promise<string[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: PENDING_INDEX,
      KeyConditionExpression: 'pending = :pending',
      ExpressionAttributeValues: { ':pending': PENDING },
    });
    return [...new Set(items.map((item) => String(item.host)))];
  }
}
