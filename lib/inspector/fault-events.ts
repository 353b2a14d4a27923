import type { FaultEvent } from '../contracts/bus-events';
import type { FaultRecord } from './fault-record';

/** The bus event announcing the record's last transition, if it has one that asks anything of the VIM. */
export function faultEventOf(record: FaultRecord): FaultEvent | undefined {
  const { hostAlarm, lastTransition, transitionAt } = record;
  if (!hostAlarm || !lastTransition || !transitionAt) return undefined;
  if (record.fencedSeq === record.transitionSeq) return undefined;
  const fields = {
    host: record.host,
    faultKey: record.faultKey,
    faultType: hostAlarm.faultType,
    impact: record.impact ?? 'degraded',
    hostAlarmId: hostAlarm.id,
    instances: record.instanceAlarms.map((a) => ({ id: a.managedObjectId, tenantId: a.tenantId, alarmId: a.id })),
    transitionSeq: record.transitionSeq,
    observedAt: record.lastObservation.observedAt,
  };
  return lastTransition === 'CLEARED'
    ? { detailType: 'FaultCleared', detail: { ...fields, clearedAt: transitionAt } }
    : {
        detailType: 'FaultConfirmed',
        detail: { ...fields, perceivedSeverity: hostAlarm.perceivedSeverity, confirmedAt: transitionAt },
      };
}
