import type { BlockList } from 'node:net';
import { z } from 'zod';
import type { Caller } from '../platform/auth/keystone-authorizer';
import { type Outcome } from '../platform/outcome';
import { callbackRefusalOf } from './callback-policy';
import { AodhSubscriptions, isAodhRequest } from './callbacks/aodh-subscriptions';
import { SubscriptionConflictError, type SubscriptionStore, type TopicSubscriptions } from './ports';
import {
  filterPolicyOf,
  protocolOf,
  subscriptionIdOf,
  subscriptionRequest,
  type Subscription,
  type SubscriptionView,
} from './subscription';

export interface SubscriptionSettings {
  adminProjectId: string;
  /** The API's base URL, for the subscriptions' self links. */
  apiUrl: string;
  /** Where callbacks may point (./callback-policy.ts): the operator's allow-list, and how host names resolve. */
  callbacks: { allowed: BlockList; resolve(host: string): Promise<string[]> };
}

/**
 * The subscription routes' rules (Doctor's Subscribe, ETSI's FmSubscription). A subscription
 * is an SNS subscription, with the filter as its filter policy, on the caller's own topic:
 * a tenant can never subscribe to another tenant's notifications. Administrators subscribe to
 * the admin topic, or to a tenant's topic with `tenantId`. Each project sees and deletes only
 * the subscriptions it created; another's answers 404. The same request twice gives the same
 * subscription (200 the second time), so a retried POST creates nothing new. SNS keeps one
 * subscription per topic and endpoint, so an endpoint already subscribed to the same topic, by
 * another filter or another project, answers 409: one project's delete never silently ends
 * another's deliveries.
 */
export class ManageSubscriptions {
  constructor(
    private readonly store: SubscriptionStore,
    private readonly topics: TopicSubscriptions,
    private readonly settings: SubscriptionSettings,
    private readonly clock: () => Date = () => new Date(),
    /** Subscriptions with `format: "aodh"`, delivered by the callback dispatcher instead of SNS. */
    private readonly aodh?: AodhSubscriptions,
  ) {}

  async create(caller: Caller, body: unknown): Promise<Outcome> {
    if (this.aodh && isAodhRequest(body)) return this.aodh.create(caller, body);
    const parsed = subscriptionRequest.safeParse(body);
    if (!parsed.success) return { kind: 'invalid', message: z.prettifyError(parsed.error) };
    const request = parsed.data;
    if (request.tenantId !== undefined && request.tenantId !== caller.projectId && !caller.isAdmin) {
      return {
        kind: 'forbidden',
        message: `project ${caller.projectId} may not subscribe to the notifications of project ${request.tenantId}`,
      };
    }
    const refusal = await this.callbackRefusal(request.callbackUri);
    if (refusal) return { kind: 'invalid', message: `callbackUri: ${refusal}` };
    const tenantId = request.tenantId ?? (caller.isAdmin ? this.settings.adminProjectId : caller.projectId);
    const id = subscriptionIdOf(caller.projectId, tenantId, request);
    const existing = await this.store.get(caller.projectId, id);
    if (existing) return { kind: 'ok', body: this.view(existing) };
    const protocol = protocolOf(request.callbackUri);
    let subscriptionArn: string;
    try {
      subscriptionArn = await this.topics.subscribe({
        tenantId,
        protocol,
        endpoint: request.callbackUri,
        filterPolicy: filterPolicyOf(request.filter),
      });
    } catch (error) {
      if (error instanceof SubscriptionConflictError) return conflict(request.callbackUri);
      throw error;
    }
    const others = (await this.store.sharing(subscriptionArn)).filter(
      (s) => s.ownerProjectId !== caller.projectId || s.id !== id,
    );
    if (others.length > 0) return conflict(request.callbackUri);
    const subscription: Subscription = {
      id,
      ownerProjectId: caller.projectId,
      tenantId,
      callbackUri: request.callbackUri,
      ...(request.filter ? { filter: request.filter } : {}),
      subscriptionArn,
      createdAt: this.clock().toISOString(),
    };
    if ((await this.store.put(subscription)) === 'exists') {
      const stored = await this.store.get(caller.projectId, id);
      return { kind: 'ok', body: this.view(stored ?? subscription) };
    }
    return { kind: 'created', body: this.view(subscription) };
  }

  async list(caller: Caller): Promise<Outcome> {
    const [subscriptions, aodh] = await Promise.all([this.store.list(caller.projectId), this.aodh?.list(caller) ?? []]);
    return { kind: 'ok', body: [...subscriptions.map((s) => this.view(s)), ...aodh] };
  }

  async get(caller: Caller, id: string): Promise<Outcome> {
    const subscription = await this.store.get(caller.projectId, id);
    if (subscription) return { kind: 'ok', body: this.view(subscription) };
    const aodh = await this.aodh?.get(caller, id);
    return aodh && this.aodh ? { kind: 'ok', body: this.aodh.view(aodh) } : notFound(id);
  }

  async delete(caller: Caller, id: string): Promise<Outcome> {
    const subscription = await this.store.get(caller.projectId, id);
    if (!subscription) {
      const aodh = await this.aodh?.get(caller, id);
      if (!aodh || !this.aodh) return notFound(id);
      await this.aodh.delete(aodh);
      return { kind: 'done' };
    }
    const others = (await this.store.sharing(subscription.subscriptionArn)).filter((s) => s.id !== id);
    if (others.length === 0) await this.topics.unsubscribe(subscription.subscriptionArn);
    await this.store.delete(caller.projectId, id);
    return { kind: 'done' };
  }

  /** An HTTP(S) callback into the operator's internal networks is refused (an SQS queue ARN is no address). */
  private async callbackRefusal(callbackUri: string): Promise<string | undefined> {
    if (!/^https?:\/\//.test(callbackUri)) return undefined;
    return callbackRefusalOf(callbackUri, this.settings.callbacks);
  }

  /** ETSI's FmSubscription, with whose notifications it receives and how. */
  private view(subscription: Subscription): SubscriptionView {
    return {
      id: subscription.id,
      callbackUri: subscription.callbackUri,
      ...(subscription.filter ? { filter: subscription.filter } : {}),
      tenantId: subscription.tenantId,
      protocol: protocolOf(subscription.callbackUri),
      createdAt: subscription.createdAt,
      _links: { self: { href: `${this.settings.apiUrl}/v1/subscriptions/${subscription.id}` } },
    };
  }
}

const notFound = (id: string): Outcome => ({ kind: 'not-found', message: `no subscription ${id}` });
const conflict = (endpoint: string): Outcome => ({
  kind: 'conflict',
  message: `${endpoint} already receives these notifications through another subscription: delete that one first, or use another endpoint`,
});
