import { z } from 'zod';
import { isCidr } from './cidr';
import { isTimeZone } from './time-zone';

/** Settings from the environment, read and checked once per container; a missing one is named. */
const environment = z.object({
  NFVI_STAGE: z.string().min(1),
  NFVI_EVENT_BUS: z.string().min(1),
  NFVI_INVENTORY_TABLE: z.string().min(1),
  NFVI_ALARMS_TABLE: z.string().min(1),
  NFVI_ALARM_VIEWS_TABLE: z.string().min(1),
  /** How long the fault API keeps a cleared alarm. */
  NFVI_ALARM_RETENTION_DAYS: z.coerce.number().int().positive().default(7),
  NFVI_SUBSCRIPTIONS_TABLE: z.string().min(1),
  NFVI_TENANTS_TABLE: z.string().min(1),
  NFVI_QUARANTINE_TABLE: z.string().min(1),
  NFVI_PEER_VOTES_TABLE: z.string().min(1),
  NFVI_CONSTRAINTS_TABLE: z.string().min(1),
  NFVI_SESSIONS_TABLE: z.string().min(1),
  /** Base URL of the maintenance API as tenants reach it (reply_url, instance_ids). */
  NFVI_MAINTENANCE_API_URL: z.url(),
  /** Instances a compute host can hold, for the drain planner. */
  NFVI_MAINTENANCE_HOST_SLOTS: z.coerce.number().int().positive().default(32),
  /** How long a workflow invocation follows moves in flight before leaving them to the sweeper. */
  NFVI_MAINTENANCE_FOLLOW_S: z.coerce.number().nonnegative().default(45),
  /** Whether the operator hook must answer for every emptied host, even in a session naming no host plug-in. */
  NFVI_MAINTENANCE_REQUIRE_OPERATOR_ANSWER: z.stringbool().default(false),
  /** Whether a predicted host failure disables scheduling to the host (nothing new is placed there). */
  NFVI_PREDICTION_DISABLES_HOST: z.stringbool().default(false),
  /** Whether hosts confirmed dead are fenced (powered off through their BMC); needs BMC credentials. */
  NFVI_FENCING: z.stringbool().default(false),
  NFVI_FENCING_TABLE: z.string().min(1),
  /** SSM parameter (SecureString) holding the BMC credentials JSON, on AWS. */
  NFVI_BMC_CREDENTIALS_PARAMETER: z.string().optional(),
  /** A file holding the BMC credentials JSON, on the local stack. */
  NFVI_BMC_CREDENTIALS_FILE: z.string().optional(),
  NFVI_FENCING_ATTEMPTS: z.coerce.number().int().positive().default(3),
  /** How long the power state may take to read back off after a power-off. */
  NFVI_FENCING_READBACK_S: z.coerce.number().positive().default(20),
  NFVI_RECOVERIES_TABLE: z.string().min(1),
  NFVI_RECOVERY_POLICIES_TABLE: z.string().min(1),
  /** The recovery policy of a tenant that chose none: Doctor's default, the consumer decides. */
  NFVI_RECOVERY_DEFAULT_POLICY: z.enum(['notify-only', 'evacuate', 'restart']).default('notify-only'),
  /** How long a tenant has to answer (switch over first) before the VIM recovers its instances. */
  NFVI_RECOVERY_GRACE_S: z.coerce.number().int().nonnegative().default(30),
  NFVI_RECOVERY_MAX_GRACE_S: z.coerce.number().int().positive().default(900),
  /** How long a recovery invocation waits in process for a grace period or an evacuation. */
  NFVI_RECOVERY_FOLLOW_S: z.coerce.number().nonnegative().default(60),
  NFVI_PEER_QUORUM_MIN: z.coerce.number().int().min(2).default(2),
  /**
   * The zone each Doctor or Vitrage monitor's clock keeps, for its times written without one, as
   * JSON {"<monitor>": "<IANA zone or +HH:MM>", "*": "<the others'>"}; UTC when not named.
   */
  NFVI_DOCTOR_MONITOR_TIMEZONES: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return z.record(z.string(), z.string().refine(isTimeZone, 'not a time zone')).parse(JSON.parse(text));
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `expected {"<monitor>": "<IANA zone or +HH:MM>"}: ${(error as Error).message}`,
        });
        return z.NEVER;
      }
    }),
  /**
   * Address ranges (comma-separated CIDRs) that notification callbacks may point into although
   * they are internal (private, loopback, link-local): a VNF manager on the operator's own network.
   */
  NFVI_CALLBACK_ALLOW_LIST: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .refine((cidrs) => cidrs.every(isCidr), 'expected comma-separated CIDRs such as 10.20.0.0/16'),
  /** The largest compatibility request body taken (bytes); a larger one answers 413. */
  NFVI_INGEST_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024),
  /** How far ahead of the receiving clock a report may be dated before it is quarantined. */
  NFVI_MAX_CLOCK_SKEW_S: z.coerce.number().int().positive().default(300),
  NFVI_PEER_VOTE_TTL_S: z.coerce.number().positive().default(90),
  NFVI_ADMIN_TOPIC_ARN: z.string().startsWith('arn:'),
  NFVI_NOTIFICATION_DLQ_ARN: z.string().startsWith('arn:aws:sqs:').optional(),
  NFVI_TOPIC_KMS_KEY: z.string().optional(),
  NFVI_TOPIC_PREFIX: z.string().min(1),
  NFVI_VIM_CONNECTION_ID: z.string().min(1),
  NFVI_ADMIN_PROJECT_ID: z.string().min(1),
  NFVI_VIM: z.enum(['openstack', 'none']).default('openstack'),
  NFVI_VIM_ACTIONS_TABLE: z.string().min(1).optional(),
  NFVI_VIM_CREDENTIALS_PARAMETER: z.string().optional(),
  NFVI_VIM_CREDENTIALS_FILE: z.string().optional(),
  NFVI_VIM_ENDPOINT_INTERFACE: z.enum(['public', 'internal', 'admin']).default('public'),
  NFVI_NOVA_MAX_MICROVERSION: z
    .string()
    .regex(/^2\.\d+$/)
    .optional(),
  NFVI_VIM_CONCURRENCY: z.coerce.number().int().min(1).max(500).optional(),
  NFVI_CALLBACK_SUBSCRIPTIONS_TABLE: z.string().min(1),
  NFVI_CALLBACK_DELIVERIES_TABLE: z.string().min(1),
  /** The callback dispatcher function, subscribed to a project's topic with its first callback subscription. */
  NFVI_CALLBACK_DISPATCHER_ARN: z.string().startsWith('arn:').optional(),
  /** Where a callback delivery whose attempts ran out is kept (SQS queue URL). */
  NFVI_CALLBACK_DEAD_LETTER_QUEUE_URL: z.url().optional(),
  /** How long a callback may take to answer one POST before the attempt counts as failed. */
  NFVI_CALLBACK_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  NFVI_CALLBACK_RETRY_BASE_S: z.coerce.number().nonnegative().default(60),
  NFVI_CALLBACK_RETRY_MAX_DELAY_S: z.coerce.number().positive().default(3600),
  NFVI_CALLBACK_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  /** Items per page of the SOL 003 binding's lists. */
  NFVI_VNFFM_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
});

export type Config = {
  stage: string;
  eventBusName: string;
  inventoryTable: string;
  alarmsTable: string;
  alarmViewsTable: string;
  alarmRetentionDays: number;
  subscriptionsTable: string;
  tenantsTable: string;
  quarantineTable: string;
  peerVotesTable: string;
  constraintsTable: string;
  sessionsTable: string;
  maintenance: { apiUrl: string; hostSlots: number; followS: number; operatorAnswerRequired: boolean };
  quorum: { minObservers: number; voteTtlS: number };
  maxClockSkewS: number;
  ingest: { monitorTimeZones: Record<string, string>; maxBodyBytes: number };
  callbackAllowList: string[];
  callbacks: {
    subscriptionsTable: string;
    deliveriesTable: string;
    dispatcherArn: string | undefined;
    deadLetterQueueUrl: string | undefined;
    timeoutMs: number;
    schedule: { baseDelayS: number; maxDelayS: number; maxAttempts: number };
    pageSize: number;
  };
  prediction: { disablesHost: boolean };
  fencing: {
    enabled: boolean;
    table: string;
    credentialsParameter: string | undefined;
    credentialsFile: string | undefined;
    attempts: number;
    readBackS: number;
  };
  recovery: {
    table: string;
    policiesTable: string;
    defaultPolicy: 'notify-only' | 'evacuate' | 'restart';
    graceS: number;
    maxGraceS: number;
    followS: number;
  };
  adminTopicArn: string;
  /** Where SNS puts a notification it could not deliver to a subscriber (every subscription's RedrivePolicy). */
  notificationDeadLetterQueueArn: string | undefined;
  topicPrefix: string;
  /** The KMS key tenant topics are created with (none on the local stack). */
  topicKmsKey: string | undefined;
  vimConnectionId: string;
  adminProjectId: string;
  vim: {
    kind: 'openstack' | 'none';
    actionsTable: string | undefined;
    /** SSM parameter (SecureString) holding the VIM credentials JSON, on AWS. */
    credentialsParameter: string | undefined;
    /** A file holding the VIM credentials JSON, on the local stack. */
    credentialsFile: string | undefined;
    endpointInterface: 'public' | 'internal' | 'admin';
    maxMicroversion: string | undefined;
    /** The VIM adapter's calls in flight at once (a host's reset-state calls); Nova's client default if unset. */
    concurrency: number | undefined;
  };
};

export class ConfigError extends Error {
  constructor(reason: string) {
    super(`nfvi-doctor configuration is incomplete:\n${reason}`);
    this.name = 'ConfigError';
  }
}

export function configFrom(env: NodeJS.ProcessEnv): Config {
  const result = environment.safeParse(env);
  if (!result.success) throw new ConfigError(z.prettifyError(result.error));
  const e = result.data;
  return {
    stage: e.NFVI_STAGE,
    eventBusName: e.NFVI_EVENT_BUS,
    inventoryTable: e.NFVI_INVENTORY_TABLE,
    alarmsTable: e.NFVI_ALARMS_TABLE,
    alarmViewsTable: e.NFVI_ALARM_VIEWS_TABLE,
    alarmRetentionDays: e.NFVI_ALARM_RETENTION_DAYS,
    subscriptionsTable: e.NFVI_SUBSCRIPTIONS_TABLE,
    tenantsTable: e.NFVI_TENANTS_TABLE,
    quarantineTable: e.NFVI_QUARANTINE_TABLE,
    peerVotesTable: e.NFVI_PEER_VOTES_TABLE,
    constraintsTable: e.NFVI_CONSTRAINTS_TABLE,
    sessionsTable: e.NFVI_SESSIONS_TABLE,
    maintenance: {
      apiUrl: e.NFVI_MAINTENANCE_API_URL,
      hostSlots: e.NFVI_MAINTENANCE_HOST_SLOTS,
      followS: e.NFVI_MAINTENANCE_FOLLOW_S,
      operatorAnswerRequired: e.NFVI_MAINTENANCE_REQUIRE_OPERATOR_ANSWER,
    },
    quorum: { minObservers: e.NFVI_PEER_QUORUM_MIN, voteTtlS: e.NFVI_PEER_VOTE_TTL_S },
    maxClockSkewS: e.NFVI_MAX_CLOCK_SKEW_S,
    ingest: { monitorTimeZones: e.NFVI_DOCTOR_MONITOR_TIMEZONES, maxBodyBytes: e.NFVI_INGEST_MAX_BODY_BYTES },
    callbackAllowList: e.NFVI_CALLBACK_ALLOW_LIST,
    callbacks: {
      subscriptionsTable: e.NFVI_CALLBACK_SUBSCRIPTIONS_TABLE,
      deliveriesTable: e.NFVI_CALLBACK_DELIVERIES_TABLE,
      dispatcherArn: e.NFVI_CALLBACK_DISPATCHER_ARN || undefined,
      deadLetterQueueUrl: e.NFVI_CALLBACK_DEAD_LETTER_QUEUE_URL || undefined,
      timeoutMs: e.NFVI_CALLBACK_TIMEOUT_MS,
      schedule: {
        baseDelayS: e.NFVI_CALLBACK_RETRY_BASE_S,
        maxDelayS: e.NFVI_CALLBACK_RETRY_MAX_DELAY_S,
        maxAttempts: e.NFVI_CALLBACK_MAX_ATTEMPTS,
      },
      pageSize: e.NFVI_VNFFM_PAGE_SIZE,
    },
    prediction: { disablesHost: e.NFVI_PREDICTION_DISABLES_HOST },
    fencing: {
      enabled: e.NFVI_FENCING,
      table: e.NFVI_FENCING_TABLE,
      credentialsParameter: e.NFVI_BMC_CREDENTIALS_PARAMETER || undefined,
      credentialsFile: e.NFVI_BMC_CREDENTIALS_FILE || undefined,
      attempts: e.NFVI_FENCING_ATTEMPTS,
      readBackS: e.NFVI_FENCING_READBACK_S,
    },
    recovery: {
      table: e.NFVI_RECOVERIES_TABLE,
      policiesTable: e.NFVI_RECOVERY_POLICIES_TABLE,
      defaultPolicy: e.NFVI_RECOVERY_DEFAULT_POLICY,
      graceS: e.NFVI_RECOVERY_GRACE_S,
      maxGraceS: e.NFVI_RECOVERY_MAX_GRACE_S,
      followS: e.NFVI_RECOVERY_FOLLOW_S,
    },
    adminTopicArn: e.NFVI_ADMIN_TOPIC_ARN,
    notificationDeadLetterQueueArn: e.NFVI_NOTIFICATION_DLQ_ARN,
    topicPrefix: e.NFVI_TOPIC_PREFIX,
    topicKmsKey: e.NFVI_TOPIC_KMS_KEY || undefined,
    vimConnectionId: e.NFVI_VIM_CONNECTION_ID,
    adminProjectId: e.NFVI_ADMIN_PROJECT_ID,
    vim: {
      kind: e.NFVI_VIM,
      actionsTable: e.NFVI_VIM_ACTIONS_TABLE,
      credentialsParameter: e.NFVI_VIM_CREDENTIALS_PARAMETER || undefined,
      credentialsFile: e.NFVI_VIM_CREDENTIALS_FILE || undefined,
      endpointInterface: e.NFVI_VIM_ENDPOINT_INTERFACE,
      maxMicroversion: e.NFVI_NOVA_MAX_MICROVERSION,
      concurrency: e.NFVI_VIM_CONCURRENCY,
    },
  };
}

let cached: Config | undefined;

export const config = (): Config => (cached ??= configFrom(process.env));
