import type { Alarm } from '../../contracts/etsi-alarm';
import type { Sol003Alarm } from '../../contracts/sol003-fm';
import type { VnffmLinks } from './vnffm-links';

/** The vimLevelResourceType of what nfvi-doctor alarms: a Nova server, or the compute host under it. */
export const SERVER_RESOURCE_TYPE = 'OS::Nova::Server';
export const HOST_RESOURCE_TYPE = 'OS::Nova::Hypervisor';

/**
 * nfvi-doctor's alarm as SOL 003 shows it. The VIM knows virtualised resources, not VNFs:
 * managedObjectId is the alarmed object (a Nova server, or the host for the administrator's
 * host alarms); an instance alarm lists that server as its one vnfcInstanceId; the root cause
 * is the host, with its VIM-level resource type.
 */
export function sol003AlarmOf(alarm: Alarm, acknowledgedAt: string | undefined, links: VnffmLinks): Sol003Alarm {
  const { faultyResource, faultyResourceType } = alarm.rootCauseFaultyResource;
  return {
    id: alarm.id,
    managedObjectId: alarm.managedObjectId,
    ...(alarm.isRootCause ? {} : { vnfcInstanceIds: [alarm.managedObjectId] }),
    rootCauseFaultyResource: {
      faultyResource: { ...faultyResource, vimLevelResourceType: HOST_RESOURCE_TYPE },
      faultyResourceType,
    },
    alarmRaisedTime: alarm.alarmRaisedTime,
    ...(alarm.alarmChangedTime ? { alarmChangedTime: alarm.alarmChangedTime } : {}),
    ...(alarm.alarmClearedTime ? { alarmClearedTime: alarm.alarmClearedTime } : {}),
    ...(alarm.ackState === 'ACKNOWLEDGED' && acknowledgedAt ? { alarmAcknowledgedTime: acknowledgedAt } : {}),
    ackState: alarm.ackState,
    perceivedSeverity: alarm.perceivedSeverity,
    eventTime: alarm.eventTime,
    eventType: alarm.eventType,
    faultType: alarm.faultType,
    probableCause: alarm.probableCause,
    isRootCause: alarm.isRootCause,
    correlatedAlarmIds: alarm.correlatedAlarmIds,
    faultDetails: alarm.faultDetails,
    _links: {
      self: { href: links.alarm(alarm.id) },
      objectInstance: { href: links.objectAlarms(alarm.managedObjectId) },
    },
  };
}
