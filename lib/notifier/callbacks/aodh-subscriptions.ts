import type { BlockList } from 'node:net';
import { z } from 'zod';
import { subscriptionAuthentication } from '../../contracts/sol003-fm';
import type { Caller } from '../../platform/auth/keystone-authorizer';
import type { Outcome } from '../../platform/outcome';
import { callbackRefusalOf } from '../callback-policy';
import { callbackSubscriptionIdOf, type CallbackSubscription } from './callback-subscription';
import type { CallbackSubscriptionStore, DispatcherRouting } from './ports';

/**
 * POST /v1/subscriptions with `format: "aodh"`: the caller's notifications POSTed as the body
 * Aodh would send for an event alarm, for the VNF managers written against Aodh (Doctor's
 * consumer and app manager, Fenix's sample VNFM, Tacker). Which notifications have such a body
 * is aodh-event-alarm.ts's to say: no filter is taken.
 */
export const aodhSubscriptionRequest = z
  .object({
    callbackUri: z
      .string()
      .max(2048)
      .refine((uri) => /^https?:\/\//.test(uri) && URL.canParse(uri), 'an http:// or https:// URL'),
    format: z.literal('aodh'),
    authentication: subscriptionAuthentication.optional(),
  })
  .strict();

/** What the fault API shows of an Aodh-format subscription. */
export const aodhSubscriptionView = z.object({
  id: z.string(),
  callbackUri: z.string(),
  format: z.literal('aodh'),
  tenantId: z.string(),
  createdAt: z.string(),
  _links: z.object({ self: z.object({ href: z.string() }) }),
});

export type AodhSubscriptionView = z.infer<typeof aodhSubscriptionView>;

export const isAodhRequest = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && (body as { format?: unknown }).format === 'aodh';

export interface AodhSubscriptionSettings {
  adminProjectId: string;
  apiUrl: string;
  callbacks: { allowed: BlockList; resolve(host: string): Promise<string[]> };
}

/**
 * Aodh-format callback subscriptions, each on the caller's own notifications (the
 * administrator's: the host ones); a project sees and deletes its own only, another's answers
 * 404. The same callback twice is the same subscription (200 the second time).
 */
export class AodhSubscriptions {
  constructor(
    private readonly store: CallbackSubscriptionStore,
    private readonly routing: DispatcherRouting,
    private readonly settings: AodhSubscriptionSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(caller: Caller, body: unknown): Promise<Outcome> {
    const parsed = aodhSubscriptionRequest.safeParse(body);
    if (!parsed.success) return { kind: 'invalid', message: z.prettifyError(parsed.error) };
    const { callbackUri, authentication } = parsed.data;
    const refusal = await callbackRefusalOf(callbackUri, this.settings.callbacks);
    if (refusal) return { kind: 'invalid', message: `callbackUri: ${refusal}` };
    const tenantId = this.ownerOf(caller);
    const id = callbackSubscriptionIdOf({ tenantId, format: 'aodh', callbackUri });
    const existing = await this.store.get(tenantId, id);
    if (existing) return { kind: 'ok', body: this.view(existing) };
    await this.routing.route(tenantId);
    const subscription: CallbackSubscription = {
      id,
      tenantId,
      format: 'aodh',
      callbackUri,
      ...(authentication ? { authentication } : {}),
      createdAt: this.clock().toISOString(),
    };
    const stored = await this.store.put(subscription);
    return { kind: stored === 'created' ? 'created' : 'ok', body: this.view(subscription) };
  }

  async list(caller: Caller): Promise<AodhSubscriptionView[]> {
    const all = await this.store.list(this.ownerOf(caller));
    return all.filter((s) => s.format === 'aodh').map((s) => this.view(s));
  }

  async get(caller: Caller, id: string): Promise<CallbackSubscription | undefined> {
    const subscription = await this.store.get(this.ownerOf(caller), id);
    return subscription?.format === 'aodh' ? subscription : undefined;
  }

  async delete(subscription: CallbackSubscription): Promise<void> {
    await this.store.delete(subscription.tenantId, subscription.id);
  }

  view(s: CallbackSubscription): AodhSubscriptionView {
    return {
      id: s.id,
      callbackUri: s.callbackUri,
      format: 'aodh',
      tenantId: s.tenantId,
      createdAt: s.createdAt,
      _links: { self: { href: `${this.settings.apiUrl}/v1/subscriptions/${s.id}` } },
    };
  }

  private ownerOf(caller: Caller): string {
    return caller.isAdmin ? this.settings.adminProjectId : caller.projectId;
  }
}
