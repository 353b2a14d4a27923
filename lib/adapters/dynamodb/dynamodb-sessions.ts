import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  paginateScan,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { session, type Session } from '../../maintenance/session/session';
import {
  ConcurrentSessionUpdateError,
  type OutboxEntry,
  type SessionRecord,
  type SessionStore,
} from '../../maintenance/workflow/ports';
import { queryAll } from './query-all';

/** The sparse index of sessions the sweeper must look at, by when (`wake_at`). */
export const DUE_SESSIONS_INDEX = 'open-by-wake-at';
const OPEN = 'OPEN';
const ENDED = new Set<Session['state']>(['MAINTENANCE_DONE', 'MAINTENANCE_FAILED']);

const leaseKey = (sessionId: string) => `lease#${sessionId}`;

/**
 * When the sweeper must look at a session: at once while effects are left to carry out or moves
 * are awaited from the VIM, else at its deadline; never once it ended with nothing left to do.
 */
function wakeAt(s: Session, outbox: OutboxEntry[]): string | undefined {
  if (outbox.length > 0) return s.updated_at;
  if (ENDED.has(s.state)) return undefined;
  return s.waiting_for === 'DRAIN' ? s.updated_at : s.deadline_at;
}

/**
 * Maintenance sessions, one item each, with the effects their last decisions still have to carry
 * out (an outbox written in the same conditional write as the decision, so none is lost when an
 * invocation dies). A write succeeds only on the version it was decided from, so two invocations
 * never advance a session twice: the loser re-reads and re-decides.
 */
export class DynamoDbSessions implements SessionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(sessionId: string): Promise<Session | undefined> {
    return (await this.load(sessionId))?.session;
  }

  async load(sessionId: string): Promise<SessionRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { session_id: sessionId }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return { session: session.parse(Item), outbox: (Item.outbox ?? []) as OutboxEntry[] };
  }

  /** Stores `next`, decided from the version `expectedVersion` (undefined: a new session). */
  async save(next: Session, expectedVersion: number | undefined, outbox: OutboxEntry[] = []): Promise<void> {
    const wake = wakeAt(next, outbox);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...next, outbox, ...(wake ? { open: OPEN, wake_at: wake } : {}) },
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

  /** Removes carried-out effects from the outbox; effects added meanwhile stay. */
  async settle(sessionId: string, done: string[]): Promise<void> {
    const finished = new Set(done);
    for (;;) {
      const record = await this.load(sessionId);
      if (!record) return;
      const rest = record.outbox.filter((entry) => !finished.has(entry.id));
      const wake = wakeAt(record.session, rest);
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { session_id: sessionId },
            UpdateExpression: wake
              ? 'SET outbox = :rest, #open = :open, wake_at = :wake'
              : 'SET outbox = :rest REMOVE #open, wake_at',
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version', '#open': 'open' },
            ExpressionAttributeValues: {
              ':rest': rest,
              ':version': record.session.version,
              ...(wake ? { ':open': OPEN, ':wake': wake } : {}),
            },
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }

  /**
   * The runner's lease is an item of its own (`lease#<session id>`), so that deciding on the
   * session and holding the right to carry out its effects never overwrite each other.
   */
  async claim(sessionId: string, holder: string, now: Date, until: Date): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { session_id: leaseKey(sessionId), holder, until: until.toISOString() },
          ConditionExpression: 'attribute_not_exists(session_id) OR #until < :now OR holder = :holder',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now.toISOString(), ':holder': holder },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(sessionId: string, holder: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { session_id: leaseKey(sessionId) },
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (error) {
      // Expired and taken by another runner: that lease is not ours to end.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async list(): Promise<Session[]> {
    const sessions: Session[] = [];
    const scan = {
      TableName: this.tableName,
      FilterExpression: 'attribute_exists(#version)',
      ExpressionAttributeNames: { '#version': 'version' },
    };
    for await (const page of paginateScan({ client: this.client }, scan))
      sessions.push(...(page.Items ?? []).map((item) => session.parse(item)));
    return sessions;
  }

  /** Sessions the sweeper must look at now: a deadline passed, effects left, or moves awaited. */
  async due(now: Date): Promise<string[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: DUE_SESSIONS_INDEX,
      KeyConditionExpression: '#open = :open AND wake_at <= :now',
      ExpressionAttributeNames: { '#open': 'open' },
      ExpressionAttributeValues: { ':open': OPEN, ':now': now.toISOString() },
    });
    return items.map((item) => String(item.session_id));
  }
}
