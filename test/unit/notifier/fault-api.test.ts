import { isIP } from 'node:net';
import { type Alarm } from '../../../lib/contracts/etsi-alarm';
import { alarmQuery, matchesQuery, selectAlarms } from '../../../lib/notifier/alarm-query';
import { ManageSubscriptions } from '../../../lib/notifier/manage-subscriptions';
import {
  SubscriptionConflictError,
  type SubscriptionStore,
  type TopicSubscriptions,
} from '../../../lib/notifier/ports';
import {
  filterPolicyOf,
  protocolOf,
  subscriptionIdOf,
  subscriptionRequest,
  type FilterPolicy,
  type Subscription,
  type SubscriptionProtocol,
} from '../../../lib/notifier/subscription';
import { TenantAlarms } from '../../../lib/notifier/tenant-alarms';
import { allowListOf } from '../../../lib/platform/cidr';
import { httpView, type HttpView } from '../../support/http-outcome';
import { InMemoryAlarmViews } from '../../support/in-memory-alarm-views';
import { ADMIN_PROJECT } from '../inspector/builders';
import { ADMIN, alarmView, at, member, TENANT_A, TENANT_B } from './builders';

const idsOf = (alarms: readonly Alarm[]): string[] => alarms.map((a) => a.id);
const query = (params: Record<string, string>) => alarmQuery.parse(params);

// ---- in-memory ports -------------------------------------------------------------------------

/** Subscriptions in a Map by owner and id; the first of two puts of one id wins. */
class InMemorySubscriptions implements SubscriptionStore {
  readonly items = new Map<string, Subscription>();

  async get(ownerProjectId: string, id: string) {
    const item = this.items.get(`${ownerProjectId}#${id}`);
    return item && structuredClone(item);
  }

  async list(ownerProjectId: string) {
    return [...this.items.values()].filter((s) => s.ownerProjectId === ownerProjectId).map((s) => structuredClone(s));
  }

  async put(subscription: Subscription): Promise<'created' | 'exists'> {
    const key = `${subscription.ownerProjectId}#${subscription.id}`;
    if (this.items.has(key)) return 'exists';
    this.items.set(key, structuredClone(subscription));
    return 'created';
  }

  async delete(ownerProjectId: string, id: string) {
    this.items.delete(`${ownerProjectId}#${id}`);
  }

  async sharing(subscriptionArn: string) {
    return [...this.items.values()]
      .filter((s) => s.subscriptionArn === subscriptionArn)
      .map(({ ownerProjectId, id }) => ({ ownerProjectId, id }));
  }
}

interface SubscribeRequest {
  tenantId: string;
  protocol: SubscriptionProtocol;
  endpoint: string;
  filterPolicy: FilterPolicy | undefined;
}

/**
 * The notification topics, recording what was subscribed and unsubscribed. Like SNS, one
 * subscription per topic and endpoint: the same filter again gives its ARN, another filter fails.
 */
class RecordingTopics implements TopicSubscriptions {
  readonly subscribed: SubscribeRequest[] = [];
  readonly unsubscribed: string[] = [];
  private readonly live = new Map<string, { arn: string; policy: string }>();

  async subscribe(request: SubscribeRequest): Promise<string> {
    const key = `${request.tenantId} ${request.endpoint}`;
    const policy = JSON.stringify(request.filterPolicy ?? null);
    const existing = this.live.get(key);
    if (existing && existing.policy !== policy) throw new SubscriptionConflictError(request.endpoint);
    if (existing) return existing.arn;
    this.subscribed.push(request);
    const arn = `arn:aws:sns:eu-west-1:123456789012:nfvi-doctor-${request.tenantId}:sub-${this.subscribed.length}`;
    this.live.set(key, { arn, policy });
    return arn;
  }

  async unsubscribe(subscriptionArn: string): Promise<void> {
    this.unsubscribed.push(subscriptionArn);
    for (const [key, { arn }] of this.live) if (arn === subscriptionArn) this.live.delete(key);
  }
}

// ---- helpers ---------------------------------------------------------------------------------

const API_URL = 'https://doctor.example.com';
const NOW = '2026-03-01T12:00:00.000Z';
const CALLBACK = 'https://vnfm-a.example.com/notifications';

/** The body of a 200/201 outcome; fails the test on any other. */
function bodyOf<T = Record<string, unknown>>(outcome: HttpView): T {
  if (!('body' in outcome)) throw new Error(`expected a body, got ${JSON.stringify(outcome)}`);
  return outcome.body as T;
}

/** tenant-a's two instance alarms, tenant-b's one, all on host compute-1, and the host alarm of compute-1. */
function alarmsScene() {
  const views = new InMemoryAlarmViews(
    alarmView('a-1', { managedObjectId: 'vm-a1', tenantId: 'tenant-a', raisedAt: 1 }),
    alarmView('a-2', { managedObjectId: 'vm-a2', tenantId: 'tenant-a', raisedAt: 2 }),
    alarmView('b-1', { managedObjectId: 'vm-b1', tenantId: 'tenant-b', raisedAt: 3 }),
    alarmView('h-1', { managedObjectId: 'compute-1', tenantId: ADMIN_PROJECT, severity: 'CRITICAL' }),
  );
  return { views, alarms: httpView(new TenantAlarms(views, ADMIN_PROJECT)) };
}

/** Names resolve to a public address, except internal.example.com, which points at the metadata service. */
const resolveHost = async (host: string) =>
  isIP(host) ? [host] : host === 'internal.example.com' ? ['169.254.169.254'] : ['198.51.100.7'];

function subscriptionsScene(allowList: string[] = []) {
  const store = new InMemorySubscriptions();
  const topics = new RecordingTopics();
  const settings = {
    adminProjectId: ADMIN_PROJECT,
    apiUrl: API_URL,
    callbacks: { allowed: allowListOf(allowList), resolve: resolveHost },
  };
  const subscriptions = httpView(new ManageSubscriptions(store, topics, settings, () => new Date(NOW)));
  return { store, topics, subscriptions };
}

// ---- alarm query -----------------------------------------------------------------------------

describe('Schema: alarmQuery (GET /v1/alarms query parameters)', () => {
  it('reads no parameters as the active alarms', () => {
    // Act
    const parsed = alarmQuery.parse({});

    // Assess
    expect(parsed).toEqual({ state: 'active' });
  });

  it('accepts every filter together', () => {
    // Prepare
    const params = {
      resourceId: 'compute-1',
      faultType: 'compute.host.down',
      minSeverity: 'MAJOR',
      since: '2026-03-01T10:00:00Z',
      until: '2026-03-01T11:00:00+01:00',
      state: 'all',
      tenantId: 'tenant-a',
    };

    // Act
    const result = alarmQuery.safeParse(params);

    // Assess
    expect(result.success).toBe(true);
  });

  it('rejects an unknown parameter rather than ignoring a misspelt filter', () => {
    // Act
    const result = alarmQuery.safeParse({ severity: 'MAJOR' });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['severity'] })]);
  });

  it.each(['SEVERE', 'major', 'CLEARED'])('rejects %s as minSeverity', (minSeverity) => {
    // Act
    const result = alarmQuery.safeParse({ minSeverity });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['minSeverity']);
  });

  it('rejects a time that is no ISO 8601 instant', () => {
    // Act
    const result = alarmQuery.safeParse({ since: 'yesterday' });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['since']);
  });

  it('rejects since after until, and accepts since equal to until', () => {
    // Act
    const after = alarmQuery.safeParse({ since: at(10), until: at(5) });
    const equal = alarmQuery.safeParse({ since: at(5), until: at(5) });

    // Assess
    expect(after.success).toBe(false);
    expect(after.error?.issues).toEqual([
      expect.objectContaining({ path: ['since'], message: 'since must not be after until' }),
    ]);
    expect(equal.success).toBe(true);
  });
});

describe('Function: selectAlarms (which alarms a query keeps)', () => {
  describe('state', () => {
    const active = alarmView('active', { raisedAt: 0 });
    const cleared = alarmView('cleared', { raisedAt: 1, clearedAt: 2 });

    it.each([
      ['active', ['active']],
      ['cleared', ['cleared']],
      ['all', ['cleared', 'active']],
    ])('state=%s keeps %j', (state, expected) => {
      // Act
      const selected = selectAlarms([active, cleared], query({ state }));

      // Assess
      expect(idsOf(selected)).toEqual(expected);
    });
  });

  describe('resourceId', () => {
    const instanceOnHost1 = alarmView('vm-a1-on-compute-1', {
      managedObjectId: 'vm-a1',
      host: 'compute-1',
      raisedAt: 3,
    });
    const instanceOnHost2 = alarmView('vm-a2-on-compute-2', {
      managedObjectId: 'vm-a2',
      host: 'compute-2',
      raisedAt: 2,
    });
    const host1 = alarmView('compute-1', { managedObjectId: 'compute-1', host: 'compute-1', raisedAt: 1 });
    const all = [instanceOnHost1, instanceOnHost2, host1];

    it('matches the alarmed instance', () => {
      // Act
      const selected = selectAlarms(all, query({ resourceId: 'vm-a2' }));

      // Assess
      expect(idsOf(selected)).toEqual(['vm-a2-on-compute-2']);
    });

    it("matches the host, as the alarmed object or as the instance alarms' faulty resource", () => {
      // Act
      const selected = selectAlarms(all, query({ resourceId: 'compute-1' }));

      // Assess
      expect(idsOf(selected)).toEqual(['vm-a1-on-compute-1', 'compute-1']);
    });

    it('keeps nothing for a resource no alarm names', () => {
      // Act
      const selected = selectAlarms(all, query({ resourceId: 'vm-z9' }));

      // Assess
      expect(selected).toEqual([]);
    });
  });

  it('faultType keeps the alarms of that fault type only', () => {
    // Prepare
    const down = alarmView('down', { faultType: 'compute.host.down' });
    const fan = alarmView('fan', { faultType: 'compute.host.fan.error' });

    // Act
    const selected = selectAlarms([down, fan], query({ faultType: 'compute.host.fan.error' }));

    // Assess
    expect(idsOf(selected)).toEqual(['fan']);
  });

  describe('minSeverity', () => {
    const critical = alarmView('critical', { severity: 'CRITICAL', raisedAt: 4 });
    const major = alarmView('major', { severity: 'MAJOR', raisedAt: 3 });
    const minor = alarmView('minor', { severity: 'MINOR', raisedAt: 2 });
    const clearedCritical = alarmView('cleared-critical', { severity: 'CRITICAL', raisedAt: 1, clearedAt: 5 });

    it('keeps the alarms at least that severe', () => {
      // Act
      const selected = selectAlarms([critical, major, minor], query({ minSeverity: 'MAJOR' }));

      // Assess
      expect(idsOf(selected)).toEqual(['critical', 'major']);
    });

    it('judges a cleared alarm by the severity it was raised with, not by CLEARED', () => {
      // Prepare
      expect(clearedCritical.alarm.perceivedSeverity).toBe('CLEARED');

      // Act
      const selected = selectAlarms(
        [critical, major, minor, clearedCritical],
        query({ minSeverity: 'MAJOR', state: 'all' }),
      );

      // Assess
      expect(idsOf(selected)).toEqual(['critical', 'major', 'cleared-critical']);
      expect(matchesQuery(clearedCritical, query({ minSeverity: 'CRITICAL', state: 'cleared' }))).toBe(true);
    });
  });

  describe('since / until: the alarms active at some time in the range', () => {
    // The range is [60, 120] minutes after the epoch.
    const range = { since: at(60), until: at(120), state: 'all' };

    it.each([
      ['raised after until', { raisedAt: 130 }],
      ['cleared before since', { raisedAt: 0, clearedAt: 30 }],
    ])('leaves out an alarm %s', (_, spec) => {
      // Act
      const matches = matchesQuery(alarmView('alarm', spec), query(range));

      // Assess
      expect(matches).toBe(false);
    });

    it.each([
      ['still active, raised long before since', { raisedAt: -24 * 60 }],
      ['raised before since and cleared inside the range', { raisedAt: 0, clearedAt: 90 }],
      ['raised before since and cleared after until', { raisedAt: 0, clearedAt: 200 }],
      ['raised inside the range, still active', { raisedAt: 100 }],
      ['raised exactly at until', { raisedAt: 120 }],
      ['cleared exactly at since', { raisedAt: 0, clearedAt: 60 }],
    ])('keeps an alarm %s', (_, spec) => {
      // Act
      const matches = matchesQuery(alarmView('alarm', spec), query(range));

      // Assess
      expect(matches).toBe(true);
    });

    it('since alone keeps what was still active at or after it', () => {
      // Prepare
      const endedBefore = alarmView('ended-before', { raisedAt: 0, clearedAt: 30 });
      const endedAfter = alarmView('ended-after', { raisedAt: 0, clearedAt: 90 });

      // Act
      const selected = selectAlarms([endedBefore, endedAfter], query({ since: at(60), state: 'all' }));

      // Assess
      expect(idsOf(selected)).toEqual(['ended-after']);
    });
  });

  it('lists the newest alarm first', () => {
    // Prepare
    const views = [
      alarmView('old', { raisedAt: 1 }),
      alarmView('newest', { raisedAt: 9 }),
      alarmView('middle', { raisedAt: 5 }),
    ];

    // Act
    const selected = selectAlarms(views, query({}));

    // Assess
    expect(idsOf(selected)).toEqual(['newest', 'middle', 'old']);
  });
});

// ---- subscriptions ---------------------------------------------------------------------------

describe('Schema: subscriptionRequest (POST /v1/subscriptions)', () => {
  it.each([
    'https://vnfm-a.example.com/notifications',
    'http://10.0.0.5:8080/fault',
    'arn:aws:sqs:eu-west-1:123456789012:vnfm-faults',
    'arn:aws:sqs:eu-west-1:123456789012:vnfm-faults.fifo',
  ])('accepts %s as callbackUri', (callbackUri) => {
    // Act
    const result = subscriptionRequest.safeParse({ callbackUri });

    // Assess
    expect(result.success).toBe(true);
  });

  it.each(['ftp://vnfm-a.example.com/notifications', 'not a url', 'https://', 'arn:aws:sns:eu-west-1:123456789012:t'])(
    'rejects %s as callbackUri',
    (callbackUri) => {
      // Act
      const result = subscriptionRequest.safeParse({ callbackUri });

      // Assess
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['callbackUri']);
    },
  );

  it('accepts a filter on event types, severities and notification types', () => {
    // Act
    const result = subscriptionRequest.safeParse({
      callbackUri: CALLBACK,
      filter: {
        eventTypes: ['EQUIPMENT_ALARM', 'maintenance.scheduled', 'recovery'],
        perceivedSeverities: ['CRITICAL', 'MAJOR'],
        notificationTypes: ['AlarmNotification'],
      },
      tenantId: 'tenant-a',
    });

    // Assess
    expect(result.success).toBe(true);
  });

  it('rejects an unknown field, in the request or in its filter', () => {
    // Act
    const inRequest = subscriptionRequest.safeParse({ callbackUri: CALLBACK, authentication: { user: 'u' } });
    const inFilter = subscriptionRequest.safeParse({ callbackUri: CALLBACK, filter: { resourceIds: ['vm-a1'] } });

    // Assess
    expect(inRequest.success).toBe(false);
    expect(inFilter.success).toBe(false);
  });

  it('rejects CLEARED among perceivedSeverities: clears follow the severities asked for', () => {
    // Act
    const result = subscriptionRequest.safeParse({
      callbackUri: CALLBACK,
      filter: { perceivedSeverities: ['CRITICAL', 'CLEARED'] },
    });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['filter', 'perceivedSeverities', 1]);
  });
});

describe('Function: protocolOf', () => {
  it.each([
    ['https://vnfm-a.example.com/n', 'https'],
    ['http://10.0.0.5:8080/fault', 'http'],
    ['arn:aws:sqs:eu-west-1:123456789012:vnfm-faults', 'sqs'],
  ])('reads %s as %s', (uri, protocol) => {
    expect(protocolOf(uri)).toBe(protocol);
  });
});

describe('Function: subscriptionIdOf', () => {
  const request = {
    callbackUri: CALLBACK,
    filter: { eventTypes: ['EQUIPMENT_ALARM' as const], perceivedSeverities: ['CRITICAL' as const, 'MAJOR' as const] },
  };

  it('names the same request the same, whatever the order of its fields and of the filter values', () => {
    // Prepare
    const reordered = {
      filter: {
        perceivedSeverities: ['MAJOR' as const, 'CRITICAL' as const],
        eventTypes: ['EQUIPMENT_ALARM' as const],
      },
      callbackUri: CALLBACK,
    };

    // Act
    const first = subscriptionIdOf('tenant-a', 'tenant-a', request);
    const second = subscriptionIdOf('tenant-a', 'tenant-a', reordered);

    // Assess
    expect(second).toBe(first);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('names another project, another topic, another callback or another filter differently', () => {
    // Act
    const ids = [
      subscriptionIdOf('tenant-a', 'tenant-a', request),
      subscriptionIdOf('tenant-b', 'tenant-a', request),
      subscriptionIdOf('tenant-a', 'tenant-b', request),
      subscriptionIdOf('tenant-a', 'tenant-a', { ...request, callbackUri: 'https://vnfm-b.example.com/n' }),
      subscriptionIdOf('tenant-a', 'tenant-a', { callbackUri: CALLBACK }),
    ];

    // Assess
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('Function: filterPolicyOf (the SNS filter policy of a subscription filter)', () => {
  it('has no policy without a filter, or with an empty one', () => {
    expect(filterPolicyOf(undefined)).toBeUndefined();
    expect(filterPolicyOf({})).toBeUndefined();
  });

  it('filters event types on the eventType attribute', () => {
    expect(filterPolicyOf({ eventTypes: ['EQUIPMENT_ALARM', 'maintenance.host'] })).toEqual({
      eventType: ['EQUIPMENT_ALARM', 'maintenance.host'],
    });
  });

  it('lets the clears of the severities asked for through', () => {
    expect(filterPolicyOf({ perceivedSeverities: ['CRITICAL', 'MAJOR'] })).toEqual({
      perceivedSeverity: ['CRITICAL', 'MAJOR', 'CLEARED'],
    });
  });

  it('lets the clears through when the notification types include AlarmClearedNotification', () => {
    expect(
      filterPolicyOf({
        perceivedSeverities: ['CRITICAL'],
        notificationTypes: ['AlarmNotification', 'AlarmClearedNotification'],
      }),
    ).toEqual({
      perceivedSeverity: ['CRITICAL', 'CLEARED'],
      notificationType: ['AlarmNotification', 'AlarmClearedNotification'],
    });
  });

  it('leaves CLEARED out when the notification types exclude AlarmClearedNotification', () => {
    expect(filterPolicyOf({ perceivedSeverities: ['CRITICAL'], notificationTypes: ['AlarmNotification'] })).toEqual({
      perceivedSeverity: ['CRITICAL'],
      notificationType: ['AlarmNotification'],
    });
  });

  it('filters notification types on the notificationType attribute', () => {
    expect(filterPolicyOf({ notificationTypes: ['AlarmClearedNotification'] })).toEqual({
      notificationType: ['AlarmClearedNotification'],
    });
  });
});

// ---- use case: tenant alarms -----------------------------------------------------------------

describe('Use case: read and acknowledge alarms (TenantAlarms)', () => {
  describe('list', () => {
    it('lists a tenant its own alarms only, newest first', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const ofA = await alarms.list(TENANT_A, {});
      const ofB = await alarms.list(TENANT_B, {});

      // Assess
      expect(ofA.status).toBe(200);
      expect(idsOf(bodyOf<Alarm[]>(ofA))).toEqual(['a-2', 'a-1']);
      expect(idsOf(bodyOf<Alarm[]>(ofB))).toEqual(['b-1']);
    });

    it("never shows a tenant another tenant's alarms, even on the host both run on", async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.list(TENANT_B, { resourceId: 'compute-1', state: 'all' });

      // Assess
      expect(idsOf(bodyOf<Alarm[]>(outcome))).toEqual(['b-1']);
    });

    it("refuses a tenant asking for another tenant's alarms with 403", async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.list(TENANT_B, { tenantId: 'tenant-a' });

      // Assess
      expect(outcome).toEqual({ status: 403, message: expect.stringContaining('tenant-a') });
    });

    it('lets a tenant name its own tenantId', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.list(TENANT_A, { tenantId: 'tenant-a' });

      // Assess
      expect(idsOf(bodyOf<Alarm[]>(outcome))).toEqual(['a-2', 'a-1']);
    });

    it("lists an administrator the admin project's (host) alarms by default, and a tenant's with tenantId", async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const hosts = await alarms.list(ADMIN, {});
      const ofA = await alarms.list(ADMIN, { tenantId: 'tenant-a' });

      // Assess
      expect(idsOf(bodyOf<Alarm[]>(hosts))).toEqual(['h-1']);
      expect(idsOf(bodyOf<Alarm[]>(ofA))).toEqual(['a-2', 'a-1']);
    });

    it.each([
      ['minSeverity', { minSeverity: 'SEVERE' }],
      ['state', { state: 'open' }],
      ['severity', { severity: 'MAJOR' }],
      ['since', { since: at(10), until: at(5) }],
    ])('answers 400 naming %s for a bad query', async (parameter, params) => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.list(TENANT_A, params);

      // Assess
      expect(outcome).toEqual({ status: 400, message: expect.stringContaining(parameter) });
    });
  });

  describe('get', () => {
    it('reads a tenant its own alarm', async () => {
      // Prepare
      const { alarms, views } = alarmsScene();

      // Act
      const outcome = await alarms.get(TENANT_A, 'a-1');

      // Assess
      expect(outcome).toEqual({ status: 200, body: views.views.get('a-1')?.alarm });
    });

    it("answers 404 for another tenant's alarm, just as for an alarm that does not exist", async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const another = await alarms.get(TENANT_B, 'a-1');
      const missing = await alarms.get(TENANT_B, 'a-404');

      // Assess
      expect(another).toEqual({ status: 404, message: 'no alarm a-1' });
      expect(missing).toEqual({ status: 404, message: 'no alarm a-404' });
    });

    it("reads an administrator a host alarm, and any project's alarm named with tenantId", async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const host = await alarms.get(ADMIN, 'h-1');
      const named = await alarms.get(ADMIN, 'b-1', { tenantId: 'tenant-b' });
      const unnamed = await alarms.get(ADMIN, 'b-1');

      // Assess
      expect([host.status, named.status, unnamed.status]).toEqual([200, 200, 404]);
    });

    it('refuses a tenant naming another tenant with 403, and an unknown parameter with 400', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const foreign = await alarms.get(TENANT_A, 'b-1', { tenantId: 'tenant-b' });
      const unknown = await alarms.acknowledge(TENANT_A, 'a-1', { ackState: 'ACKNOWLEDGED' }, { colour: 'red' });

      // Assess
      expect(foreign.status).toBe(403);
      expect(unknown.status).toBe(400);
    });
  });

  describe('acknowledge', () => {
    it('acknowledges the alarm: 200 with the new ackState, and the alarm then reads ACKNOWLEDGED', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.acknowledge(TENANT_A, 'a-1', { ackState: 'ACKNOWLEDGED' });

      // Assess
      expect(outcome).toEqual({ status: 200, body: { ackState: 'ACKNOWLEDGED' } });
      expect(bodyOf<Alarm>(await alarms.get(TENANT_A, 'a-1')).ackState).toBe('ACKNOWLEDGED');
    });

    it('answers 409 to a second identical acknowledgement', async () => {
      // Prepare
      const { alarms } = alarmsScene();
      await alarms.acknowledge(TENANT_A, 'a-1', { ackState: 'ACKNOWLEDGED' });

      // Act
      const outcome = await alarms.acknowledge(TENANT_A, 'a-1', { ackState: 'ACKNOWLEDGED' });

      // Assess
      expect(outcome).toEqual({ status: 409, message: 'alarm a-1 is already ACKNOWLEDGED' });
    });

    it('takes an acknowledgement back with UNACKNOWLEDGED', async () => {
      // Prepare
      const { alarms } = alarmsScene();
      await alarms.acknowledge(TENANT_A, 'a-1', { ackState: 'ACKNOWLEDGED' });

      // Act
      const outcome = await alarms.acknowledge(TENANT_A, 'a-1', { ackState: 'UNACKNOWLEDGED' });

      // Assess
      expect(outcome).toEqual({ status: 200, body: { ackState: 'UNACKNOWLEDGED' } });
      expect(bodyOf<Alarm>(await alarms.get(TENANT_A, 'a-1')).ackState).toBe('UNACKNOWLEDGED');
    });

    it("answers 404 to a tenant acknowledging another tenant's alarm, and leaves it unacknowledged", async () => {
      // Prepare
      const { alarms, views } = alarmsScene();

      // Act
      const outcome = await alarms.acknowledge(TENANT_B, 'a-1', { ackState: 'ACKNOWLEDGED' });

      // Assess
      expect(outcome).toEqual({ status: 404, message: 'no alarm a-1' });
      expect(views.views.get('a-1')?.alarm.ackState).toBe('UNACKNOWLEDGED');
    });

    it('answers 404 for an alarm that does not exist', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.acknowledge(ADMIN, 'a-404', { ackState: 'ACKNOWLEDGED' });

      // Assess
      expect(outcome).toEqual({ status: 404, message: 'no alarm a-404' });
    });

    it.each([
      ['an unknown ackState', { ackState: 'ACKED' }],
      ['no ackState', {}],
      ['an unknown field', { ackState: 'ACKNOWLEDGED', perceivedSeverity: 'MINOR' }],
      ['no object', 'ACKNOWLEDGED'],
    ])('answers 400 to a body with %s, and changes nothing', async (_, body) => {
      // Prepare
      const { alarms, views } = alarmsScene();

      // Act
      const outcome = await alarms.acknowledge(TENANT_A, 'a-1', body);

      // Assess
      expect(outcome).toEqual({ status: 400, message: expect.any(String) });
      expect(views.views.get('a-1')?.alarm.ackState).toBe('UNACKNOWLEDGED');
    });
  });
});

// ---- use case: manage subscriptions ----------------------------------------------------------

interface SubscriptionView {
  id: string;
  tenantId: string;
  callbackUri: string;
  _links: { self: { href: string } };
}

describe('Use case: manage subscriptions (ManageSubscriptions)', () => {
  describe('create', () => {
    it('subscribes a tenant on its own topic, with the filter as the filter policy: 201', async () => {
      // Prepare
      const { subscriptions, topics, store } = subscriptionsScene();

      // Act
      const outcome = await subscriptions.create(TENANT_A, {
        callbackUri: CALLBACK,
        filter: { perceivedSeverities: ['CRITICAL'] },
      });

      // Assess
      expect(outcome.status).toBe(201);
      expect(bodyOf(outcome)).toMatchObject({ tenantId: 'tenant-a', protocol: 'https' });
      expect(topics.subscribed).toEqual([
        {
          tenantId: 'tenant-a',
          protocol: 'https',
          endpoint: CALLBACK,
          filterPolicy: { perceivedSeverity: ['CRITICAL', 'CLEARED'] },
        },
      ]);
      expect([...store.items.values()]).toEqual([
        expect.objectContaining({
          ownerProjectId: 'tenant-a',
          tenantId: 'tenant-a',
          subscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:nfvi-doctor-tenant-a:sub-1',
        }),
      ]);
    });

    it('answers the same POST again with 200 and the same subscription, subscribing SNS only once', async () => {
      // Prepare
      const { subscriptions, topics } = subscriptionsScene();
      const body = { callbackUri: CALLBACK, filter: { eventTypes: ['EQUIPMENT_ALARM'] } };
      const first = await subscriptions.create(TENANT_A, body);

      // Act
      const again = await subscriptions.create(TENANT_A, structuredClone(body));

      // Assess
      expect(first.status).toBe(201);
      expect(again).toEqual({ status: 200, body: bodyOf(first) });
      expect(topics.subscribed).toHaveLength(1);
    });

    it('answers 200 with the stored subscription when an identical POST stored it first meanwhile', async () => {
      // Prepare
      const { subscriptions, store } = subscriptionsScene();
      const body = { callbackUri: CALLBACK };

      // Act
      const outcomes = await Promise.all([subscriptions.create(TENANT_A, body), subscriptions.create(TENANT_A, body)]);

      // Assess
      expect(outcomes.map((o) => o.status)).toEqual([201, 200]);
      expect(bodyOf(outcomes[1] as HttpView)).toEqual(bodyOf(outcomes[0] as HttpView));
      expect(store.items.size).toBe(1);
    });

    it("refuses a tenant naming another tenant's tenantId with 403, and subscribes nothing", async () => {
      // Prepare
      const { subscriptions, topics, store } = subscriptionsScene();

      // Act
      const outcome = await subscriptions.create(TENANT_B, { callbackUri: CALLBACK, tenantId: 'tenant-a' });

      // Assess
      expect(outcome).toEqual({ status: 403, message: expect.stringContaining('tenant-a') });
      expect(topics.subscribed).toEqual([]);
      expect(store.items.size).toBe(0);
    });

    it('lets a tenant name its own tenantId', async () => {
      // Prepare
      const { subscriptions, topics } = subscriptionsScene();

      // Act
      const outcome = await subscriptions.create(TENANT_A, { callbackUri: CALLBACK, tenantId: 'tenant-a' });

      // Assess
      expect(outcome.status).toBe(201);
      expect(topics.subscribed.map((s) => s.tenantId)).toEqual(['tenant-a']);
    });

    it("subscribes an administrator to the admin project's topic by default, and to a tenant's with tenantId", async () => {
      // Prepare
      const { subscriptions, topics } = subscriptionsScene();
      const queue = 'arn:aws:sqs:eu-west-1:123456789012:noc-faults';

      // Act
      const own = await subscriptions.create(ADMIN, { callbackUri: queue });
      const ofA = await subscriptions.create(ADMIN, { callbackUri: queue, tenantId: 'tenant-a' });

      // Assess
      expect([own.status, ofA.status]).toEqual([201, 201]);
      expect(topics.subscribed).toEqual([
        { tenantId: ADMIN_PROJECT, protocol: 'sqs', endpoint: queue, filterPolicy: undefined },
        { tenantId: 'tenant-a', protocol: 'sqs', endpoint: queue, filterPolicy: undefined },
      ]);
      expect(bodyOf<SubscriptionView>(own).id).not.toBe(bodyOf<SubscriptionView>(ofA).id);
    });

    it.each([
      ['an ftp:// callback', { callbackUri: 'ftp://vnfm-a.example.com/n' }],
      ['no callback', { filter: { eventTypes: ['EQUIPMENT_ALARM'] } }],
      ['an unknown field', { callbackUri: CALLBACK, secret: 's3cret' }],
      ['CLEARED among the severities', { callbackUri: CALLBACK, filter: { perceivedSeverities: ['CLEARED'] } }],
    ])('answers 400 to a body with %s, and subscribes nothing', async (_, body) => {
      // Prepare
      const { subscriptions, topics } = subscriptionsScene();

      // Act
      const outcome = await subscriptions.create(TENANT_A, body);

      // Assess
      expect(outcome).toEqual({ status: 400, message: expect.any(String) });
      expect(topics.subscribed).toEqual([]);
    });

    it('shows the subscription with its self link, and without its SNS ARN or its owner', async () => {
      // Prepare
      const { subscriptions } = subscriptionsScene();
      const filter = { eventTypes: ['EQUIPMENT_ALARM'], notificationTypes: ['AlarmNotification'] };

      // Act
      const view = bodyOf<SubscriptionView>(await subscriptions.create(TENANT_A, { callbackUri: CALLBACK, filter }));

      // Assess
      expect(view).toEqual({
        id: expect.any(String),
        callbackUri: CALLBACK,
        filter,
        tenantId: 'tenant-a',
        protocol: 'https',
        createdAt: NOW,
        _links: { self: { href: `${API_URL}/v1/subscriptions/${view.id}` } },
      });
      expect(view).not.toHaveProperty('subscriptionArn');
      expect(view).not.toHaveProperty('ownerProjectId');
    });
  });

  describe('list', () => {
    it("lists a project the subscriptions it created only, not an administrator's on its topic", async () => {
      // Prepare
      const { subscriptions } = subscriptionsScene();
      const ofA = bodyOf<SubscriptionView>(await subscriptions.create(TENANT_A, { callbackUri: CALLBACK }));
      const adminsOnA = bodyOf<SubscriptionView>(
        await subscriptions.create(ADMIN, { callbackUri: 'https://noc.example.com/n', tenantId: 'tenant-a' }),
      );
      await subscriptions.create(TENANT_B, { callbackUri: 'https://vnfm-b.example.com/n' });

      // Act
      const listedToA = bodyOf<SubscriptionView[]>(await subscriptions.list(TENANT_A));
      const listedToAdmin = bodyOf<SubscriptionView[]>(await subscriptions.list(ADMIN));

      // Assess
      expect(listedToA.map((s) => s.id)).toEqual([ofA.id]);
      expect(listedToAdmin.map((s) => s.id)).toEqual([adminsOnA.id]);
    });

    it('lists nothing to a project that has no subscription', async () => {
      // Prepare
      const { subscriptions } = subscriptionsScene();
      await subscriptions.create(TENANT_A, { callbackUri: CALLBACK });

      // Act
      const outcome = await subscriptions.list(TENANT_B);

      // Assess
      expect(outcome).toEqual({ status: 200, body: [] });
    });
  });

  describe('get and delete', () => {
    it('reads a project its own subscription', async () => {
      // Prepare
      const { subscriptions } = subscriptionsScene();
      const created = bodyOf<SubscriptionView>(await subscriptions.create(TENANT_A, { callbackUri: CALLBACK }));

      // Act
      const outcome = await subscriptions.get(TENANT_A, created.id);

      // Assess
      expect(outcome).toEqual({ status: 200, body: created });
    });

    it("answers 404 to reading or deleting another project's subscription, and unsubscribes nothing", async () => {
      // Prepare
      const { subscriptions, topics, store } = subscriptionsScene();
      const ofA = bodyOf<SubscriptionView>(await subscriptions.create(TENANT_A, { callbackUri: CALLBACK }));

      // Act
      const read = await subscriptions.get(TENANT_B, ofA.id);
      const deleted = await subscriptions.delete(TENANT_B, ofA.id);
      const deletedByAdmin = await subscriptions.delete(ADMIN, ofA.id);

      // Assess
      expect(read).toEqual({ status: 404, message: `no subscription ${ofA.id}` });
      expect(deleted).toEqual({ status: 404, message: `no subscription ${ofA.id}` });
      expect(deletedByAdmin.status).toBe(404);
      expect(topics.unsubscribed).toEqual([]);
      expect(store.items.size).toBe(1);
    });

    it('deletes a subscription: unsubscribes its SNS ARN, then it is gone (404)', async () => {
      // Prepare
      const { subscriptions, topics } = subscriptionsScene();
      const created = bodyOf<SubscriptionView>(await subscriptions.create(TENANT_A, { callbackUri: CALLBACK }));

      // Act
      const outcome = await subscriptions.delete(TENANT_A, created.id);

      // Assess
      expect(outcome).toEqual({ status: 204 });
      expect(topics.unsubscribed).toEqual(['arn:aws:sns:eu-west-1:123456789012:nfvi-doctor-tenant-a:sub-1']);
      expect((await subscriptions.get(TENANT_A, created.id)).status).toBe(404);
      expect(await subscriptions.list(TENANT_A)).toEqual({ status: 200, body: [] });
      expect((await subscriptions.delete(TENANT_A, created.id)).status).toBe(404);
      expect(topics.unsubscribed).toHaveLength(1);
    });

    it('answers 409 to the same callback on the same topic with another filter, and keeps the first', async () => {
      // Prepare
      const { subscriptions, topics } = subscriptionsScene();
      await subscriptions.create(TENANT_A, { callbackUri: CALLBACK });

      // Act
      const outcome = await subscriptions.create(TENANT_A, {
        callbackUri: CALLBACK,
        filter: { perceivedSeverities: ['CRITICAL'] },
      });

      // Assess
      expect(outcome.status).toBe(409);
      expect(JSON.stringify(outcome)).toContain(CALLBACK);
      expect(topics.subscribed).toHaveLength(1);
      expect(bodyOf<unknown[]>(await subscriptions.list(TENANT_A))).toHaveLength(1);
    });

    it("answers 409 when another project's subscription already delivers to the endpoint, so deleting one never ends the other's", async () => {
      // Prepare: the administrator already subscribed the same endpoint to tenant-a's topic.
      const { subscriptions, topics } = subscriptionsScene();
      await subscriptions.create(ADMIN, { callbackUri: CALLBACK, tenantId: 'tenant-a' });

      // Act
      const outcome = await subscriptions.create(TENANT_A, { callbackUri: CALLBACK });

      // Assess
      expect(outcome.status).toBe(409);
      expect(bodyOf<unknown[]>(await subscriptions.list(TENANT_A))).toEqual([]);
      expect(bodyOf<unknown[]>(await subscriptions.list(ADMIN))).toHaveLength(1);
      expect(topics.unsubscribed).toEqual([]);
    });

    it('subscribes anew after a delete, under the same id', async () => {
      // Prepare
      const { subscriptions, topics } = subscriptionsScene();
      const created = bodyOf<SubscriptionView>(await subscriptions.create(TENANT_A, { callbackUri: CALLBACK }));
      await subscriptions.delete(TENANT_A, created.id);

      // Act
      const again = await subscriptions.create(TENANT_A, { callbackUri: CALLBACK });

      // Assess
      expect(again.status).toBe(201);
      expect(bodyOf<SubscriptionView>(again).id).toBe(created.id);
      expect(topics.subscribed).toHaveLength(2);
    });
  });
});

describe('Use case: subscriptions never point into internal networks', () => {
  it.each([
    ['the instance metadata service', 'http://169.254.169.254/latest/meta-data/', /link-local/],
    ['the loopback interface', 'http://127.0.0.1:8000/', /loopback/],
    ['a private address', 'http://10.0.0.5:8080/fault', /private/],
    ['IPv6 loopback', 'http://[::1]:8080/', /loopback/],
    ['a name that resolves inside', 'https://internal.example.com/n', /169\.254\.169\.254, a link-local/],
  ])('refuses a callback to %s with 400, and subscribes nothing', async (_case, callbackUri, reason) => {
    // Prepare
    const { subscriptions, topics } = subscriptionsScene();

    // Act
    const outcome = await subscriptions.create(member('tenant-a'), { callbackUri });

    // Assess
    expect(outcome).toEqual({ status: 400, message: expect.stringMatching(reason) });
    expect(topics.subscribed).toEqual([]);
  });

  it('takes an internal callback the operator allow-listed (a VNF manager on its own network)', async () => {
    // Prepare
    const { subscriptions } = subscriptionsScene(['10.0.0.0/24']);

    // Act
    const outcome = await subscriptions.create(member('tenant-a'), { callbackUri: 'http://10.0.0.5:8080/fault' });

    // Assess
    expect(outcome.status).toBe(201);
  });
});
