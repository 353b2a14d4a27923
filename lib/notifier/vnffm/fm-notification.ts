import { v5 as uuidv5 } from 'uuid';
import type { FaultNotification } from '../../contracts/etsi-alarm';
import type { FmNotificationsFilter, Sol003FmNotification } from '../../contracts/sol003-fm';
import type { AlarmView } from '../alarm-query';
import { sol003AlarmOf } from './sol003-alarm';
import type { VnffmLinks } from './vnffm-links';

const NOTIFICATION_ID_NAMESPACE = '7d0c8d55-36a6-4f55-8f59-8a1d8f4f6b42';

/** One subscription's copy of a notification has its own id, the same at every retry and redelivery. */
export const notificationIdFor = (notificationId: string, subscriptionId: string) =>
  uuidv5(`${notificationId}|${subscriptionId}`, NOTIFICATION_ID_NAMESPACE);

/**
 * Whether a fault notification passes a subscription's FmNotificationsFilter. A clear carries
 * only the alarm's id: it is judged by the alarm it clears (`alarm`, when still known), with
 * the severity the alarm was raised with, so that a consumer told of an alarm is told it ended.
 */
export function passesFmFilter(
  filter: FmNotificationsFilter | undefined,
  notificationType: Sol003FmNotification['notificationType'],
  alarm: AlarmView | undefined,
): boolean {
  if (!filter) return true;
  if (filter.notificationTypes && !filter.notificationTypes.includes(notificationType)) return false;
  if (notificationType === 'AlarmListRebuiltNotification' || !alarm) return true;
  const { alarm: a, severity } = alarm;
  return (
    (!filter.faultyResourceTypes ||
      filter.faultyResourceTypes.includes(a.rootCauseFaultyResource.faultyResourceType)) &&
    (!filter.perceivedSeverities || filter.perceivedSeverities.includes(severity)) &&
    (!filter.eventTypes || filter.eventTypes.includes(a.eventType)) &&
    (!filter.probableCauses || filter.probableCauses.includes(a.probableCause))
  );
}

/** A published fault notification as SOL 003 POSTs it to one subscription's callback. */
export function sol003NotificationOf(
  notification: FaultNotification,
  subscriptionId: string,
  alarm: AlarmView | undefined,
  links: VnffmLinks,
): Sol003FmNotification {
  const common = {
    id: notificationIdFor(notification.id, subscriptionId),
    subscriptionId,
    timeStamp: notification.timeStamp,
  };
  const subscription = { href: links.subscription(subscriptionId) };
  if (notification.notificationType === 'AlarmNotification') {
    return {
      ...common,
      notificationType: 'AlarmNotification',
      alarm: sol003AlarmOf(notification.alarm, alarm?.acknowledgedAt, links),
      _links: { subscription },
    };
  }
  return {
    ...common,
    notificationType: 'AlarmClearedNotification',
    alarmId: notification.alarmId,
    alarmClearedTime: notification.alarmClearedTime,
    _links: { subscription, alarm: { href: links.alarm(notification.alarmId) } },
  };
}

/** What a subscriber that lost notifications is told: read the alarm list again. */
export function alarmListRebuiltOf(subscriptionId: string, lostId: string, now: Date, links: VnffmLinks) {
  return {
    id: notificationIdFor(`rebuilt|${lostId}`, subscriptionId),
    notificationType: 'AlarmListRebuiltNotification' as const,
    subscriptionId,
    timeStamp: now.toISOString(),
    _links: { subscription: { href: links.subscription(subscriptionId) }, alarms: { href: links.alarms } },
  };
}
