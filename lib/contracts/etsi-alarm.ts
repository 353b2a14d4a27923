import { z } from 'zod';

/** ETSI NFV SOL 003 data types used in alarms (PerceivedSeverityType, EventType, FaultyResourceType). */
export const perceivedSeverity = z.enum(['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'INDETERMINATE', 'CLEARED']);
export const eventType = z.enum([
  'COMMUNICATIONS_ALARM',
  'PROCESSING_ERROR_ALARM',
  'ENVIRONMENTAL_ALARM',
  'QOS_ALARM',
  'EQUIPMENT_ALARM',
]);
export const faultyResourceType = z.enum(['COMPUTE', 'STORAGE', 'NETWORK']);

export type PerceivedSeverity = z.infer<typeof perceivedSeverity>;
export type EventType = z.infer<typeof eventType>;
export type FaultyResourceType = z.infer<typeof faultyResourceType>;

/** The northbound alarm (ETSI NFV SOL 003 Alarm, as the contracts define it). */
export const alarm = z.object({
  id: z.string(),
  managedObjectId: z.string(),
  tenantId: z.string(),
  rootCauseFaultyResource: z.object({
    faultyResource: z.object({ vimConnectionId: z.string(), resourceId: z.string() }),
    faultyResourceType,
  }),
  alarmRaisedTime: z.string(),
  alarmChangedTime: z.string().optional(),
  alarmClearedTime: z.string().optional(),
  ackState: z.enum(['UNACKNOWLEDGED', 'ACKNOWLEDGED']),
  perceivedSeverity,
  eventTime: z.string(),
  eventType,
  faultType: z.string(),
  probableCause: z.string(),
  isRootCause: z.boolean(),
  correlatedAlarmIds: z.array(z.string()),
  faultDetails: z.array(z.string()),
});

export const alarmNotification = z.object({
  id: z.string(),
  notificationType: z.literal('AlarmNotification'),
  subscriptionId: z.string().optional(),
  timeStamp: z.string(),
  alarm,
});

export const alarmClearedNotification = z.object({
  id: z.string(),
  notificationType: z.literal('AlarmClearedNotification'),
  subscriptionId: z.string().optional(),
  timeStamp: z.string(),
  alarmId: z.string(),
  alarmClearedTime: z.string(),
});

export const faultNotification = z.discriminatedUnion('notificationType', [
  alarmNotification,
  alarmClearedNotification,
]);

export type Alarm = z.infer<typeof alarm>;
export type AlarmNotification = z.infer<typeof alarmNotification>;
export type AlarmClearedNotification = z.infer<typeof alarmClearedNotification>;
export type FaultNotification = z.infer<typeof faultNotification>;
