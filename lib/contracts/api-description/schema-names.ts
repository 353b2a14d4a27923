import { zodToOpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { fencingConfirmation } from '../../fencing/confirm-fencing';
import { fenceRecord } from '../../fencing/fencing';
import { ingestAnswer } from '../../inspector/ingest/ingest-fault-reports';
import { inventorySyncSummary } from '../../inventory/sync-inventory';
import {
  projectInstances,
  sessionCreated,
  sessionDeleted,
  sessionList,
  sessionView,
  tenantReplyAnswer,
} from '../../maintenance/api/session-view';
import { instanceConstraint, instanceGroupConstraint } from '../../maintenance/constraints/constraints';
import { aodhSubscriptionRequest, aodhSubscriptionView } from '../../notifier/callbacks/aodh-subscriptions';
import { subscriptionFilter, subscriptionRequest, subscriptionView } from '../../notifier/subscription';
import { alarmModifications as faultApiAlarmModifications } from '../../notifier/tenant-alarms';
import { tenantTopicAnswer } from '../../notifier/tenant-topic';
import { tenantPolicyRequest, tenantPolicyView } from '../../recovery/recovery-policy';
import { recoveryAnswerRequest } from '../../recovery/tenant-recoveries';
import { aodhEvent, aodhEventAlarm } from '../aodh-event-alarm';
import {
  faultCleared,
  faultConfirmed,
  hostFenced,
  hostFencingFailed,
  hostMaintenanceCompleted,
  hostMaintenanceFailed,
  hostMaintenanceRequested,
  maintenanceActionsCompleted,
  maintenanceActionsFailed,
  maintenanceActionsRequested,
  maintenanceWork,
  recoveryAnswered,
  vimActionsApplied,
} from '../bus-events';
import {
  alarm,
  alarmClearedNotification,
  alarmNotification,
  eventType,
  faultyResourceType,
  perceivedSeverity,
} from '../etsi-alarm';
import {
  createSessionBody,
  hostNotification,
  sessionNotification,
  tenantInstanceActionDone,
  tenantNotification,
  tenantScheduled,
  tenantSessionFailed,
} from '../fenix';
import { recoveryNotification, recoveryViewSchema } from '../recovery-notification';
import {
  alarmListRebuiltNotification,
  apiVersionInformation,
  fmNotificationsFilter,
  fmSubscription,
  fmSubscriptionRequest,
  problemDetails,
  resourceHandle,
  sol003Alarm,
  sol003AlarmClearedNotification,
  alarmModifications as sol003AlarmModifications,
  sol003AlarmNotification,
  subscriptionAuthentication,
} from '../sol003-fm';
import {
  failurePredictionDetail,
  faultReportDetail,
  hardwareEventDetail,
  hostHeartbeatDetail,
  hypervisorStateDetail,
  linkStateDetail,
  peerReachabilityDetail,
} from '../southbound';
import { apiError } from './errors';
import { documentedTenantReply } from './routes/maintenance';

/**
 * The schemas the documents name: each becomes a component (`#/components/schemas/<name>`) and
 * every use of that very schema, nested anywhere, a reference to it. The names are the
 * documents' public vocabulary: renaming one changes both documents. A schema used somewhere as
 * `.nullable()` is not named (fenix's sessionState): zod-to-openapi 8 would give the component
 * the nullability of its first use, or an `allOf` that refuses the null.
 */
export const NAMED_SCHEMAS: ReadonlyArray<readonly [string, z.ZodType]> = [
  // The house API's shared pieces.
  ['Error', apiError],
  // ETSI alarms and their notifications (the fault API, the SNS topics).
  ['PerceivedSeverity', perceivedSeverity],
  ['EventType', eventType],
  ['FaultyResourceType', faultyResourceType],
  ['Alarm', alarm],
  ['AlarmNotification', alarmNotification],
  ['AlarmClearedNotification', alarmClearedNotification],
  ['AlarmModifications', faultApiAlarmModifications],
  ['SubscriptionFilter', subscriptionFilter],
  ['SubscriptionRequest', subscriptionRequest],
  ['Subscription', subscriptionView],
  ['AodhSubscriptionRequest', aodhSubscriptionRequest],
  ['AodhSubscription', aodhSubscriptionView],
  ['TenantTopic', tenantTopicAnswer],
  ['InventorySyncSummary', inventorySyncSummary],
  // Recovery and fencing.
  ['Recovery', recoveryViewSchema],
  ['RecoveryNotification', recoveryNotification],
  ['RecoveryAnswerRequest', recoveryAnswerRequest],
  ['RecoveryPolicyRequest', tenantPolicyRequest],
  ['RecoveryPolicy', tenantPolicyView],
  ['FencingConfirmation', fencingConfirmation],
  ['FenceRecord', fenceRecord],
  // Fenix's maintenance.
  ['CreateMaintenanceSession', createSessionBody],
  ['MaintenanceSessionCreated', sessionCreated],
  ['MaintenanceSessionList', sessionList],
  ['MaintenanceSession', sessionView],
  ['MaintenanceSessionDeleted', sessionDeleted],
  ['ProjectInstances', projectInstances],
  ['TenantReply', documentedTenantReply],
  ['TenantReplyAnswer', tenantReplyAnswer],
  ['InstanceConstraint', instanceConstraint],
  ['InstanceGroupConstraint', instanceGroupConstraint],
  ['MaintenanceScheduled', tenantScheduled],
  ['MaintenanceInstanceActionDone', tenantInstanceActionDone],
  ['MaintenanceSessionFailed', tenantSessionFailed],
  ['MaintenanceTenantNotification', tenantNotification],
  ['MaintenanceHost', hostNotification],
  ['MaintenanceSessionChanged', sessionNotification],
  // The compatibility ingest.
  ['IngestAnswer', ingestAnswer],
  // ETSI NFV-SOL 003 fault management (/vnffm/v1) and SOL 013's common types.
  ['ProblemDetails', problemDetails],
  ['ApiVersionInformation', apiVersionInformation],
  ['ResourceHandle', resourceHandle],
  ['Sol003Alarm', sol003Alarm],
  ['Sol003AlarmModifications', sol003AlarmModifications],
  ['FmNotificationsFilter', fmNotificationsFilter],
  ['SubscriptionAuthentication', subscriptionAuthentication],
  ['FmSubscriptionRequest', fmSubscriptionRequest],
  ['FmSubscription', fmSubscription],
  ['Sol003AlarmNotification', sol003AlarmNotification],
  ['Sol003AlarmClearedNotification', sol003AlarmClearedNotification],
  ['AlarmListRebuiltNotification', alarmListRebuiltNotification],
  // Aodh's event alarm, as nfvi-doctor POSTs it to Aodh-format callbacks.
  ['AodhEventAlarm', aodhEventAlarm],
  ['AodhEvent', aodhEvent],
  // The bus: the collectors' telemetry and nfvi-doctor's own events.
  ['LinkState', linkStateDetail],
  ['HostHeartbeat', hostHeartbeatDetail],
  ['PeerReachability', peerReachabilityDetail],
  ['HardwareEvent', hardwareEventDetail],
  ['HypervisorState', hypervisorStateDetail],
  ['FaultReport', faultReportDetail],
  ['FailurePrediction', failurePredictionDetail],
  ['FaultConfirmed', faultConfirmed],
  ['FaultCleared', faultCleared],
  ['VimActionsApplied', vimActionsApplied],
  ['HostFenced', hostFenced],
  ['HostFencingFailed', hostFencingFailed],
  ['RecoveryAnswered', recoveryAnswered],
  ['MaintenanceWork', maintenanceWork],
  ['HostMaintenanceRequested', hostMaintenanceRequested],
  ['HostMaintenanceCompleted', hostMaintenanceCompleted],
  ['HostMaintenanceFailed', hostMaintenanceFailed],
  ['MaintenanceActionsRequested', maintenanceActionsRequested],
  ['MaintenanceActionsCompleted', maintenanceActionsCompleted],
  ['MaintenanceActionsFailed', maintenanceActionsFailed],
];

/**
 * Names the schemas for the generator. The names are kept in zod-to-openapi's own registry,
 * keyed by the schema itself (zod's global registry and the schemas stay untouched, and no
 * schema is copied, so a nested use is recognised); naming again is harmless.
 */
export function nameSchemas(): void {
  for (const [name, schema] of NAMED_SCHEMAS) {
    const current = zodToOpenAPIRegistry.get(schema) as { _internal?: { refId?: string } } | undefined;
    if (current?._internal?.refId === name) continue;
    zodToOpenAPIRegistry.add(schema, { ...current, _internal: { ...current?._internal, refId: name } });
  }
}
