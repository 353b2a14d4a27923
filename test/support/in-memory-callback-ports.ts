import type { SubscriptionAuthentication } from '../../lib/contracts/sol003-fm';
import type { CallbackSubscription } from '../../lib/notifier/callbacks/callback-subscription';
import type { PendingDelivery } from '../../lib/notifier/callbacks/pending-delivery';
import type {
  CallbackResult,
  CallbackSubscriptionStore,
  Callbacks,
  DeliveryDeadLetters,
  DispatcherRouting,
  PendingDeliveries,
} from '../../lib/notifier/callbacks/ports';

/** Callback subscriptions in a Map by project and id; the first of two puts of one id wins. */
export class InMemoryCallbackSubscriptions implements CallbackSubscriptionStore {
  readonly items = new Map<string, CallbackSubscription>();

  constructor(...subscriptions: CallbackSubscription[]) {
    for (const s of subscriptions) this.items.set(`${s.tenantId}#${s.id}`, structuredClone(s));
  }

  async list(tenantId: string): Promise<CallbackSubscription[]> {
    return [...this.items.values()].filter((s) => s.tenantId === tenantId).map((s) => structuredClone(s));
  }

  async get(tenantId: string, id: string): Promise<CallbackSubscription | undefined> {
    const item = this.items.get(`${tenantId}#${id}`);
    return item && structuredClone(item);
  }

  async put(subscription: CallbackSubscription): Promise<'created' | 'exists'> {
    const key = `${subscription.tenantId}#${subscription.id}`;
    if (this.items.has(key)) return 'exists';
    this.items.set(key, structuredClone(subscription));
    return 'created';
  }

  async delete(tenantId: string, id: string): Promise<void> {
    this.items.delete(`${tenantId}#${id}`);
  }
}

export interface RecordedCall {
  uri: string;
  body?: unknown;
  authentication: SubscriptionAuthentication | undefined;
}

/**
 * The consumers' callbacks, recording every test GET and POST. The test GET answers
 * `testResult`; a POST to a callback in `failing` fails with its reason, any other is taken.
 */
export class RecordingCallbacks implements Callbacks {
  readonly tested: RecordedCall[] = [];
  readonly posted: RecordedCall[] = [];
  testResult: CallbackResult = { ok: true };
  readonly failing = new Map<string, string>();

  async test(uri: string, authentication: SubscriptionAuthentication | undefined): Promise<CallbackResult> {
    this.tested.push({ uri, authentication });
    return this.testResult;
  }

  async post(
    uri: string,
    body: unknown,
    authentication: SubscriptionAuthentication | undefined,
  ): Promise<CallbackResult> {
    this.posted.push({ uri, body: structuredClone(body), authentication });
    const reason = this.failing.get(uri);
    return reason === undefined ? { ok: true } : { ok: false, reason };
  }

  /** The bodies POSTed to one callback, in order. */
  bodiesTo(uri: string): unknown[] {
    return this.posted.filter((call) => call.uri === uri).map((call) => call.body);
  }
}

/** Records the projects whose topics were routed to the dispatcher. */
export class RecordingRouting implements DispatcherRouting {
  readonly routed: string[] = [];

  async route(tenantId: string): Promise<void> {
    this.routed.push(tenantId);
  }
}

/** Pending deliveries in a Map by id: a put replaces the delivery of the same id, as the table's PutItem does. */
export class InMemoryPendingDeliveries implements PendingDeliveries {
  readonly items = new Map<string, PendingDelivery>();

  constructor(...deliveries: PendingDelivery[]) {
    for (const d of deliveries) this.items.set(d.id, structuredClone(d));
  }

  async put(delivery: PendingDelivery): Promise<void> {
    this.items.set(delivery.id, structuredClone(delivery));
  }

  async due(now: Date): Promise<PendingDelivery[]> {
    return [...this.items.values()]
      .filter((d) => Date.parse(d.nextAttemptAt) <= now.getTime())
      .map((d) => structuredClone(d));
  }

  async delete(id: string): Promise<void> {
    this.items.delete(id);
  }
}

/** Records the deliveries sent to the dead letters. */
export class RecordingDeadLetters implements DeliveryDeadLetters {
  readonly sent: PendingDelivery[] = [];

  async send(delivery: PendingDelivery): Promise<void> {
    this.sent.push(structuredClone(delivery));
  }
}
