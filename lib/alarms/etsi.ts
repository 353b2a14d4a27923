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
