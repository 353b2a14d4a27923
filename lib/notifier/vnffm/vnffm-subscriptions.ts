import type { BlockList } from 'node:net';
import { z } from 'zod';
import { fmSubscription, fmSubscriptionRequest } from '../../contracts/sol003-fm';
import type { Caller } from '../../platform/auth/keystone-authorizer';
import type { Outcome } from '../../platform/outcome';
import { callbackRefusalOf } from '../callback-policy';
import { callbackSubscriptionIdOf, type CallbackSubscription } from '../callbacks/callback-subscription';
import type { CallbackSubscriptionStore, Callbacks, DispatcherRouting } from '../callbacks/ports';
import { filteredPage } from './paging';
import { attributePaths } from './sol013-filter';
import type { VnffmLinks } from './vnffm-links';

const SUBSCRIPTION_ATTRIBUTES = attributePaths(fmSubscription);

export interface VnffmSubscriptionSettings {
  adminProjectId: string;
  links: VnffmLinks;
  pageSize: number;
  /** Where callbacks may point (../callback-policy.ts): the operator's allow-list, and how host names resolve. */
  callbacks: { allowed: BlockList; resolve(host: string): Promise<string[]> };
}

/**
 * SOL 003's subscriptions resource. A project subscribes to its own alarms only (an
 * administrator to the host alarms); it sees and deletes its own subscriptions only. Before
 * anything is created the callback is tested with a GET that must answer 204, as SOL 003
 * requires; the same callback and filter again answer 303 See Other to the existing one.
 */
export class VnffmSubscriptions {
  constructor(
    private readonly store: CallbackSubscriptionStore,
    private readonly callbacks: Callbacks,
    private readonly routing: DispatcherRouting,
    private readonly settings: VnffmSubscriptionSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(caller: Caller, body: unknown): Promise<Outcome> {
    const parsed = fmSubscriptionRequest.safeParse(body);
    if (!parsed.success) return { kind: 'invalid', message: z.prettifyError(parsed.error) };
    const request = parsed.data;
    const tenantId = this.ownerOf(caller);
    const id = callbackSubscriptionIdOf({ tenantId, format: 'sol003', ...request });
    if (await this.store.get(tenantId, id))
      return { kind: 'see-other', location: this.settings.links.subscription(id) };
    const refusal = await callbackRefusalOf(request.callbackUri, this.settings.callbacks);
    if (refusal) return { kind: 'unprocessable', message: `callbackUri: ${refusal}` };
    const test = await this.callbacks.test(request.callbackUri, request.authentication);
    if (!test.ok) {
      return {
        kind: 'unprocessable',
        message: `the callbackUri did not pass the test GET (204 expected): ${test.reason}`,
      };
    }
    await this.routing.route(tenantId);
    const subscription: CallbackSubscription = {
      id,
      tenantId,
      format: 'sol003',
      callbackUri: request.callbackUri,
      ...(request.filter ? { filter: request.filter } : {}),
      ...(request.authentication ? { authentication: request.authentication } : {}),
      createdAt: this.clock().toISOString(),
    };
    if ((await this.store.put(subscription)) === 'exists') {
      return { kind: 'see-other', location: this.settings.links.subscription(id) };
    }
    return { kind: 'created', body: this.view(subscription), location: this.settings.links.subscription(id) };
  }

  async list(caller: Caller, params: Record<string, string | undefined>): Promise<Outcome> {
    const mine = (await this.store.list(this.ownerOf(caller))).filter((s) => s.format === 'sol003');
    return filteredPage(
      params,
      mine.map((s) => this.view(s)),
      {
        attributes: SUBSCRIPTION_ATTRIBUTES,
        keyOf: (s) => [s.id],
        url: this.settings.links.subscriptions,
        pageSize: this.settings.pageSize,
      },
    );
  }

  async get(caller: Caller, id: string): Promise<Outcome> {
    const subscription = await this.mine(caller, id);
    return subscription ? { kind: 'ok', body: this.view(subscription) } : notFound(id);
  }

  async delete(caller: Caller, id: string): Promise<Outcome> {
    const subscription = await this.mine(caller, id);
    if (!subscription) return notFound(id);
    await this.store.delete(subscription.tenantId, id);
    return { kind: 'done' };
  }

  private async mine(caller: Caller, id: string): Promise<CallbackSubscription | undefined> {
    const subscription = await this.store.get(this.ownerOf(caller), id);
    return subscription?.format === 'sol003' ? subscription : undefined;
  }

  private ownerOf(caller: Caller): string {
    return caller.isAdmin ? this.settings.adminProjectId : caller.projectId;
  }

  /** SOL 003's FmSubscription: the authentication is never shown. */
  private view(s: CallbackSubscription) {
    return fmSubscription.parse({
      id: s.id,
      ...(s.filter ? { filter: s.filter } : {}),
      callbackUri: s.callbackUri,
      _links: { self: { href: this.settings.links.subscription(s.id) } },
    });
  }
}

const notFound = (id: string): Outcome => ({ kind: 'not-found', message: `no subscription ${id}` });
