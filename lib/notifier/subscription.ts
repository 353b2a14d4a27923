import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import { eventType, perceivedSeverity } from '../contracts/etsi-alarm';
import { HOST_EVENT_TYPE, SESSION_EVENT_TYPE, TENANT_EVENT_TYPE } from '../contracts/fenix';
import { tenantId } from '../contracts/inventory';
import { RECOVERY_EVENT_TYPE } from '../contracts/recovery-notification';

const SUBSCRIPTION_ID_NAMESPACE = '5b1f4c1e-4d0a-4a43-8a57-3d1f7d2c9e61';

const SQS_QUEUE_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

const callbackUri = z
  .string()
  .max(2048)
  .refine(
    (uri) => SQS_QUEUE_ARN.test(uri) || (/^https?:\/\//.test(uri) && URL.canParse(uri)),
    'an http:// or https:// URL, or an SQS queue ARN',
  );

/**
 * ETSI's FmNotificationsFilter, the part SNS can apply on the message attributes. Event types
 * are the alarms' ETSI event types and the maintenance and recovery notifications' types.
 */
export const subscriptionFilter = z
  .object({
    eventTypes: z
      .array(
        z.union([eventType, z.enum([TENANT_EVENT_TYPE, HOST_EVENT_TYPE, SESSION_EVENT_TYPE, RECOVERY_EVENT_TYPE])]),
      )
      .min(1)
      .optional(),
    perceivedSeverities: z
      .array(perceivedSeverity.exclude(['CLEARED']))
      .min(1)
      .optional(),
    notificationTypes: z
      .array(z.enum(['AlarmNotification', 'AlarmClearedNotification']))
      .min(1)
      .optional(),
  })
  .strict();

/** POST /v1/subscriptions. `tenantId` (administrators only) subscribes to that tenant's topic. */
export const subscriptionRequest = z
  .object({ callbackUri, filter: subscriptionFilter.optional(), tenantId: tenantId.optional() })
  .strict();

export const subscriptionProtocol = z.enum(['http', 'https', 'sqs']);

export const subscription = z.object({
  id: z.string(),
  /** The project that created it: only it (or an administrator) reads or deletes it. */
  ownerProjectId: z.string(),
  /** Whose notifications: a tenant's topic, or the admin project's (the admin topic). */
  tenantId: z.string(),
  callbackUri: z.string(),
  filter: subscriptionFilter.optional(),
  subscriptionArn: z.string(),
  createdAt: z.string(),
});

/** What the fault API shows of a subscription: ETSI's FmSubscription, with whose notifications it receives and how. */
export const subscriptionView = z.object({
  id: z.string(),
  callbackUri: z.string(),
  filter: subscriptionFilter.optional(),
  tenantId: z.string(),
  protocol: subscriptionProtocol,
  createdAt: z.string(),
  _links: z.object({ self: z.object({ href: z.string() }) }),
});

export type SubscriptionFilter = z.infer<typeof subscriptionFilter>;
export type SubscriptionRequest = z.infer<typeof subscriptionRequest>;
export type SubscriptionProtocol = z.infer<typeof subscriptionProtocol>;
export type Subscription = z.infer<typeof subscription>;
export type SubscriptionView = z.infer<typeof subscriptionView>;
export type FilterPolicy = Record<string, string[]>;

export const protocolOf = (uri: string): SubscriptionProtocol =>
  uri.startsWith('https://') ? 'https' : uri.startsWith('http://') ? 'http' : 'sqs';

/** The same request from the same project names the same subscription, so a retried POST creates nothing new. */
export function subscriptionIdOf(ownerProjectId: string, target: string, request: SubscriptionRequest): string {
  const filter = request.filter ?? {};
  const canonical = Object.fromEntries(
    Object.entries(filter)
      .filter(([, values]) => values !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, values]) => [key, [...(values as string[])].sort()]),
  );
  return uuidv5(JSON.stringify([ownerProjectId, target, request.callbackUri, canonical]), SUBSCRIPTION_ID_NAMESPACE);
}

/**
 * The SNS filter policy on the notifications' message attributes. A severity filter also lets
 * the clear of a matching alarm through (its severity attribute is then CLEARED), so that a
 * consumer told of an alarm is told when it ends. Severity and notification-type filters
 * select alarm notifications only: maintenance notifications carry neither attribute.
 */
export function filterPolicyOf(filter: SubscriptionFilter | undefined): FilterPolicy | undefined {
  if (!filter) return undefined;
  const policy: FilterPolicy = {};
  if (filter.eventTypes) policy.eventType = [...filter.eventTypes];
  if (filter.perceivedSeverities) {
    const clears = !filter.notificationTypes || filter.notificationTypes.includes('AlarmClearedNotification');
    policy.perceivedSeverity = [...filter.perceivedSeverities, ...(clears ? ['CLEARED'] : [])];
  }
  if (filter.notificationTypes) policy.notificationType = [...filter.notificationTypes];
  return Object.keys(policy).length > 0 ? policy : undefined;
}
