import { z } from 'zod';
import { type Alarm, perceivedSeverity, type PerceivedSeverity } from '../contracts/etsi-alarm';
import { tenantId } from '../contracts/inventory';

/** Most severe first; CLEARED is not a severity an alarm is raised with. */
const SEVERITY_RANK: Record<PerceivedSeverity, number> = {
  CRITICAL: 5,
  MAJOR: 4,
  MINOR: 3,
  WARNING: 2,
  INDETERMINATE: 1,
  CLEARED: 0,
};

const instant = z.iso.datetime({ offset: true });

/**
 * Doctor's FaultQuery as query parameters of GET /v1/alarms. Each filter narrows the list:
 * `resourceId` matches the alarmed object (instance or host) or the faulty resource (host);
 * `minSeverity` the severity the alarm was raised or last updated with, also once cleared;
 * `since`/`until` keep the alarms active at some time in that range; `state` active (default),
 * cleared or all; `tenantId` (administrators only) reads another project's alarms.
 */
export const alarmQuery = z
  .object({
    resourceId: z.string().min(1).optional(),
    faultType: z.string().min(1).optional(),
    minSeverity: perceivedSeverity.exclude(['CLEARED']).optional(),
    since: instant.optional(),
    until: instant.optional(),
    state: z.enum(['active', 'cleared', 'all']).default('active'),
    tenantId: tenantId.optional(),
  })
  .strict()
  .refine((q) => !q.since || !q.until || Date.parse(q.since) <= Date.parse(q.until), {
    message: 'since must not be after until',
    path: ['since'],
  });

export type AlarmQuery = z.infer<typeof alarmQuery>;

/** An alarm as the fault API keeps it: the alarm, its acknowledgement and the severity it was raised with. */
export interface AlarmView {
  alarm: Alarm;
  /** The last severity other than CLEARED, so that a cleared alarm still matches minSeverity. */
  severity: PerceivedSeverity;
  /** When it was last acknowledged, while it is. */
  acknowledgedAt?: string;
}

export function matchesQuery(view: AlarmView, query: AlarmQuery): boolean {
  const { alarm } = view;
  const cleared = alarm.alarmClearedTime !== undefined;
  if (query.state === 'active' && cleared) return false;
  if (query.state === 'cleared' && !cleared) return false;
  if (
    query.resourceId !== undefined &&
    alarm.managedObjectId !== query.resourceId &&
    alarm.rootCauseFaultyResource.faultyResource.resourceId !== query.resourceId
  )
    return false;
  if (query.faultType !== undefined && alarm.faultType !== query.faultType) return false;
  if (query.minSeverity !== undefined && SEVERITY_RANK[view.severity] < SEVERITY_RANK[query.minSeverity]) return false;
  if (query.until !== undefined && Date.parse(alarm.alarmRaisedTime) > Date.parse(query.until)) return false;
  if (query.since !== undefined && cleared && Date.parse(alarm.alarmClearedTime as string) < Date.parse(query.since))
    return false;
  return true;
}

/** The alarms that match, newest first. */
export function selectAlarms(views: readonly AlarmView[], query: AlarmQuery): Alarm[] {
  return views
    .filter((view) => matchesQuery(view, query))
    .map((view) => view.alarm)
    .sort((a, b) => Date.parse(b.alarmRaisedTime) - Date.parse(a.alarmRaisedTime) || a.id.localeCompare(b.id));
}
