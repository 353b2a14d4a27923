import { parse as uuidParse, v5 as uuidv5 } from 'uuid';
import type { Alarm, FaultNotification } from '../contracts/etsi-alarm';
import { type Audience } from '../notifier/ports';
import type { FaultRecord } from './fault-record';

/** Parsed once: v5 would parse a namespace string again for every id (a correlator's hot path). */
const NOTIFICATION_ID_NAMESPACE = uuidParse('c0f7e7a4-6a43-4b53-9a26-0f4de2b1d6a9');

/** SNS message attributes, for subscription filter policies. */
export type NotificationAttributes = {
  notificationType: FaultNotification['notificationType'];
  eventType: string;
  perceivedSeverity: string;
  host: string;
  tenantId: string;
};

export interface Delivery {
  audience: Audience;
  notification: FaultNotification;
  attributes: NotificationAttributes;
}

/**
 * The notifications that announce the record's last transition: the root-cause host alarm
 * to the administrator, each instance alarm to the tenant that owns the instance and to
 * nobody else. Ids derive from the alarm and the transition, so a republished notification
 * keeps its id and consumers can drop the copy.
 */
export function deliveriesOf(record: FaultRecord): Delivery[] {
  if (!record.lastTransition || !record.transitionAt || !record.hostAlarm) return [];
  const { lastTransition, transitionAt, transitionSeq } = record;
  const notificationOf = (alarm: Alarm): FaultNotification => {
    const id = uuidv5(`${alarm.id}#${transitionSeq}`, NOTIFICATION_ID_NAMESPACE);
    return lastTransition === 'CLEARED'
      ? {
          id,
          notificationType: 'AlarmClearedNotification',
          timeStamp: transitionAt,
          alarmId: alarm.id,
          alarmClearedTime: alarm.alarmClearedTime ?? transitionAt,
        }
      : { id, notificationType: 'AlarmNotification', timeStamp: transitionAt, alarm };
  };
  const deliveryOf = (alarm: Alarm, audience: Audience): Delivery => {
    const notification = notificationOf(alarm);
    return {
      audience,
      notification,
      attributes: {
        notificationType: notification.notificationType,
        eventType: alarm.eventType,
        perceivedSeverity: alarm.perceivedSeverity,
        host: record.host,
        tenantId: alarm.tenantId,
      },
    };
  };
  return [
    deliveryOf(record.hostAlarm, { kind: 'admin' }),
    ...record.instanceAlarms.map((alarm) => deliveryOf(alarm, { kind: 'tenant', tenantId: alarm.tenantId })),
  ];
}
