import { z } from 'zod';
import {
  HOST_MAINTENANCE_COMPLETED,
  HOST_MAINTENANCE_FAILED,
  MAINTENANCE_ACTIONS_COMPLETED,
  MAINTENANCE_ACTIONS_FAILED,
  MAINTENANCE_SOURCE,
  MAINTENANCE_WORK,
  OPERATOR_SOURCE,
  hostMaintenanceCompleted,
  hostMaintenanceFailed,
  maintenanceActionsCompleted,
  maintenanceActionsFailed,
  maintenanceWork,
} from '../../contracts/bus-events';
import type { SessionEvent } from '../session/session';

const trigger = z.discriminatedUnion('detail-type', [
  z.object({
    'detail-type': z.literal(MAINTENANCE_WORK),
    source: z.literal(MAINTENANCE_SOURCE),
    detail: maintenanceWork,
  }),
  z.object({
    'detail-type': z.literal(HOST_MAINTENANCE_COMPLETED),
    source: z.literal(OPERATOR_SOURCE),
    detail: hostMaintenanceCompleted,
  }),
  z.object({
    'detail-type': z.literal(HOST_MAINTENANCE_FAILED),
    source: z.literal(OPERATOR_SOURCE),
    detail: hostMaintenanceFailed,
  }),
  z.object({
    'detail-type': z.literal(MAINTENANCE_ACTIONS_COMPLETED),
    source: z.literal(OPERATOR_SOURCE),
    detail: maintenanceActionsCompleted,
  }),
  z.object({
    'detail-type': z.literal(MAINTENANCE_ACTIONS_FAILED),
    source: z.literal(OPERATOR_SOURCE),
    detail: maintenanceActionsFailed,
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
    case MAINTENANCE_ACTIONS_COMPLETED:
      return {
        kind: 'valid',
        sessionId: e.detail.session_id,
        event: { type: 'session-actions-done', phase: e.detail.phase },
      };
    case MAINTENANCE_ACTIONS_FAILED:
      return {
        kind: 'valid',
        sessionId: e.detail.session_id,
        event: { type: 'session-actions-failed', phase: e.detail.phase, reason: e.detail.reason },
      };
  }
}
