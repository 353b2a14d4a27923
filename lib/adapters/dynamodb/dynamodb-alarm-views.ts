import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { alarm as alarmSchema, perceivedSeverity, type Alarm } from '../../contracts/etsi-alarm';
import type { FaultRecord } from '../../inspector/fault-record';
import type { AlarmProjection } from '../../inspector/ports';
import type { AlarmView } from '../../notifier/alarm-query';
import type { AlarmViewStore } from '../../notifier/ports';
import { mapSettled } from '../../platform/map-settled';
import { queryAll } from './query-all';

const DAY_S = 86_400;
/** Writes in flight per fault: a host with 50 instances must not take every connection of the container. */
const WRITES_IN_FLIGHT = 10;

/**
 * The fault API's alarms, one item per alarm under the tenant it belongs to (the admin
 * project's are the host alarms): a tenant's reads are one consistent Query or GetItem in its
 * own partition, so another tenant's alarm cannot even be addressed. Written by the correlator
 * with each transition, only over an older transition, never over the acknowledgement.
 * Cleared alarms expire after the retention period.
 */
export class DynamoDbAlarmViews implements AlarmViewStore, AlarmProjection {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async record(record: FaultRecord): Promise<void> {
    const alarms = [...(record.hostAlarm ? [record.hostAlarm] : []), ...record.instanceAlarms];
    const expiresAt =
      record.status === 'CLEARED' ? Math.floor(this.clock().getTime() / 1000) + this.retentionDays * DAY_S : undefined;
    const results = await mapSettled(alarms, WRITES_IN_FLIGHT, (alarm) =>
      this.put(alarm, record.transitionSeq, expiresAt),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      throw new AggregateError(
        failed.map((f) => f.reason),
        `${failed.length} of ${alarms.length} alarm writes failed`,
      );
    }
  }

  async byTenant(tenantId: string): Promise<AlarmView[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'tenantId = :tenant',
      ExpressionAttributeValues: { ':tenant': tenantId },
      ConsistentRead: true,
    });
    return items.map(viewOf);
  }

  async get(tenantId: string, alarmId: string): Promise<AlarmView | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { tenantId, alarmId }, ConsistentRead: true }),
    );
    return Item ? viewOf(Item) : undefined;
  }

  async setAckState(
    tenantId: string,
    alarmId: string,
    ackState: Alarm['ackState'],
    at: string,
  ): Promise<'changed' | 'unchanged' | 'missing'> {
    const acknowledged = ackState === 'ACKNOWLEDGED';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { tenantId, alarmId },
          UpdateExpression: acknowledged
            ? 'SET ackState = :ack, acknowledgedAt = :at'
            : 'SET ackState = :ack REMOVE acknowledgedAt',
          ConditionExpression: 'attribute_exists(alarmId) AND ackState <> :ack',
          ExpressionAttributeValues: { ':ack': ackState, ...(acknowledged ? { ':at': at } : {}) },
        }),
      );
      return 'changed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.get(tenantId, alarmId)) ? 'unchanged' : 'missing';
    }
  }

  private async put(alarm: Alarm, transitionSeq: number, expiresAt: number | undefined): Promise<void> {
    const cleared = alarm.perceivedSeverity === 'CLEARED';
    const sets = [
      '#alarm = :alarm',
      'transitionSeq = :seq',
      'ackState = if_not_exists(ackState, :unacknowledged)',
      cleared ? 'severity = if_not_exists(severity, :severity)' : 'severity = :severity',
      ...(expiresAt === undefined ? [] : ['expiresAt = :expires']),
    ];
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { tenantId: alarm.tenantId, alarmId: alarm.id },
          UpdateExpression: `SET ${sets.join(', ')}${expiresAt === undefined ? ' REMOVE expiresAt' : ''}`,
          ConditionExpression: 'attribute_not_exists(alarmId) OR transitionSeq < :seq',
          ExpressionAttributeNames: { '#alarm': 'alarm' },
          ExpressionAttributeValues: {
            ':alarm': alarm,
            ':seq': transitionSeq,
            ':unacknowledged': 'UNACKNOWLEDGED',
            ':severity': alarm.perceivedSeverity,
            ...(expiresAt === undefined ? {} : { ':expires': expiresAt }),
          },
        }),
      );
    } catch (error) {
      // A newer transition of this alarm is already recorded.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

function viewOf(item: Record<string, unknown>): AlarmView {
  const stored = alarmSchema.parse({ ...(item.alarm as object), ackState: item.ackState });
  return {
    alarm: stored,
    severity: perceivedSeverity.parse(item.severity),
    ...(typeof item.acknowledgedAt === 'string' ? { acknowledgedAt: item.acknowledgedAt } : {}),
  };
}
