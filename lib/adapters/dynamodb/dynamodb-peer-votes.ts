import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { observation } from '../../inspector/fault-record';
import { type PeerVote } from '../../inspector/fault-signal';
import type { PeerVoteStore } from '../../inspector/ports';
import { queryAll } from './query-all';

const storedVote = z.object({
  host: z.string(),
  observer: z.string(),
  reachable: z.boolean(),
  lossPct: z.number(),
  rttMs: z.number().nullable(),
  observation,
});

/** Votes of observers that stopped reporting are removed by DynamoDB's TTL after a day. */
const KEEP_S = 24 * 3600;

/**
 * Peer votes in their own table: partition = the watched host, sort key = the observer,
 * so that counting a host's observers is one Query whose size is its number of watchers.
 */
export class DynamoDbPeerVotes implements PeerVoteStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(vote: PeerVote): Promise<'stored' | 'duplicate' | 'stale'> {
    const { collectorId, seq, observedAt } = vote.observation;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...vote, expiresAt: Math.floor(Date.parse(observedAt) / 1000) + KEEP_S },
          // Newer from the same collector (by seq), or from a collector that replaced it (by time).
          ConditionExpression:
            'attribute_not_exists(host) OR (#o.collectorId = :c AND #o.seq < :s) OR (#o.collectorId <> :c AND #o.observedAt < :t)',
          ExpressionAttributeNames: { '#o': 'observation' },
          ExpressionAttributeValues: { ':c': collectorId, ':s': seq, ':t': observedAt },
        }),
      );
      return 'stored';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { host: vote.host, observer: vote.observer },
          ConsistentRead: true,
        }),
      );
      const kept = Item ? storedVote.parse(Item).observation : undefined;
      return kept?.collectorId === collectorId && kept.seq === seq ? 'duplicate' : 'stale';
    }
  }

  async votes(host: string): Promise<PeerVote[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'host = :host',
      ExpressionAttributeValues: { ':host': host },
      ConsistentRead: true,
    });
    return items.map((item) => storedVote.parse(item));
  }
}
