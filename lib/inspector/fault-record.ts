import { z } from 'zod';
import { alarm } from '../contracts/etsi-alarm';
import { faultImpacts } from '../contracts/fault-catalogue';

export const transition = z.enum(['RAISED', 'UPDATED', 'CLEARED']);
export type Transition = z.infer<typeof transition>;

export const observation = z.object({
  collectorId: z.string(),
  seq: z.number().int(),
  observedAt: z.string(),
  /** When the correlator applied it (its own clock): bounds how far a fast clock's observedAt can reach. */
  appliedAt: z.string().optional(),
});

/**
 * The state of one fault of one host (host + fault key), with the alarms it raised.
 * `version` guards concurrent writers; `transitionSeq` counts the transitions that notify
 * and `publishedSeq` the last one whose notifications went out, so that a retry after a
 * crash republishes exactly what was not yet confirmed as sent; `recordedSeq` the last one the
 * fault API's copy of the alarms shows, written after the notifications and redone the same way.
 */
export const faultRecord = z.object({
  host: z.string(),
  faultKey: z.string(),
  status: z.enum(['ACTIVE', 'CLEARED']),
  version: z.number().int().nonnegative(),
  transitionSeq: z.number().int().nonnegative(),
  publishedSeq: z.number().int().nonnegative(),
  publishFailedSeq: z.number().int().nonnegative().optional(),
  recordedSeq: z.number().int().nonnegative().optional(),
  /** When the invocation that stored the last transition will have ended, published or not. */
  publishBy: z.string().optional(),
  raisedSeq: z.number().int().nonnegative(),
  lastTransition: transition.optional(),
  transitionAt: z.string().optional(),
  lastObservation: observation,
  bootId: z.string().optional(),
  impact: z.enum(faultImpacts).optional(),
  hostAlarm: alarm.optional(),
  instanceAlarms: z.array(alarm),
  /**
   * The transition that only said the host is fenced: notified, but not announced on the bus,
   * because it asks nothing more of the VIM (a second reset of instances being evacuated would break them).
   */
  fencedSeq: z.number().int().nonnegative().optional(),
  /**
   * Chosen at random when the record is created, and part of every alarm id it derives: a fault
   * whose record was lost (a table recreated, an item expired) raises alarms with new ids, never
   * those of the alarms consumers saw before.
   */
  epoch: z.string().optional(),
  /** Flap damping: how often the fault changed lately, and whether its clear is held (./flap-damping.ts). */
  flap: z
    .object({
      penalty: z.number().nonnegative(),
      at: z.string(),
      holding: z.boolean(),
      observedActive: z.boolean(),
    })
    .optional(),
  /** When the correlator's sweeper must look at the record again: an unpublished transition, or a held clear. */
  dueAt: z.string().optional(),
});

export type FaultRecord = z.infer<typeof faultRecord>;

/** Whether the record's last transition, published, is not yet in the fault API's copy of the alarms. */
export function needsRecording(record: FaultRecord): boolean {
  const published = record.publishedSeq >= record.transitionSeq;
  return record.lastTransition !== undefined && published && (record.recordedSeq ?? 0) < record.transitionSeq;
}

/**
 * Whether another invocation must publish the record's last transition: its publisher
 * reported a failure, or its invocation has ended (timed out or died) without publishing.
 * Until then a duplicate event leaves publishing to the invocation that is doing it.
 */
export function needsRepublish(record: FaultRecord, now: Date): boolean {
  if (!record.lastTransition || record.publishedSeq >= record.transitionSeq) return false;
  if (record.publishFailedSeq === record.transitionSeq) return true;
  return record.publishBy === undefined || now.getTime() > Date.parse(record.publishBy);
}
