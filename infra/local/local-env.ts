import { join } from 'node:path';
import { stageNames } from '../../lib/stage-names';

/**
 * The local stack's endpoints and the environment that points nfvi-doctor at them.
 * Ports can be moved with NFVI_*_PORT variables (serverless.yml reads the same ones).
 */
export interface LocalPorts {
  dynamodb: number;
  sns: number;
  eventBridge: number;
  eventBridgePubSub: number;
  http: number;
  lambda: number;
}

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export function localPorts(): LocalPorts {
  return {
    dynamodb: port('NFVI_DYNAMODB_PORT', 8000),
    sns: port('NFVI_SNS_PORT', 4002),
    eventBridge: port('NFVI_EVENTBRIDGE_PORT', 4010),
    eventBridgePubSub: port('NFVI_EVENTBRIDGE_PUBSUB_PORT', 4011),
    http: port('NFVI_HTTP_PORT', 3000),
    lambda: port('NFVI_LAMBDA_PORT', 3002),
  };
}

export const LOCAL_STAGE = 'local';
/** Written from the local OpenStack's credentials when it starts (infra/local/openstack.ts). */
export const VIM_CREDENTIALS_FILE = join(__dirname, '..', '..', '.local', 'vim-credentials.json');
export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_REGION = 'us-east-1';

/** The same settings serverless.yml gives the functions on the local stage. */
export function localEnvironment(ports: LocalPorts = localPorts()): Record<string, string> {
  const names = stageNames(LOCAL_STAGE);
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${ports.dynamodb}`,
    AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${ports.sns}`,
    AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${ports.eventBridge}`,
    NFVI_STAGE: LOCAL_STAGE,
    NFVI_EVENT_BUS: names.eventBus,
    NFVI_INVENTORY_TABLE: names.inventoryTable,
    NFVI_ALARMS_TABLE: names.alarmsTable,
    NFVI_TENANTS_TABLE: names.tenantsTable,
    NFVI_QUARANTINE_TABLE: names.quarantineTable,
    NFVI_PEER_VOTES_TABLE: names.peerVotesTable,
    NFVI_CONSTRAINTS_TABLE: names.constraintsTable,
    NFVI_SESSIONS_TABLE: names.sessionsTable,
    NFVI_MAINTENANCE_API_URL: `http://127.0.0.1:${ports.http}`,
    NFVI_VIM_ACTIONS_TABLE: names.vimActionsTable,
    NFVI_VIM: process.env.NFVI_VIM ?? process.env.VIM ?? 'openstack',
    NFVI_VIM_CREDENTIALS_FILE: VIM_CREDENTIALS_FILE,
    NFVI_ADMIN_TOPIC_ARN: `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${names.adminTopic}`,
    NFVI_TOPIC_PREFIX: names.topicPrefix,
    NFVI_VIM_CONNECTION_ID: 'openstack',
    NFVI_ADMIN_PROJECT_ID: 'admin',
  };
}

/** Points this process's SDK clients and configuration at the local stack (existing values win). */
export function useLocalEnvironment(ports: LocalPorts = localPorts()): void {
  for (const [name, value] of Object.entries(localEnvironment(ports))) process.env[name] ??= value;
}
