import { z } from 'zod';
import type { SessionEvent } from '../session/session';

/** The source of the maintenance workflow's own bus events. */
export const MAINTENANCE_SOURCE = 'nfvi.maintenance';
/** Asks the workflow function to carry out what a decision left to do. */
export const MAINTENANCE_WORK = 'MaintenanceWork';
/** The source operator automation puts its answers to the maintenance hook under. */
export const OPERATOR_SOURCE = 'nfvi.operator';
export const HOST_MAINTENANCE_COMPLETED = 'HostMaintenanceCompleted';
export const HOST_MAINTENANCE_FAILED = 'HostMaintenanceFailed';

const id = z.string().min(1).max(255);

const trigger = z.discriminatedUnion('detail-type', [
  z.object({
    'detail-type': z.literal(MAINTENANCE_WORK),
    source: z.literal(MAINTENANCE_SOURCE),
    detail: z.object({ session_id: id }),
  }),
  z.object({
    'detail-type': z.literal(HOST_MAINTENANCE_COMPLETED),
    source: z.literal(OPERATOR_SOURCE),
    detail: z.object({ session_id: id, host: id }),
  }),
  z.object({
    'detail-type': z.literal(HOST_MAINTENANCE_FAILED),
    source: z.literal(OPERATOR_SOURCE),
    detail: z.object({ session_id: id, host: id, reason: z.string().min(1).max(1000) }),
  }),
]);

export type WorkflowTrigger =
  | { kind: 'valid'; sessionId: string; event?: SessionEvent }
  | { kind: 'invalid'; reason: string };

/** The session an EventBridge event concerns, and the operator's answer it carries, if any. */
export function workflowTrigger(raw: unknown): WorkflowTrigger {
  const parsed = trigger.safeParse(raw);
  if (!parsed.success) return { kind: 'invalid', reason: z.prettifyError(parsed.error) };
  const e = parsed.data;
  switch (e['detail-type']) {
    case MAINTENANCE_WORK:
      return { kind: 'valid', sessionId: e.detail.session_id };
    case HOST_MAINTENANCE_COMPLETED:
      return {
        kind: 'valid',
        sessionId: e.detail.session_id,
        event: { type: 'host-maintenance-done', host: e.detail.host },
      };
    case HOST_MAINTENANCE_FAILED:
      return {
        kind: 'valid',
        sessionId: e.detail.session_id,
        event: { type: 'host-maintenance-failed', host: e.detail.host, reason: e.detail.reason },
      };
  }
}
