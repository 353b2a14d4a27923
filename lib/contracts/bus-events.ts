import { z } from 'zod';
import { faultImpacts } from './fault-catalogue';
import { actionPlugin } from './fenix';

/**
 * Every event on the nfvi-doctor bus, by source. The collectors' telemetry (source
 * nfvi.collector) is the southbound contract (./southbound.ts); everything else nfvi-doctor's
 * own functions put on the bus for each other, and operator automation answers under its own source.
 */
export const COLLECTOR_SOURCE = 'nfvi.collector';
export const CORRELATOR_SOURCE = 'nfvi.correlator';
export const VIM_ADAPTER_SOURCE = 'nfvi.vim-adapter';
export const FENCING_SOURCE = 'nfvi.fencing';
export const RECOVERY_SOURCE = 'nfvi.recovery';
export const MAINTENANCE_SOURCE = 'nfvi.maintenance';
/** The source operator automation puts its answers to the maintenance hook under. */
export const OPERATOR_SOURCE = 'nfvi.operator';

// --- nfvi.correlator: a fault confirmed (raised or changed) or cleared, with the instances it
// affects, for the VIM adapter first, then fencing and recovery.

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

// --- nfvi.vim-adapter: what the VIM adapter did for a host (Doctor's profiler points T03/T04 included).

export const VIM_ACTIONS_APPLIED = 'VimActionsApplied';
export const vimActionsApplied = z.object({
  host: z.string(),
  /** applied; or maintenance: the host is in maintenance, its instances were left alone. */
  outcome: z.enum(['applied', 'maintenance']),
  forcedDown: z.boolean().optional(),
  /** Doctor's T04: the host's compute service forced down. */
  forcedDownAt: z.string().optional(),
  /** Doctor's T03: the host's instances reset to error. */
  instancesErroredAt: z.string().optional(),
  resetToError: z.number().int().nonnegative(),
});
export type VimActionsApplied = z.infer<typeof vimActionsApplied>;

// --- nfvi.fencing: a dead host powered off (or not), for the correlator's alarm and the recovery.

/** How a host was fenced: through its BMC, or confirmed by an administrator who powered it off. */
export const fencingMethod = z.enum(['ipmi', 'redfish', 'manual']);
export type FencingMethod = z.infer<typeof fencingMethod>;

export const hostFenced = z.object({
  host: z.string().min(1),
  /** The host-down alarm the fencing answers: one death, one fencing. */
  hostAlarmId: z.string().min(1),
  method: fencingMethod,
  powerState: z.literal('off'),
  fencedAt: z.string(),
  /** When the host's death was confirmed (the FaultConfirmed), for the time to fence. */
  confirmedAt: z.string(),
});
export type HostFenced = z.infer<typeof hostFenced>;

export const hostFencingFailed = z.object({
  host: z.string().min(1),
  hostAlarmId: z.string().min(1),
  reason: z.string(),
  attempts: z.number().int().nonnegative(),
  failedAt: z.string(),
});
export type HostFencingFailed = z.infer<typeof hostFencingFailed>;

export type FencingEvent =
  | { detailType: 'HostFenced'; detail: HostFenced }
  | { detailType: 'HostFencingFailed'; detail: HostFencingFailed };

// --- nfvi.recovery: the fault API's event when a tenant answered during the grace period.

export const RECOVERY_ANSWERED = 'RecoveryAnswered';
export const recoveryAnswered = z.object({ tenantId: z.string().min(1), recoveryId: z.string().min(1) });

// --- nfvi.maintenance and nfvi.operator: the maintenance workflow's own wake-up call, its hook
// asking operator automation to maintain a host, and the operator's answers.

const sessionId = z.string().min(1).max(255);

/** Asks the workflow function to carry out what a decision left to do. */
export const MAINTENANCE_WORK = 'MaintenanceWork';
export const maintenanceWork = z.object({ session_id: sessionId });

/** The operator hook: an emptied host is the operator's to maintain until it answers. */
export const HOST_MAINTENANCE_REQUESTED = 'HostMaintenanceRequested';
export const hostMaintenanceRequested = z.object({
  session_id: sessionId,
  host: sessionId,
  metadata: z.record(z.string(), z.unknown()),
  /** The session's host action plug-ins (type host or compute): what the operator runs on the host. */
  actions: z.array(actionPlugin).default([]),
  /** The session's deadline for the operator's answer. */
  answer_by: z.string().optional(),
});
export type HostMaintenanceRequested = z.infer<typeof hostMaintenanceRequested>;

/**
 * The operator hook for a session's `pre` plug-ins (once, before the first host is emptied) and
 * its `post` ones (once, after the last host is maintained).
 */
export const MAINTENANCE_ACTIONS_REQUESTED = 'MaintenanceActionsRequested';
export const actionPhase = z.enum(['pre', 'post']);
export const maintenanceActionsRequested = z.object({
  session_id: sessionId,
  phase: actionPhase,
  metadata: z.record(z.string(), z.unknown()),
  actions: z.array(actionPlugin),
  answer_by: z.string().optional(),
});
export type MaintenanceActionsRequested = z.infer<typeof maintenanceActionsRequested>;

export const MAINTENANCE_ACTIONS_COMPLETED = 'MaintenanceActionsCompleted';
export const maintenanceActionsCompleted = z.object({ session_id: sessionId, phase: actionPhase });

export const MAINTENANCE_ACTIONS_FAILED = 'MaintenanceActionsFailed';
export const maintenanceActionsFailed = z.object({
  session_id: sessionId,
  phase: actionPhase,
  reason: z.string().min(1).max(1000),
});

export const HOST_MAINTENANCE_COMPLETED = 'HostMaintenanceCompleted';
export const hostMaintenanceCompleted = z.object({ session_id: sessionId, host: sessionId });

export const HOST_MAINTENANCE_FAILED = 'HostMaintenanceFailed';
export const hostMaintenanceFailed = z.object({
  session_id: sessionId,
  host: sessionId,
  reason: z.string().min(1).max(1000),
});
