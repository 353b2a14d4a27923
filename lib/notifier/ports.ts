import type { Alarm } from '../contracts/etsi-alarm';
import type { AlarmView } from './alarm-query';
import type { FilterPolicy, Subscription, SubscriptionProtocol } from './subscription';

/** Who a notification is for: the administrator's topic, or one tenant's own topic and no other. */
export type Audience = { kind: 'admin' } | { kind: 'tenant'; tenantId: string };

/** A message for one audience's topic: fault, maintenance and recovery notifications alike. */
export interface Publication {
  audience: Audience;
  notification: unknown;
  /** SNS message attributes, for subscription filter policies. */
  attributes: Readonly<Record<string, string>>;
}

/**
 * Doctor's Notifier: publishes each message to its audience's topic, the admin topic or the
 * owning tenant's own topic. Every block that tells tenants something tells them through it.
 */
export interface Notifier {
  publish(publications: readonly Publication[]): Promise<void>;
}

/** Each tenant's topic, created on first use, so that consumers can subscribe before the first fault. */
export interface TenantTopicRegistry {
  topicArnsFor(tenantIds: string[]): Promise<Map<string, string>>;
}

/** The alarms as the fault API reads them, kept under the tenant they belong to. */
export interface AlarmViewStore {
  byTenant(tenantId: string): Promise<AlarmView[]>;
  get(tenantId: string, alarmId: string): Promise<AlarmView | undefined>;
  setAckState(
    tenantId: string,
    alarmId: string,
    ackState: Alarm['ackState'],
    /** When: kept as the acknowledgement time while the alarm is ACKNOWLEDGED. */
    at: string,
  ): Promise<'changed' | 'unchanged' | 'missing'>;
}

/** Subscriptions created through the API, by the project that created them. */
export interface SubscriptionStore {
  get(ownerProjectId: string, id: string): Promise<Subscription | undefined>;
  list(ownerProjectId: string): Promise<Subscription[]>;
  /** Keeps the first of two puts of the same id: 'exists' for the second. */
  put(subscription: Subscription): Promise<'created' | 'exists'>;
  delete(ownerProjectId: string, id: string): Promise<void>;
  /** The stored subscriptions that are this SNS subscription (SNS gives one to the same topic, endpoint and filter). */
  sharing(subscriptionArn: string): Promise<Array<{ ownerProjectId: string; id: string }>>;
}

/** SNS keeps one subscription per topic and endpoint: the endpoint already has one, with another filter. */
export class SubscriptionConflictError extends Error {
  constructor(endpoint: string) {
    super(`${endpoint} is already subscribed to these notifications with another filter`);
    this.name = 'SubscriptionConflictError';
  }
}

/**
 * The notification topics: the admin project's is the admin topic, every other project's its own.
 * `subscribe` throws SubscriptionConflictError when the endpoint is subscribed with another filter.
 */
export interface TopicSubscriptions {
  subscribe(request: {
    tenantId: string;
    protocol: SubscriptionProtocol;
    endpoint: string;
    filterPolicy: FilterPolicy | undefined;
  }): Promise<string>;
  unsubscribe(subscriptionArn: string): Promise<void>;
}
