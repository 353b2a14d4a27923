import { isIP } from 'node:net';
import { fmSubscription, type FmSubscription } from '../../../../lib/contracts/sol003-fm';
import { VnffmSubscriptions } from '../../../../lib/notifier/vnffm/vnffm-subscriptions';
import type { Caller } from '../../../../lib/platform/auth/keystone-authorizer';
import { allowListOf } from '../../../../lib/platform/cidr';
import type { Outcome } from '../../../../lib/platform/outcome';
import { httpView, type HttpView } from '../../../support/http-outcome';
import {
  InMemoryCallbackSubscriptions,
  RecordingCallbacks,
  RecordingRouting,
} from '../../../support/in-memory-callback-ports';
import { ADMIN, ADMIN_PROJECT, callbackSubscription, LINKS, TENANT_A, TENANT_B, VNFFM } from '../builders';

const NOW = '2026-03-01T12:00:00.000Z';
const CALLBACK = 'https://vnfm-a.example.com/notifications';
const BASIC = { authType: ['BASIC' as const], paramsBasic: { userName: 'vnfm', password: 's3cret' } };

/** Names resolve to a public address, except internal.example.com, which points at the metadata service. */
const resolveHost = async (host: string) =>
  isIP(host) ? [host] : host === 'internal.example.com' ? ['169.254.169.254'] : ['198.51.100.7'];

function subscriptionsScene(options: { allowList?: string[]; pageSize?: number } = {}) {
  const store = new InMemoryCallbackSubscriptions();
  const callbacks = new RecordingCallbacks();
  const routing = new RecordingRouting();
  const settings = {
    adminProjectId: ADMIN_PROJECT,
    links: LINKS,
    pageSize: options.pageSize ?? 50,
    callbacks: { allowed: allowListOf(options.allowList ?? []), resolve: resolveHost },
  };
  const raw = new VnffmSubscriptions(store, callbacks, routing, settings, () => new Date(NOW));
  return { store, callbacks, routing, raw, subscriptions: httpView(raw) };
}

/** The FmSubscription of a 200/201 answer; fails the test on any other. */
function subscriptionOf(outcome: HttpView): FmSubscription {
  if (outcome.status !== 200 && outcome.status !== 201)
    throw new Error(`expected a body, got ${JSON.stringify(outcome)}`);
  return outcome.body as FmSubscription;
}

/** The ids of a page of the list and its Link header; fails the test unless the list is answered. */
async function pageOf(subscriptions: VnffmSubscriptions, caller: Caller, params: Record<string, string>) {
  const outcome: Outcome = await subscriptions.list(caller, params);
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return { ids: (outcome.body as FmSubscription[]).map((s) => s.id), link: outcome.headers?.Link };
}

describe('Use case: SOL 003 subscriptions (VnffmSubscriptions)', () => {
  describe('create', () => {
    it('tests the callback, routes the project to the dispatcher, stores the subscription: 201 with its Location', async () => {
      // Prepare
      const { subscriptions, callbacks, routing, store } = subscriptionsScene();

      // Act
      const outcome = await subscriptions.create(TENANT_A, {
        callbackUri: CALLBACK,
        filter: { perceivedSeverities: ['CRITICAL'] },
        authentication: BASIC,
      });

      // Assess
      const created = subscriptionOf(outcome);
      expect(outcome).toEqual({ status: 201, body: created, location: `${VNFFM}/subscriptions/${created.id}` });
      expect(callbacks.tested).toEqual([{ uri: CALLBACK, authentication: BASIC }]);
      expect(routing.routed).toEqual(['tenant-a']);
      expect([...store.items.values()]).toEqual([
        {
          id: created.id,
          tenantId: 'tenant-a',
          format: 'sol003',
          callbackUri: CALLBACK,
          filter: { perceivedSeverities: ['CRITICAL'] },
          authentication: BASIC,
          createdAt: NOW,
        },
      ]);
    });

    it('answers the FmSubscription with its filter and self link, never its authentication', async () => {
      // Prepare
      const { subscriptions } = subscriptionsScene();
      const filter = { notificationTypes: ['AlarmNotification' as const], eventTypes: ['EQUIPMENT_ALARM' as const] };

      // Act
      const created = subscriptionOf(
        await subscriptions.create(TENANT_A, { callbackUri: CALLBACK, filter, authentication: BASIC }),
      );

      // Assess
      expect(created).toEqual({
        id: expect.any(String),
        filter,
        callbackUri: CALLBACK,
        _links: { self: { href: `${VNFFM}/subscriptions/${created.id}` } },
      });
      expect(fmSubscription.strict().safeParse(created).success).toBe(true);
      expect(JSON.stringify(created)).not.toContain('s3cret');
    });

    it("routes an administrator's subscription to the administrator's project, for the host alarms", async () => {
      // Prepare
      const { subscriptions, routing, store } = subscriptionsScene();

      // Act
      const outcome = await subscriptions.create(ADMIN, { callbackUri: 'https://noc.example.com/faults' });

      // Assess
      expect(outcome.status).toBe(201);
      expect(routing.routed).toEqual([ADMIN_PROJECT]);
      expect([...store.items.values()].map((s) => s.tenantId)).toEqual([ADMIN_PROJECT]);
    });

    it('answers 422 naming the reason when the callback fails its test GET, and stores and routes nothing', async () => {
      // Prepare
      const { subscriptions, callbacks, routing, store } = subscriptionsScene();
      callbacks.testResult = { ok: false, reason: `GET ${CALLBACK} answered 404` };

      // Act
      const outcome = await subscriptions.create(TENANT_A, { callbackUri: CALLBACK });

      // Assess
      expect(outcome).toEqual({ status: 422, message: expect.stringContaining(`GET ${CALLBACK} answered 404`) });
      expect(outcome.message).toContain('204 expected');
      expect(store.items.size).toBe(0);
      expect(routing.routed).toEqual([]);
    });

    it('answers the same request again with 303 See Other to the existing subscription, testing nothing again', async () => {
      // Prepare
      const { subscriptions, callbacks, routing, store } = subscriptionsScene();
      const body = { callbackUri: CALLBACK, filter: { eventTypes: ['EQUIPMENT_ALARM'] } };
      const created = subscriptionOf(await subscriptions.create(TENANT_A, body));

      // Act
      const again = await subscriptions.create(TENANT_A, structuredClone(body));

      // Assess
      expect(again).toEqual({ status: 303, location: `${VNFFM}/subscriptions/${created.id}` });
      expect(callbacks.tested).toHaveLength(1);
      expect(routing.routed).toHaveLength(1);
      expect(store.items.size).toBe(1);
    });

    it('takes the same filter with its values in another order as the same subscription (303)', async () => {
      // Prepare
      const { subscriptions } = subscriptionsScene();
      const created = subscriptionOf(
        await subscriptions.create(TENANT_A, {
          callbackUri: CALLBACK,
          filter: { perceivedSeverities: ['CRITICAL', 'MAJOR'], eventTypes: ['EQUIPMENT_ALARM'] },
        }),
      );

      // Act
      const again = await subscriptions.create(TENANT_A, {
        filter: { eventTypes: ['EQUIPMENT_ALARM'], perceivedSeverities: ['MAJOR', 'CRITICAL'] },
        callbackUri: CALLBACK,
      });

      // Assess
      expect(again).toEqual({ status: 303, location: `${VNFFM}/subscriptions/${created.id}` });
    });

    it('creates another subscription for the same callback with another filter, or from another project', async () => {
      // Prepare
      const { subscriptions, store } = subscriptionsScene();
      const first = subscriptionOf(await subscriptions.create(TENANT_A, { callbackUri: CALLBACK }));

      // Act
      const otherFilter = await subscriptions.create(TENANT_A, {
        callbackUri: CALLBACK,
        filter: { perceivedSeverities: ['CRITICAL'] },
      });
      const otherProject = await subscriptions.create(TENANT_B, { callbackUri: CALLBACK });

      // Assess
      expect([otherFilter.status, otherProject.status]).toEqual([201, 201]);
      expect(new Set([first.id, subscriptionOf(otherFilter).id, subscriptionOf(otherProject).id]).size).toBe(3);
      expect(store.items.size).toBe(3);
    });

    it('answers 303 when an identical request stored the subscription while this one tested the callback', async () => {
      // Prepare
      const { subscriptions, store } = subscriptionsScene();

      // Act
      const outcomes = await Promise.all([
        subscriptions.create(TENANT_A, { callbackUri: CALLBACK }),
        subscriptions.create(TENANT_A, { callbackUri: CALLBACK }),
      ]);

      // Assess
      expect(outcomes.map((o) => o.status).sort()).toEqual([201, 303]);
      expect(store.items.size).toBe(1);
    });

    it.each([
      ['the instance metadata service', 'http://169.254.169.254/latest/meta-data/', /link-local/],
      ['the loopback interface', 'http://127.0.0.1:8000/', /loopback/],
      ['a private address', 'http://10.0.0.5:8080/fault', /private/],
      ['IPv6 loopback', 'http://[::1]:8080/', /loopback/],
      ['a name that resolves inside', 'https://internal.example.com/n', /169\.254\.169\.254, a link-local/],
    ])(
      'answers 422 to a callback into %s, without testing it, storing or routing anything',
      async (_, callbackUri, reason) => {
        // Prepare
        const { subscriptions, callbacks, routing, store } = subscriptionsScene();

        // Act
        const outcome = await subscriptions.create(TENANT_A, { callbackUri });

        // Assess
        expect(outcome).toEqual({ status: 422, message: expect.stringMatching(reason) });
        expect(outcome.message).toMatch(/^callbackUri: /);
        expect(callbacks.tested).toEqual([]);
        expect(routing.routed).toEqual([]);
        expect(store.items.size).toBe(0);
      },
    );

    it('takes an internal callback the operator allow-listed (a VNF manager on its own network)', async () => {
      // Prepare
      const { subscriptions, callbacks } = subscriptionsScene({ allowList: ['10.0.0.0/24'] });

      // Act
      const outcome = await subscriptions.create(TENANT_A, { callbackUri: 'http://10.0.0.5:8080/fault' });

      // Assess
      expect(outcome.status).toBe(201);
      expect(callbacks.tested.map((t) => t.uri)).toEqual(['http://10.0.0.5:8080/fault']);
    });

    it.each([
      ['no callbackUri', { filter: { eventTypes: ['EQUIPMENT_ALARM'] } }],
      ['an ftp:// callbackUri', { callbackUri: 'ftp://vnfm-a.example.com/n' }],
      ['an unknown filter key', { callbackUri: CALLBACK, filter: { vnfInstanceSubscriptionFilter: {} } }],
      ['an unknown field', { callbackUri: CALLBACK, tenantId: 'tenant-b' }],
      ['an empty list in the filter', { callbackUri: CALLBACK, filter: { perceivedSeverities: [] } }],
      ['an unknown severity', { callbackUri: CALLBACK, filter: { perceivedSeverities: ['SEVERE'] } }],
      ['BASIC without paramsBasic', { callbackUri: CALLBACK, authentication: { authType: ['BASIC'] } }],
      [
        'OAUTH2_CLIENT_CREDENTIALS without its parameters',
        { callbackUri: CALLBACK, authentication: { authType: ['OAUTH2_CLIENT_CREDENTIALS'] } },
      ],
      ['TLS_CERT', { callbackUri: CALLBACK, authentication: { authType: ['TLS_CERT'] } }],
      ['no object', CALLBACK],
    ])('answers 400 to a body with %s, and tests, stores and routes nothing', async (_, body) => {
      // Prepare
      const { subscriptions, callbacks, routing, store } = subscriptionsScene();

      // Act
      const outcome = await subscriptions.create(TENANT_A, body);

      // Assess
      expect(outcome).toEqual({ status: 400, message: expect.any(String) });
      expect(callbacks.tested).toEqual([]);
      expect(routing.routed).toEqual([]);
      expect(store.items.size).toBe(0);
    });

    it('says why TLS_CERT is refused', async () => {
      // Prepare
      const { subscriptions } = subscriptionsScene();

      // Act
      const outcome = await subscriptions.create(TENANT_A, {
        callbackUri: CALLBACK,
        authentication: { authType: ['TLS_CERT'] },
      });

      // Assess
      expect(outcome.message).toContain('TLS_CERT is not supported');
    });
  });

  describe('list', () => {
    it("lists a project its own SOL 003 subscriptions only, not another project's nor its Aodh-format ones", async () => {
      // Prepare
      const { subscriptions, store } = subscriptionsScene();
      const ofA = subscriptionOf(await subscriptions.create(TENANT_A, { callbackUri: CALLBACK }));
      await subscriptions.create(TENANT_B, { callbackUri: 'https://vnfm-b.example.com/n' });
      await store.put(
        callbackSubscription({ tenantId: 'tenant-a', format: 'aodh', callbackUri: 'https://aodh.example/n' }),
      );

      // Act
      const outcome = await subscriptions.list(TENANT_A, {});

      // Assess
      expect(outcome).toEqual({ status: 200, body: [ofA] });
    });

    it('lists nothing to a project that has no subscription', async () => {
      // Prepare
      const { subscriptions } = subscriptionsScene();
      await subscriptions.create(TENANT_A, { callbackUri: CALLBACK });

      // Act
      const outcome = await subscriptions.list(ADMIN, {});

      // Assess
      expect(outcome).toEqual({ status: 200, body: [] });
    });

    it('keeps the subscriptions that pass the filter', async () => {
      // Prepare
      const { subscriptions } = subscriptionsScene();
      const wanted = subscriptionOf(await subscriptions.create(TENANT_A, { callbackUri: CALLBACK }));
      await subscriptions.create(TENANT_A, { callbackUri: 'https://vnfm-a2.example.com/n' });
      const critical = subscriptionOf(
        await subscriptions.create(TENANT_A, {
          callbackUri: 'https://vnfm-a3.example.com/n',
          filter: { perceivedSeverities: ['CRITICAL'] },
        }),
      );

      // Act
      const byCallback = await subscriptions.list(TENANT_A, { filter: `(eq,callbackUri,${CALLBACK})` });
      const bySeverity = await subscriptions.list(TENANT_A, { filter: '(eq,filter/perceivedSeverities,CRITICAL)' });

      // Assess
      expect(byCallback).toEqual({ status: 200, body: [wanted] });
      expect(bySeverity).toEqual({ status: 200, body: [critical] });
    });

    it('pages the list with a Link rel="next" that carries the filter, each subscription shown once', async () => {
      // Prepare
      const { subscriptions, raw } = subscriptionsScene({ pageSize: 2 });
      for (const n of [1, 2, 3, 4, 5])
        await subscriptions.create(TENANT_A, { callbackUri: `https://vnfm-${n}.example.com/n` });
      await subscriptions.create(TENANT_A, { callbackUri: 'https://other.example.org/n' });
      const filter = '(cont,callbackUri,example.com)';

      // Act
      const pages = [await pageOf(raw, TENANT_A, { filter })];
      for (let page = pages[0]; page?.link; page = pages.at(-1)) {
        const next = new URL(/^<(.+)>; rel="next"$/.exec(page.link)?.[1] ?? '');
        expect(`${next.origin}${next.pathname}`).toBe(`${VNFFM}/subscriptions`);
        expect(next.searchParams.get('filter')).toBe(filter);
        pages.push(await pageOf(raw, TENANT_A, Object.fromEntries(next.searchParams)));
      }

      // Assess
      expect(pages.map((p) => p.ids.length)).toEqual([2, 2, 1]);
      expect(new Set(pages.flatMap((p) => p.ids)).size).toBe(5);
    });

    it.each([
      ['an unknown query parameter', { callbackUri: CALLBACK }, /callbackUri/],
      [
        'a filter on an attribute a subscription does not have',
        { filter: '(eq,authentication,BASIC)' },
        /"authentication"/,
      ],
      ['a malformed filter', { filter: '(eq,callbackUri' }, /not closed/],
      ['a forged marker', { nextpage_opaque_marker: 'forged' }, /nextpage_opaque_marker "forged"/],
    ])('answers 400 to %s', async (_, params, problem) => {
      // Prepare
      const { subscriptions } = subscriptionsScene();

      // Act
      const outcome = await subscriptions.list(TENANT_A, params);

      // Assess
      expect(outcome).toEqual({ status: 400, message: expect.stringMatching(problem) });
    });
  });

  describe('get and delete', () => {
    it('reads a project its own subscription', async () => {
      // Prepare
      const { subscriptions } = subscriptionsScene();
      const created = subscriptionOf(
        await subscriptions.create(TENANT_A, { callbackUri: CALLBACK, authentication: BASIC }),
      );

      // Act
      const outcome = await subscriptions.get(TENANT_A, created.id);

      // Assess
      expect(outcome).toEqual({ status: 200, body: created });
    });

    it("answers 404 to reading or deleting another project's subscription, and deletes nothing", async () => {
      // Prepare
      const { subscriptions, store } = subscriptionsScene();
      const ofA = subscriptionOf(await subscriptions.create(TENANT_A, { callbackUri: CALLBACK }));

      // Act
      const read = await subscriptions.get(TENANT_B, ofA.id);
      const deleted = await subscriptions.delete(TENANT_B, ofA.id);
      const readByAdmin = await subscriptions.get(ADMIN, ofA.id);
      const deletedByAdmin = await subscriptions.delete(ADMIN, ofA.id);

      // Assess
      expect(read).toEqual({ status: 404, message: `no subscription ${ofA.id}` });
      expect(deleted).toEqual({ status: 404, message: `no subscription ${ofA.id}` });
      expect([readByAdmin.status, deletedByAdmin.status]).toEqual([404, 404]);
      expect(store.items.size).toBe(1);
    });

    it('answers 404 to reading or deleting an Aodh-format subscription through the SOL 003 API', async () => {
      // Prepare
      const { subscriptions, store } = subscriptionsScene();
      const aodh = callbackSubscription({ tenantId: 'tenant-a', format: 'aodh' });
      await store.put(aodh);

      // Act
      const read = await subscriptions.get(TENANT_A, aodh.id);
      const deleted = await subscriptions.delete(TENANT_A, aodh.id);

      // Assess
      expect([read.status, deleted.status]).toEqual([404, 404]);
      expect(store.items.size).toBe(1);
    });

    it('deletes a subscription: 204, then it is gone (404)', async () => {
      // Prepare
      const { subscriptions, store } = subscriptionsScene();
      const created = subscriptionOf(await subscriptions.create(TENANT_A, { callbackUri: CALLBACK }));

      // Act
      const outcome = await subscriptions.delete(TENANT_A, created.id);

      // Assess
      expect(outcome).toEqual({ status: 204 });
      expect(store.items.size).toBe(0);
      expect((await subscriptions.get(TENANT_A, created.id)).status).toBe(404);
      expect((await subscriptions.delete(TENANT_A, created.id)).status).toBe(404);
    });

    it('creates the subscription anew after a delete, testing the callback again, under the same id', async () => {
      // Prepare
      const { subscriptions, callbacks } = subscriptionsScene();
      const created = subscriptionOf(await subscriptions.create(TENANT_A, { callbackUri: CALLBACK }));
      await subscriptions.delete(TENANT_A, created.id);

      // Act
      const again = await subscriptions.create(TENANT_A, { callbackUri: CALLBACK });

      // Assess
      expect(again.status).toBe(201);
      expect(subscriptionOf(again).id).toBe(created.id);
      expect(callbacks.tested).toHaveLength(2);
    });
  });

  describe('callbacks at IPv4-mapped IPv6 addresses', () => {
    it.each([
      ['the instance metadata service', 'http://[::ffff:169.254.169.254]/latest/meta-data/'],
      ['the loopback interface', 'http://[::ffff:127.0.0.1]:8080/'],
      ['a private address', 'http://[0:0:0:0:0:ffff:10.0.0.5]/fault'],
    ])(
      'answers 422 to a callback into %s written as an IPv4-mapped IPv6 address, testing nothing',
      async (_, callbackUri) => {
        // Prepare: the URL parser writes [::ffff:169.254.169.254] as [::ffff:a9fe:a9fe], which the
        // policy's ::ffff:a.b.c.d unmapping does not recognise, and no IPv6 range covers ::ffff:0:0/96.
        const { subscriptions, callbacks } = subscriptionsScene();

        // Act
        const outcome = await subscriptions.create(TENANT_A, { callbackUri });

        // Assess
        expect(outcome.status).toBe(422);
        expect(callbacks.tested).toEqual([]);
      },
    );
  });
});
