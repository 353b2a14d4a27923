import { join } from 'node:path';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  LOCAL_STAGE,
  localApiUrl,
  localAwsEnvironment,
  localPorts,
  type LocalPorts,
} from '../../lib/platform/local-stack/local-endpoints';
import { stageNames } from '../../lib/platform/stage-names';

/** Written from the local OpenStack's credentials when it starts (infra/local/openstack.ts). */
export const VIM_CREDENTIALS_FILE = join(__dirname, '..', '..', '.local', 'vim-credentials.json');

/** BMC credentials of the local stack's fencer (tests and the demo write it; none: fencing fails loudly). */
export const BMC_CREDENTIALS_FILE = join(__dirname, '..', '..', '.local', 'bmc-credentials.json');

/** Every distinct AWS call the local stack's functions make, for the IAM simulation (lib/platform/aws-call-log.ts). */
export const AWS_CALL_LOG = join(__dirname, '..', '..', '.local', 'aws-calls.jsonl');

/** The same settings serverless.yml gives the functions on the local stage. */
export function localEnvironment(ports: LocalPorts = localPorts()): Record<string, string> {
  const names = stageNames(LOCAL_STAGE);
  return {
    ...localAwsEnvironment(ports),
    NFVI_STAGE: LOCAL_STAGE,
    NFVI_EVENT_BUS: names.eventBus,
    NFVI_INVENTORY_TABLE: names.inventoryTable,
    NFVI_ALARMS_TABLE: names.alarmsTable,
    NFVI_ALARM_VIEWS_TABLE: names.alarmViewsTable,
    NFVI_SUBSCRIPTIONS_TABLE: names.subscriptionsTable,
    NFVI_TENANTS_TABLE: names.tenantsTable,
    NFVI_QUARANTINE_TABLE: names.quarantineTable,
    NFVI_PEER_VOTES_TABLE: names.peerVotesTable,
    NFVI_CONSTRAINTS_TABLE: names.constraintsTable,
    NFVI_SESSIONS_TABLE: names.sessionsTable,
    NFVI_MAINTENANCE_API_URL: localApiUrl(ports),
    NFVI_VIM_ACTIONS_TABLE: names.vimActionsTable,
    NFVI_FENCING_TABLE: names.fencingTable,
    NFVI_RECOVERIES_TABLE: names.recoveriesTable,
    NFVI_RECOVERY_POLICIES_TABLE: names.recoveryPoliciesTable,
    NFVI_VIM: process.env.NFVI_VIM ?? process.env.VIM ?? 'openstack',
    NFVI_VIM_CREDENTIALS_FILE: VIM_CREDENTIALS_FILE,
    NFVI_BMC_CREDENTIALS_FILE: BMC_CREDENTIALS_FILE,
    NFVI_ADMIN_TOPIC_ARN: `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${names.adminTopic}`,
    NFVI_TOPIC_PREFIX: names.topicPrefix,
    NFVI_NOTIFICATION_DLQ_ARN: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${names.notificationDeadLetters}`,
    NFVI_VIM_CONNECTION_ID: 'openstack',
    NFVI_ADMIN_PROJECT_ID: 'admin',
    NFVI_CALLBACK_ALLOW_LIST: '127.0.0.0/8,::1/128',
    NFVI_CALLBACK_SUBSCRIPTIONS_TABLE: names.callbackSubscriptionsTable,
    NFVI_CALLBACK_DELIVERIES_TABLE: names.callbackDeliveriesTable,
    NFVI_CALLBACK_DISPATCHER_ARN: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${names.topicPrefix}-callbackDispatcher`,
    NFVI_CALLBACK_DEAD_LETTER_QUEUE_URL: `http://127.0.0.1:${ports.sqs}/${LOCAL_ACCOUNT}/${names.callbackDeadLetters}`,
    NFVI_AWS_CALL_LOG: AWS_CALL_LOG,
    // No X-Ray daemon here: traces are an AWS-side concern (active tracing in the template).
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
}

/** Points this process's SDK clients and configuration at the local stack (existing values win). */
export function useLocalEnvironment(ports: LocalPorts = localPorts()): void {
  for (const [name, value] of Object.entries(localEnvironment(ports))) process.env[name] ??= value;
}
