import type { z } from 'zod';
import { aodhEventAlarm } from '../aodh-event-alarm';
import {
  COLLECTOR_SOURCE,
  CORRELATOR_SOURCE,
  faultCleared,
  faultConfirmed,
  FENCING_SOURCE,
  hostFenced,
  hostFencingFailed,
  hostMaintenanceCompleted,
  hostMaintenanceFailed,
  hostMaintenanceRequested,
  MAINTENANCE_SOURCE,
  maintenanceActionsCompleted,
  maintenanceActionsFailed,
  maintenanceActionsRequested,
  maintenanceWork,
  OPERATOR_SOURCE,
  RECOVERY_SOURCE,
  recoveryAnswered,
  VIM_ACTIONS_APPLIED,
  VIM_ADAPTER_SOURCE,
  vimActionsApplied,
} from '../bus-events';
import { alarmClearedNotification, alarmNotification, eventType, perceivedSeverity } from '../etsi-alarm';
import { hostNotification, sessionNotification, sessionState, tenantNotification } from '../fenix';
import { recoveryNotification, recoveryState } from '../recovery-notification';
import {
  alarmListRebuiltNotification,
  SOL003_FM_API_VERSION,
  sol003AlarmClearedNotification,
  sol003AlarmNotification,
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

/** A message of the AsyncAPI document: its payload a zod schema (named in ./schema-names.ts). */
export interface MessageSpec {
  title: string;
  summary: string;
  payload: z.ZodType;
  /** The JSON schema of its headers: SNS message attributes, HTTP headers. */
  headers?: object;
  /** EventBridge's source and detail-type: the payload is the event's detail. */
  event?: { source: string; detailType: string };
}

const attributes = (properties: Record<string, object>, required: string[]) => ({
  type: 'object',
  description: 'SNS message attributes (String), for subscription filter policies.',
  properties,
  required,
});

const ALARM_ATTRIBUTES = attributes(
  {
    notificationType: { type: 'string', enum: ['AlarmNotification', 'AlarmClearedNotification'] },
    eventType: { $ref: '#/components/schemas/EventType' },
    perceivedSeverity: { $ref: '#/components/schemas/PerceivedSeverity', description: 'CLEARED on a clear.' },
    host: { type: 'string', description: 'The faulty host.' },
    tenantId: {
      type: 'string',
      description: 'Whose alarm: the instance owner, or the admin project for a host alarm.',
    },
  },
  ['notificationType', 'eventType', 'perceivedSeverity', 'host', 'tenantId'],
);

const SOL003_HEADERS = {
  type: 'object',
  properties: {
    'Content-Type': { type: 'string', const: 'application/json' },
    Version: { type: 'string', const: SOL003_FM_API_VERSION },
    Authorization: {
      type: 'string',
      description:
        "As the subscription's `authentication` says: Basic, or Bearer with an OAuth 2.0 client credentials token.",
    },
  },
  required: ['Content-Type', 'Version'],
};

/**
 * The notifications nfvi-doctor publishes to the SNS topics: the body is the SNS `Message`
 * (JSON), the attributes its `MessageAttributes`.
 */
export const TOPIC_MESSAGES = {
  AlarmNotification: {
    title: 'Alarm raised or changed',
    summary:
      'ETSI SOL 003 AlarmNotification: a new alarm, or the same alarm again with alarmChangedTime when its severity or fault type changes. The id is derived from the alarm and the transition: drop ids already seen.',
    payload: alarmNotification,
    headers: ALARM_ATTRIBUTES,
  },
  AlarmClearedNotification: {
    title: 'Alarm cleared',
    summary: 'ETSI SOL 003 AlarmClearedNotification: the fault ended.',
    payload: alarmClearedNotification,
    headers: ALARM_ATTRIBUTES,
  },
  MaintenanceScheduled: {
    title: 'Maintenance: the tenant is asked, or told',
    summary:
      "Fenix's maintenance.scheduled: a state to answer at reply_url (PUT /v1/maintenance/{session_id}/{project_id}), an instance moved (INSTANCE_ACTION_DONE), or the session failed.",
    payload: tenantNotification,
    headers: attributes(
      {
        eventType: { type: 'string', const: 'maintenance.scheduled' },
        state: { type: 'string' },
        tenantId: { type: 'string' },
      },
      ['eventType', 'state', 'tenantId'],
    ),
  },
  MaintenanceHost: {
    title: 'Maintenance: a host in or out of maintenance',
    summary: "Fenix's maintenance.host, to the administrator.",
    payload: hostNotification,
    headers: attributes(
      {
        eventType: { type: 'string', const: 'maintenance.host' },
        state: { type: 'string', enum: hostNotification.shape.state.options },
        host: { type: 'string' },
      },
      ['eventType', 'state', 'host'],
    ),
  },
  MaintenanceSession: {
    title: "Maintenance: a session's state changed",
    summary: 'maintenance.session, to the administrator, on every session state change.',
    payload: sessionNotification,
    headers: attributes(
      {
        eventType: { type: 'string', const: 'maintenance.session' },
        state: { type: 'string', enum: sessionState.options },
      },
      ['eventType', 'state'],
    ),
  },
  RecoveryNotification: {
    title: 'Recovery changed',
    summary:
      "A tenant recovery after a host's death changed: to the tenant's topic and the admin topic. A repeat keeps its id.",
    payload: recoveryNotification,
    headers: attributes(
      {
        eventType: { type: 'string', const: 'recovery' },
        state: { type: 'string', enum: recoveryState.options },
        host: { type: 'string' },
        tenantId: { type: 'string' },
      },
      ['eventType', 'state', 'host', 'tenantId'],
    ),
  },
} satisfies Record<string, MessageSpec>;

/** What nfvi-doctor POSTs to a SOL 003 subscription's callbackUri (expecting 204 No Content). */
export const SOL003_CALLBACK_MESSAGES = {
  Sol003AlarmNotification: {
    title: 'SOL 003 alarm raised or changed',
    summary: 'SOL 003 AlarmNotification (7.5.2.5).',
    payload: sol003AlarmNotification,
    headers: SOL003_HEADERS,
  },
  Sol003AlarmClearedNotification: {
    title: 'SOL 003 alarm cleared',
    summary: 'SOL 003 AlarmClearedNotification (7.5.2.6).',
    payload: sol003AlarmClearedNotification,
    headers: SOL003_HEADERS,
  },
  AlarmListRebuiltNotification: {
    title: 'SOL 003 alarm list rebuilt',
    summary:
      'SOL 003 AlarmListRebuiltNotification (7.5.2.7): notifications were lost (a callback that failed for too long); read the alarms again.',
    payload: alarmListRebuiltNotification,
    headers: SOL003_HEADERS,
  },
} satisfies Record<string, MessageSpec>;

/** What nfvi-doctor POSTs to an Aodh-format subscription's callback: the body Aodh's REST notifier would. */
export const AODH_CALLBACK_MESSAGES = {
  AodhEventAlarm: {
    title: 'Aodh event alarm fired',
    summary:
      "The body OpenStack Aodh's REST notifier POSTs when an event alarm fires: an instance reset to error (compute.instance.update), maintenance.scheduled, maintenance.host.",
    payload: aodhEventAlarm,
    headers: {
      type: 'object',
      properties: { 'Content-Type': { type: 'string', const: 'application/json' } },
      required: ['Content-Type'],
    },
  },
} satisfies Record<string, MessageSpec>;

const busEvent = (source: string, detailType: string, title: string, summary: string, payload: z.ZodType) => ({
  title,
  summary,
  payload,
  event: { source, detailType },
});

/** The collectors' telemetry on the bus (lib/contracts/southbound.ts). */
export const TELEMETRY_MESSAGES = {
  LinkState: busEvent(COLLECTOR_SOURCE, 'link.state', 'Link state', 'An interface went up or down.', linkStateDetail),
  HypervisorState: busEvent(
    COLLECTOR_SOURCE,
    'hypervisor.state',
    'Hypervisor state',
    'The hypervisor process went up or down.',
    hypervisorStateDetail,
  ),
  HardwareEvent: busEvent(
    COLLECTOR_SOURCE,
    'hardware.event',
    'Hardware event',
    "A hardware component's state (IPMI, Redfish, SMART).",
    hardwareEventDetail,
  ),
  HostHeartbeat: busEvent(
    COLLECTOR_SOURCE,
    'host.heartbeat',
    'Host heartbeat',
    'The host is up; a new bootId says it rebooted.',
    hostHeartbeatDetail,
  ),
  PeerReachability: busEvent(
    COLLECTOR_SOURCE,
    'peer.reachability',
    'Peer reachability',
    "An observer's vote on whether a peer host is reachable.",
    peerReachabilityDetail,
  ),
  FaultReport: busEvent(
    COLLECTOR_SOURCE,
    'fault.report',
    'Fault report',
    "A fault another monitor classified (Doctor's, Vitrage's, Alertmanager's), from the compatibility ingest.",
    faultReportDetail,
  ),
  FailurePrediction: busEvent(
    COLLECTOR_SOURCE,
    'failure.prediction',
    'Failure prediction',
    'The host is predicted to fail, or the trend behind a prediction is gone.',
    failurePredictionDetail,
  ),
} satisfies Record<string, MessageSpec>;

/** What nfvi-doctor's functions put on the bus for each other, and operator automation's answers (lib/contracts/bus-events.ts). */
export const BUS_EVENT_MESSAGES = {
  FaultConfirmed: busEvent(
    CORRELATOR_SOURCE,
    'FaultConfirmed',
    'Fault confirmed',
    'A fault raised or changed, with the instances it affects.',
    faultConfirmed,
  ),
  FaultCleared: busEvent(CORRELATOR_SOURCE, 'FaultCleared', 'Fault cleared', 'A fault ended.', faultCleared),
  VimActionsApplied: busEvent(
    VIM_ADAPTER_SOURCE,
    VIM_ACTIONS_APPLIED,
    'VIM actions applied',
    "What the VIM adapter did for a host (Doctor's T04 and T03).",
    vimActionsApplied,
  ),
  HostFenced: busEvent(FENCING_SOURCE, 'HostFenced', 'Host fenced', 'A dead host is powered off.', hostFenced),
  HostFencingFailed: busEvent(
    FENCING_SOURCE,
    'HostFencingFailed',
    'Host fencing failed',
    'A dead host could not be powered off.',
    hostFencingFailed,
  ),
  RecoveryAnswered: busEvent(
    RECOVERY_SOURCE,
    'RecoveryAnswered',
    'Recovery answered',
    'A tenant answered a recovery during its grace period.',
    recoveryAnswered,
  ),
  MaintenanceWork: busEvent(
    MAINTENANCE_SOURCE,
    'MaintenanceWork',
    'Maintenance work',
    'The maintenance workflow has a decision to carry out.',
    maintenanceWork,
  ),
  HostMaintenanceRequested: busEvent(
    MAINTENANCE_SOURCE,
    'HostMaintenanceRequested',
    'Host maintenance requested',
    "The operator hook: an emptied host is the operator's to maintain until it answers.",
    hostMaintenanceRequested,
  ),
  HostMaintenanceCompleted: busEvent(
    OPERATOR_SOURCE,
    'HostMaintenanceCompleted',
    'Host maintenance completed',
    "Operator automation's answer: the host is maintained.",
    hostMaintenanceCompleted,
  ),
  HostMaintenanceFailed: busEvent(
    OPERATOR_SOURCE,
    'HostMaintenanceFailed',
    'Host maintenance failed',
    "Operator automation's answer: the host's maintenance failed.",
    hostMaintenanceFailed,
  ),
  MaintenanceActionsRequested: busEvent(
    MAINTENANCE_SOURCE,
    'MaintenanceActionsRequested',
    'Session plug-ins requested',
    "The operator hook for the session's pre plug-ins (before the first host) or post plug-ins (after the last).",
    maintenanceActionsRequested,
  ),
  MaintenanceActionsCompleted: busEvent(
    OPERATOR_SOURCE,
    'MaintenanceActionsCompleted',
    'Session plug-ins completed',
    "Operator automation's answer: the session's pre or post plug-ins ran.",
    maintenanceActionsCompleted,
  ),
  MaintenanceActionsFailed: busEvent(
    OPERATOR_SOURCE,
    'MaintenanceActionsFailed',
    'Session plug-ins failed',
    "Operator automation's answer: the session's pre or post plug-ins failed.",
    maintenanceActionsFailed,
  ),
} satisfies Record<string, MessageSpec>;

/** Every message of the AsyncAPI document, by name. */
export const MESSAGES: Record<string, MessageSpec> = {
  ...TOPIC_MESSAGES,
  ...SOL003_CALLBACK_MESSAGES,
  ...AODH_CALLBACK_MESSAGES,
  ...TELEMETRY_MESSAGES,
  ...BUS_EVENT_MESSAGES,
};

/** The schemas the message headers refer to. */
export const HEADER_SCHEMAS: z.ZodType[] = [eventType, perceivedSeverity];
