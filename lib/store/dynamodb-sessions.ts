import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { session, type Session } from '../maintenance/session/session';
import { queryAll } from './query-all';

/** The sparse index of sessions still under way, by their next deadline (for the sweeper). */
export const OPEN_SESSIONS_INDEX = 'open-by-deadline';
const OPEN = 'OPEN';
const ENDED = new Set<Session['state']>(['MAINTENANCE_DONE', 'MAINTENANCE_FAILED']);

export class ConcurrentSessionUpdateError extends Error {
  constructor(sessionId: string) {
    super(`maintenance session ${sessionId} was changed concurrently`);
    this.name = 'ConcurrentSessionUpdateError';
  }
}

/**
 * Maintenance sessions, one item each. A write succeeds only on the version it was decided
 * from, so two invocations never advance a session twice: the loser re-reads and re-decides.
 */
export class DynamoDbSessions {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(sessionId: string): Promise<Session | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { session_id: sessionId }, ConsistentRead: true }),
    );
    return Item ? session.parse(Item) : undefined;
  }

  /** Stores `next`, decided from the version `expectedVersion` (undefined: a new session). */
  async save(next: Session, expectedVersion: number | undefined): Promise<void> {
    const open = !ENDED.has(next.state) && next.deadline_at !== undefined;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...next, ...(open ? { open: OPEN } : {}) },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(session_id)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConcurrentSessionUpdateError(next.session_id);
      throw error;
    }
  }

  async list(): Promise<Session[]> {
    const sessions: Session[] = [];
    for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName }))
      sessions.push(...(page.Items ?? []).map((item) => session.parse(item)));
    return sessions;
  }

  /** Sessions under way whose deadline is at or before `now`. */
  async due(now: Date): Promise<string[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: OPEN_SESSIONS_INDEX,
      KeyConditionExpression: '#open = :open AND deadline_at <= :now',
      ExpressionAttributeNames: { '#open': 'open' },
      ExpressionAttributeValues: { ':open': OPEN, ':now': now.toISOString() },
    });
    return items.map((item) => String(item.session_id));
  }
}
