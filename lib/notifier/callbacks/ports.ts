import type { SubscriptionAuthentication } from '../../contracts/sol003-fm';
import type { CallbackSubscription } from './callback-subscription';
import type { PendingDelivery } from './pending-delivery';

/** The callback subscriptions, each under the project whose notifications it receives. */
export interface CallbackSubscriptionStore {
  list(tenantId: string): Promise<CallbackSubscription[]>;
  get(tenantId: string, id: string): Promise<CallbackSubscription | undefined>;
  /** Keeps the first of two puts of the same id: 'exists' for the second. */
  put(subscription: CallbackSubscription): Promise<'created' | 'exists'>;
  delete(tenantId: string, id: string): Promise<void>;
}

export type CallbackResult = { ok: true } | { ok: false; reason: string };

/** The consumers' HTTP endpoints, reached with the subscription's authentication. */
export interface Callbacks {
  /** SOL 003's test of a new subscription's callback: a GET that must answer 204. */
  test(uri: string, authentication: SubscriptionAuthentication | undefined): Promise<CallbackResult>;
  /** POSTs a notification; any 2xx is delivered. */
  post(uri: string, body: unknown, authentication: SubscriptionAuthentication | undefined): Promise<CallbackResult>;
}

/** Makes the notifications of a project's topic reach the dispatcher (idempotent). */
export interface DispatcherRouting {
  route(tenantId: string): Promise<void>;
}

/** Deliveries that failed, waiting for their next attempt. */
export interface PendingDeliveries {
  put(delivery: PendingDelivery): Promise<void>;
  due(now: Date): Promise<PendingDelivery[]>;
  delete(id: string): Promise<void>;
}

/** Where a delivery whose attempts ran out is kept, for the operator to see and re-drive. */
export interface DeliveryDeadLetters {
  send(delivery: PendingDelivery): Promise<void>;
}
