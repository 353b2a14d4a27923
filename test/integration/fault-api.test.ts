import { randomUUID } from 'node:crypto';
import { callApi } from '../../infra/local/local-cloud';
import { alarm as alarmSchema, type Alarm } from '../../lib/contracts/etsi-alarm';
import { localCloud } from '../support/openstack';
import { createWorld, eventually, type World } from '../support/world';

const alarmsIn = (body: unknown): Alarm[] => alarmSchema.array().parse(body);

/**
 * The tenant fault API over the local stack and the real Keystone: Doctor's FaultQuery and
 * acknowledgement, scoped to the caller's project; subscriptions that SNS applies.
 */
describe('Tenant fault API (alarms and subscriptions)', () => {
  let world: World;
  let tenantA: string;
  let tenantB: string;
  const tokens: Record<'admin' | 'a' | 'b', string> = { admin: '', a: '', b: '' };

  const alarms = async (who: keyof typeof tokens, query: string) => {
    const response = await callApi('GET', `/v1/alarms?${query}`, tokens[who]);
    if (response.status !== 200) throw new Error(`GET /v1/alarms?${query} answered ${response.status}`);
    return alarmsIn(response.body);
  };
  const untilAlarms = async (who: keyof typeof tokens, query: string, count: number) => {
    let found: Alarm[] = [];
    await eventually(
      async () => (found = await alarms(who, query)).length === count,
      `${count} alarms for ${who} (${query})`,
    );
    return found;
  };

  beforeAll(async () => {
    const cloud = localCloud();
    tenantA = cloud.projectId('tenant-a');
    tenantB = cloud.projectId('tenant-b');
    world = await createWorld(
      {
        shared: [
          { name: 'mme-active', tenant: 'a' },
          { name: 'mme-standby', tenant: 'a' },
          { name: 'spgw', tenant: 'b' },
        ],
        'a-only': [{ name: 'hss', tenant: 'a' }],
      },
      [],
      { a: tenantA, b: tenantB },
    );
    [tokens.admin, tokens.a, tokens.b] = await Promise.all([
      cloud.adminToken(),
      cloud.memberToken('tenant-a'),
      cloud.memberToken('tenant-b'),
    ]);
  });

  afterAll(() => world.close());

  it("returns each tenant only its own alarms of a fault, and the administrator the host's", async () => {
    // Act
    await world.injector.put([world.injector.link(world.host('shared'), 'down')]);

    // Assess
    const host = `resourceId=${world.host('shared')}`;
    const ofA = await untilAlarms('a', host, 2);
    expect(ofA.map((a) => a.managedObjectId).sort()).toEqual([`mme-active-${world.id}`, `mme-standby-${world.id}`]);
    expect(new Set(ofA.map((a) => a.tenantId))).toEqual(new Set([tenantA]));
    const ofB = await untilAlarms('b', host, 1);
    expect(ofB.map((a) => a.managedObjectId)).toEqual([`spgw-${world.id}`]);
    const ofAdmin = await untilAlarms('admin', host, 1);
    expect(ofAdmin[0]).toMatchObject({ managedObjectId: world.host('shared'), isRootCause: true });
    expect(ofAdmin[0]?.correlatedAlarmIds.sort()).toEqual([...ofA, ...ofB].map((a) => a.id).sort());
    expect((await alarms('admin', `${host}&tenantId=${tenantB}`)).map((a) => a.id)).toEqual(ofB.map((a) => a.id));
  });

  it("never lets a tenant read, acknowledge or list another tenant's alarms", async () => {
    // Prepare
    const [ofB] = await untilAlarms('b', `resourceId=${world.host('shared')}`, 1);
    const id = (ofB as Alarm).id;

    // Act
    const read = await callApi('GET', `/v1/alarms/${id}`, tokens.a);
    const ack = await callApi('PATCH', `/v1/alarms/${id}`, tokens.a, { ackState: 'ACKNOWLEDGED' });
    const list = await callApi('GET', `/v1/alarms?tenantId=${tenantB}`, tokens.a);

    // Assess
    expect(read.status).toBe(404);
    expect(ack.status).toBe(404);
    expect(list.status).toBe(403);
    const own = await callApi('GET', `/v1/alarms/${id}`, tokens.b);
    expect(own).toMatchObject({ status: 200, body: { id, ackState: 'UNACKNOWLEDGED' } });
  });

  it('filters by fault type, severity and state, and keeps an acknowledgement through the clear', async () => {
    // Prepare: a warning on the second host, next to the critical fault of the first.
    await world.injector.put([
      world.injector.hardware(world.host('a-only'), { component: 'psu', state: 'warning', message: 'PSU 2 lost' }),
    ]);
    const [warning] = await untilAlarms('a', `resourceId=${world.host('a-only')}`, 1);
    expect(warning).toMatchObject({ perceivedSeverity: 'WARNING', faultType: 'compute.host.power.degraded' });
    const id = (warning as Alarm).id;

    // Act
    const acked = await callApi('PATCH', `/v1/alarms/${id}`, tokens.a, { ackState: 'ACKNOWLEDGED' });
    const again = await callApi('PATCH', `/v1/alarms/${id}`, tokens.a, { ackState: 'ACKNOWLEDGED' });
    await world.injector.put([
      world.injector.hardware(world.host('a-only'), { component: 'psu', state: 'ok', message: 'PSU 2 back' }),
    ]);

    // Assess
    expect(acked).toEqual({ status: 200, body: { ackState: 'ACKNOWLEDGED' } });
    expect(again.status).toBe(409);
    const hosts = [world.host('shared'), world.host('a-only')];
    const mine = (list: Alarm[]) =>
      list.filter((a) => hosts.includes(a.rootCauseFaultyResource.faultyResource.resourceId));
    await untilAlarms('a', `resourceId=${world.host('a-only')}&state=cleared`, 1);
    expect(mine(await alarms('a', 'minSeverity=CRITICAL')).map((a) => a.perceivedSeverity)).toEqual([
      'CRITICAL',
      'CRITICAL',
    ]);
    expect(mine(await alarms('a', 'faultType=compute.host.power.degraded'))).toEqual([]);
    const [cleared] = mine(await alarms('a', 'faultType=compute.host.power.degraded&state=all&minSeverity=WARNING'));
    expect(cleared).toMatchObject({ id, perceivedSeverity: 'CLEARED', ackState: 'ACKNOWLEDGED' });
    expect(cleared?.alarmClearedTime).toBeDefined();
  });

  it('answers a malformed query or acknowledgement 400 with the reason, and a missing token 401', async () => {
    const severity = await callApi('GET', '/v1/alarms?minSeverity=LOUD', tokens.a);
    const unknown = await callApi('GET', '/v1/alarms?colour=red', tokens.a);
    const ack = await callApi('PATCH', '/v1/alarms/some-id', tokens.a, { ackState: 'MAYBE' });
    const anonymous = await callApi('GET', '/v1/alarms', undefined);

    expect(severity.status).toBe(400);
    expect(JSON.stringify(severity.body)).toContain('minSeverity');
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('colour');
    expect(ack.status).toBe(400);
    expect(anonymous.status).toBe(401);
  });

  it("delivers a subscription's notifications through SNS with its filter applied, on the tenant's own topic only", async () => {
    // Prepare
    const endpoint = (name: string) => `${world.subscriber.url}/${name}`;
    const critical = await callApi('POST', '/v1/subscriptions', tokens.a, {
      callbackUri: endpoint('a-critical'),
      filter: { perceivedSeverities: ['CRITICAL'] },
    });
    const everything = await callApi('POST', '/v1/subscriptions', tokens.b, { callbackUri: endpoint('b-all') });
    const foreign = await callApi('POST', '/v1/subscriptions', tokens.a, {
      callbackUri: endpoint('a-spying'),
      tenantId: tenantB,
    });
    const repeated = await callApi('POST', '/v1/subscriptions', tokens.a, {
      callbackUri: endpoint('a-critical'),
      filter: { perceivedSeverities: ['CRITICAL'] },
    });
    const taken = await callApi('POST', '/v1/subscriptions', tokens.admin, {
      callbackUri: endpoint('b-all'),
      tenantId: tenantB,
    });

    // SNS delivers nothing before the endpoints confirmed (the test's subscriber does it).
    await Promise.all([world.subscriber.confirmed('a-critical'), world.subscriber.confirmed('b-all')]);

    // Act: a warning and then a critical fault on the host of tenant-a's instance.
    await world.injector.put([
      world.injector.hardware(world.host('a-only'), { component: 'fan', state: 'warning', message: 'fan 3 slow' }),
    ]);
    await world.injector.put([
      world.injector.hardware(world.host('a-only'), { component: 'cpu', state: 'critical', message: 'CPU 1 IERR' }),
    ]);
    await world.injector.put([world.injector.link(world.host('shared'), 'up')]);

    // Assess
    expect(critical.status).toBe(201);
    expect(critical.body).toMatchObject({ callbackUri: endpoint('a-critical'), tenantId: tenantA, protocol: 'http' });
    expect(everything.status).toBe(201);
    expect(foreign.status).toBe(403);
    expect(repeated).toMatchObject({ status: 200, body: { id: critical.body.id } });
    expect(taken.status).toBe(409);
    // The clear of the shared host's fault reaches tenant-b's subscription: everything before it has been published.
    await eventually(
      async () => world.subscriber.from('b-all').some((m) => m.message.notificationType === 'AlarmClearedNotification'),
      "the clear on tenant-b's subscription",
    );
    await eventually(
      async () =>
        world.subscriber
          .from('a-critical')
          .some((m) => m.attributes.perceivedSeverity === 'CRITICAL' && m.attributes.host === world.host('a-only')),
      "the CPU fault on tenant-a's subscription",
    );
    const toA = world.subscriber.from('a-critical').filter((m) => m.attributes.host === world.host('a-only'));
    expect(toA.map((m) => m.attributes.perceivedSeverity)).toEqual(['CRITICAL']);
    expect(new Set(world.subscriber.from('a-critical').map((m) => m.attributes.tenantId))).toEqual(new Set([tenantA]));
    expect(new Set(world.subscriber.from('b-all').map((m) => m.attributes.tenantId))).toEqual(new Set([tenantB]));
    expect(world.subscriber.from('a-spying')).toEqual([]);
  });

  it("subscribes, for the administrator, to a new tenant's topic, created on first use", async () => {
    const newcomer = randomUUID().replaceAll('-', '');
    const created = await callApi('POST', '/v1/subscriptions', tokens.admin, {
      callbackUri: `${world.subscriber.url}/newcomer`,
      tenantId: newcomer,
    });
    expect(created).toMatchObject({ status: 201, body: { tenantId: newcomer } });
    await world.subscriber.confirmed('newcomer');
  });

  it('lists and deletes only the caller’s own subscriptions; a deleted one receives nothing more', async () => {
    // Prepare
    const endpoint = `${world.subscriber.url}/a-deleted`;
    const created = await callApi('POST', '/v1/subscriptions', tokens.a, { callbackUri: endpoint });
    const id = String(created.body.id);
    await world.subscriber.confirmed('a-deleted');

    // Act
    const listedToB = await callApi('GET', '/v1/subscriptions', tokens.b);
    const deletedByB = await callApi('DELETE', `/v1/subscriptions/${id}`, tokens.b);
    const listedToA = await callApi('GET', '/v1/subscriptions', tokens.a);
    const deleted = await callApi('DELETE', `/v1/subscriptions/${id}`, tokens.a);
    const readAfter = await callApi('GET', `/v1/subscriptions/${id}`, tokens.a);
    await world.injector.put([
      world.injector.hardware(world.host('a-only'), { component: 'memory', state: 'critical', message: 'DIMM A1 UE' }),
    ]);

    // Assess
    expect(created.status).toBe(201);
    expect(JSON.stringify(listedToB.body)).not.toContain(id);
    expect(deletedByB.status).toBe(404);
    expect(JSON.stringify(listedToA.body)).toContain(id);
    expect(deleted.status).toBe(204);
    expect(readAfter.status).toBe(404);
    await eventually(
      async () =>
        world.subscriber
          .from('a')
          .some((m) => (m.message.alarm as Alarm | undefined)?.faultType === 'compute.host.memory.error'),
      "the memory fault on the test's own subscription to tenant-a",
    );
    expect(world.subscriber.from('a-deleted')).toEqual([]);
  });
});
