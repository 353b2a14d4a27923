import { z } from 'zod';
import type { FaultRecord } from '../alarms/fault-record';
import { faultImpacts } from './catalogue';

/**
 * What the correlator tells the rest of the system (the VIM adapter first) on the bus:
 * a fault confirmed (raised or changed) or cleared, with the instances it affects.
 */
export const CORRELATOR_SOURCE = 'nfvi.correlator';

const affectedInstance = z.object({ id: z.string(), tenantId: z.string(), alarmId: z.string() });

const faultFields = {
  host: z.string(),
  faultKey: z.string(),
  faultType: z.string(),
  impact: z.enum(faultImpacts),
  hostAlarmId: z.string(),
  instances: z.array(affectedInstance),
  transitionSeq: z.number().int(),
  observedAt: z.string(),
};

export const faultConfirmed = z.object({
  ...faultFields,
  perceivedSeverity: z.string(),
  confirmedAt: z.string(),
});

export const faultCleared = z.object({
  ...faultFields,
  clearedAt: z.string(),
});

export type FaultConfirmed = z.infer<typeof faultConfirmed>;
export type FaultCleared = z.infer<typeof faultCleared>;

export type FaultEvent =
  | { detailType: 'FaultConfirmed'; detail: FaultConfirmed }
  | { detailType: 'FaultCleared'; detail: FaultCleared };

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
