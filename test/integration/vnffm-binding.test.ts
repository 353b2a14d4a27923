import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { invokeFunction } from '../../infra/local/invoke-function';
import { callApi } from '../../infra/local/local-cloud';
import { DeadLetters } from '../../lib/adapters/sqs/dead-letters';
import {
  alarmListRebuiltNotification,
  fmSubscription,
  problemDetails,
  sol003Alarm,
  sol003AlarmClearedNotification,
  sol003AlarmNotification,
} from '../../lib/contracts/sol003-fm';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { localApiUrl, localPorts } from '../../lib/platform/local-stack/local-endpoints';
import { CallbackConsumer } from '../support/callback-consumer';
import { localCloud } from '../support/openstack';
import { MessageValidator, ResponseValidator } from '../support/validate-response';
import { createWorld, eventually, sleep, type World } from '../support/world';

type Who = 'admin' | 'a' | 'b';

/**
 * The SOL 003 fault-management binding over the local stack and the real Keystone: SOL 013's
 * conventions, alarms scoped to the caller's project, subscriptions whose callbacks are tested
 * first, notifications POSTed by the dispatcher from the tenant topics, retried, dead-lettered
 * and re-driven; and Aodh-format delivery through the fault API's subscriptions.
 */
describe('ETSI SOL 003 fault management binding (/vnffm/v1)', () => {
  let world: World;
  const tokens: Record<Who, string> = { admin: '', a: '', b: '' };
  const consumers: CallbackConsumer[] = [];
  const api = new ResponseValidator();
  const messages = new MessageValidator();

  const vnffm = async (
    who: Who,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const response = await fetch(`${localApiUrl()}/vnffm/v1${path}`, {
      method,
      redirect: 'manual',
      headers: {
        'X-Auth-Token': tokens[who],
        Version: '1.3.0',
        Accept: 'application/json',
        ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    // Every answer is what the OpenAPI description says it is.
    api.assert(method, `/vnffm/v1${path}`, response.status, body, {
      contentType: response.headers.get('content-type') ?? undefined,
      headers: Object.fromEntries(response.headers.entries()),
    });
    return { status: response.status, headers: response.headers, body };
  };
  /** Every notification a consumer got is the AsyncAPI description's message of its type. */
  const described = (c: CallbackConsumer, message: (n: Record<string, unknown>) => string) => {
    for (const n of c.notifications()) messages.assert(message(n), n);
  };
  const sol003Message = (n: Record<string, unknown>) =>
    n.notificationType === 'AlarmNotification'
      ? 'Sol003AlarmNotification'
      : n.notificationType === 'AlarmClearedNotification'
        ? 'Sol003AlarmClearedNotification'
        : String(n.notificationType);
  const consumer = async () => {
    const c = await CallbackConsumer.start();
    consumers.push(c);
    return c;
  };
  const alarmsOf = async (who: Who, filter: string) => {
    const response = await vnffm(who, 'GET', `/alarms?filter=${encodeURIComponent(filter)}`);
    expect(response.status).toBe(200);
    return sol003Alarm.array().parse(response.body);
  };

  beforeAll(async () => {
    const cloud = localCloud();
    world = await createWorld(
      {
        shared: [
          { name: 'mme-active', tenant: 'a' },
          { name: 'spgw', tenant: 'b' },
        ],
        'a-only': [{ name: 'hss', tenant: 'a' }],
        flaky: [{ name: 'pcrf', tenant: 'a' }],
        aodh: [{ name: 'vnfm-sample', tenant: 'a' }],
        'admin-only': [{ name: 'ims', tenant: 'b' }],
      },
      [],
      { a: cloud.projectId('tenant-a'), b: cloud.projectId('tenant-b') },
    );
    [tokens.admin, tokens.a, tokens.b] = await Promise.all([
      cloud.adminToken(),
      cloud.memberToken('tenant-a'),
      cloud.memberToken('tenant-b'),
    ]);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.close()));
    await world.close();
  });

  it("follows SOL 013's conventions: api_versions, the Version header, content negotiation, ProblemDetails", async () => {
    // Act
    const versions = await vnffm('a', 'GET', '/api_versions', { headers: { Version: '' } });
    const noVersion = await vnffm('a', 'GET', '/alarms', { headers: { Version: '' } });
    const newer = await vnffm('a', 'GET', '/alarms', { headers: { Version: '2.0.0' } });
    const html = await vnffm('a', 'GET', '/alarms', { headers: { Accept: 'text/html' } });
    const text = await vnffm('a', 'POST', '/subscriptions', { body: {}, headers: { 'Content-Type': 'text/plain' } });

    // Assess
    expect(versions).toMatchObject({
      status: 200,
      body: { uriPrefix: '/vnffm/v1', apiVersions: [{ version: '1.3.0' }] },
    });
    expect(versions.headers.get('version')).toBe('1.3.0');
    for (const [response, status] of [
      [noVersion, 400],
      [newer, 406],
      [html, 406],
      [text, 415],
    ] as const) {
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('version')).toBe('1.3.0');
      expect(problemDetails.parse(response.body)).toMatchObject({ status });
    }
  });

  it('tests a callback with a GET before subscribing, refuses one that fails it, and answers a duplicate with 303', async () => {
    // Prepare
    const a = await consumer();
    const gone = await consumer();
    await gone.close();
    const request = {
      callbackUri: a.url,
      filter: { perceivedSeverities: ['CRITICAL'] },
      authentication: { authType: ['BASIC'], paramsBasic: { userName: 'vnfm-a', password: 's3cret' } },
    };

    // Act
    const created = await vnffm('a', 'POST', '/subscriptions', { body: request });
    const again = await vnffm('a', 'POST', '/subscriptions', { body: request });
    const unreachable = await vnffm('a', 'POST', '/subscriptions', { body: { callbackUri: gone.url } });

    // Assess
    expect(created.status).toBe(201);
    const subscription = fmSubscription.parse(created.body);
    expect(created.body).not.toHaveProperty('authentication');
    expect(created.headers.get('location')).toBe(subscription._links.self.href);
    expect(a.received[0]).toMatchObject({ method: 'GET' });
    expect(a.received[0]?.headers.authorization).toBe(`Basic ${Buffer.from('vnfm-a:s3cret').toString('base64')}`);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(subscription._links.self.href);
    expect(unreachable.status).toBe(422);
    expect(problemDetails.parse(unreachable.body).detail).toMatch(/did not pass the test GET/);
  });

  it("never shows, lets delete or delivers another tenant's subscription", async () => {
    // Prepare
    const a = await consumer();
    const created = await vnffm('a', 'POST', '/subscriptions', { body: { callbackUri: a.url } });
    const { id } = fmSubscription.parse(created.body);

    // Act
    const readByB = await vnffm('b', 'GET', `/subscriptions/${id}`);
    const deleteByB = await vnffm('b', 'DELETE', `/subscriptions/${id}`);
    const listOfB = await vnffm('b', 'GET', `/subscriptions?filter=${encodeURIComponent(`(eq,id,${id})`)}`);
    const listOfA = await vnffm('a', 'GET', `/subscriptions?filter=${encodeURIComponent(`(eq,callbackUri,${a.url})`)}`);
    const deleteByA = await vnffm('a', 'DELETE', `/subscriptions/${id}`);
    const afterwards = await vnffm('a', 'GET', `/subscriptions/${id}`);

    // Assess
    expect(readByB.status).toBe(404);
    expect(deleteByB.status).toBe(404);
    expect(listOfB).toMatchObject({ status: 200, body: [] });
    expect(
      fmSubscription
        .array()
        .parse(listOfA.body)
        .map((s) => s.id),
    ).toEqual([id]);
    expect(deleteByA.status).toBe(204);
    expect(afterwards.status).toBe(404);
  });

  it('POSTs each tenant the SOL 003 notifications of its own alarms only, the clear included', async () => {
    // Prepare
    const [a, b] = [await consumer(), await consumer()];
    const subA = fmSubscription.parse(
      (await vnffm('a', 'POST', '/subscriptions', { body: { callbackUri: a.url } })).body,
    );
    fmSubscription.parse((await vnffm('b', 'POST', '/subscriptions', { body: { callbackUri: b.url } })).body);
    const host = world.host('shared');

    // Act
    await world.injector.put([world.injector.link(host, 'down')]);
    await eventually(async () => a.notifications().length >= 1 && b.notifications().length >= 1, 'both raises');
    await world.injector.put([world.injector.link(host, 'up')]);
    await eventually(
      async () => a.notifications().some((n) => n.notificationType === 'AlarmClearedNotification'),
      "tenant a's clear",
    );

    // Assess
    const raisedA = sol003AlarmNotification.parse(
      a.notifications().find((n) => n.notificationType === 'AlarmNotification'),
    );
    expect(raisedA).toMatchObject({
      subscriptionId: subA.id,
      _links: { subscription: { href: subA._links.self.href } },
      alarm: { managedObjectId: `mme-active-${world.id}`, vnfcInstanceIds: [`mme-active-${world.id}`] },
    });
    expect(raisedA.alarm.rootCauseFaultyResource?.faultyResource).toMatchObject({ resourceId: host });
    const cleared = sol003AlarmClearedNotification.parse(
      a.notifications().find((n) => n.notificationType === 'AlarmClearedNotification'),
    );
    expect(cleared).toMatchObject({ alarmId: raisedA.alarm.id, subscriptionId: subA.id });
    described(a, sol003Message);
    described(b, sol003Message);
    expect(cleared._links.alarm.href).toMatch(new RegExp(`/vnffm/v1/alarms/${raisedA.alarm.id}$`));
    const ofB = b.notifications().map((n) => sol003AlarmNotification.safeParse(n));
    expect(ofB.flatMap((n) => (n.success ? [n.data.alarm.managedObjectId] : []))).toEqual([`spgw-${world.id}`]);
    expect(a.notifications().some((n) => JSON.stringify(n).includes(`spgw-${world.id}`))).toBe(false);
  });

  it("tells the administrator's subscription of every physical fault: the host alarm", async () => {
    // Prepare
    const admin = await consumer();
    const created = await vnffm('admin', 'POST', '/subscriptions', {
      body: { callbackUri: admin.url, filter: { notificationTypes: ['AlarmNotification'] } },
    });
    expect(created.status).toBe(201);
    const host = world.host('admin-only');

    // Act
    await world.injector.put([world.injector.link(host, 'down')]);

    // Assess
    await eventually(
      async () =>
        admin.notifications().some((n) => sol003AlarmNotification.safeParse(n).data?.alarm.managedObjectId === host),
      'the host alarm at the administrator',
    );
    const [notification] = admin
      .notifications()
      .map((n) => sol003AlarmNotification.parse(n))
      .filter((n) => n.alarm.managedObjectId === host);
    expect(notification?.alarm).toMatchObject({ isRootCause: true });
    expect(notification?.alarm).not.toHaveProperty('vnfcInstanceIds');
  });

  it('lists alarms with SOL 013 filters, reads and acknowledges them, within the caller’s project', async () => {
    // Prepare
    const host = world.host('a-only');
    await world.injector.put([
      world.injector.hardware(host, { component: 'psu', state: 'warning', message: 'PSU 2 lost' }),
    ]);
    const filter = `(eq,managedObjectId,hss-${world.id});(in,perceivedSeverity,WARNING,MINOR)`;
    let found: unknown[] = [];
    await eventually(async () => (found = await alarmsOf('a', filter)).length === 1, "tenant a's warning");
    const [alarm] = sol003Alarm.array().parse(found);
    const id = alarm?.id as string;

    // Act
    const ofB = await alarmsOf('b', `(eq,managedObjectId,hss-${world.id})`);
    const readByB = await vnffm('b', 'GET', `/alarms/${id}`);
    const ack = await vnffm('a', 'PATCH', `/alarms/${id}`, {
      body: { ackState: 'ACKNOWLEDGED' },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    const again = await vnffm('a', 'PATCH', `/alarms/${id}`, { body: { ackState: 'ACKNOWLEDGED' } });
    const read = await vnffm('a', 'GET', `/alarms/${id}`);
    const malformed = await vnffm('a', 'GET', `/alarms?filter=${encodeURIComponent('(eq,perceivedSeverity')}`);
    const unknown = await vnffm('a', 'GET', `/alarms?filter=${encodeURIComponent('(eq,colour,red)')}`);

    // Assess
    expect(alarm).toMatchObject({ perceivedSeverity: 'WARNING', ackState: 'UNACKNOWLEDGED' });
    expect(ofB).toEqual([]);
    expect(readByB.status).toBe(404);
    expect(ack).toMatchObject({ status: 200, body: { ackState: 'ACKNOWLEDGED' } });
    expect(again.status).toBe(409);
    expect(sol003Alarm.parse(read.body)).toMatchObject({
      ackState: 'ACKNOWLEDGED',
      alarmAcknowledgedTime: expect.any(String),
    });
    expect(problemDetails.parse(malformed.body)).toMatchObject({
      status: 400,
      detail: expect.stringMatching(/malformed/),
    });
    expect(problemDetails.parse(unknown.body)).toMatchObject({
      status: 400,
      detail: expect.stringMatching(/"colour"/),
    });
  });

  it('keeps what a failing consumer missed, retries it, dead-letters it, owes it a rebuilt list and re-drives it', async () => {
    // Prepare: one consumer that fails, one beside it that works.
    const [failing, working] = [await consumer(), await consumer()];
    const sub = fmSubscription.parse(
      (
        await vnffm('a', 'POST', '/subscriptions', {
          body: { callbackUri: failing.url, filter: { eventTypes: ['EQUIPMENT_ALARM'] } },
        })
      ).body,
    );
    await vnffm('a', 'POST', '/subscriptions', {
      body: { callbackUri: working.url, filter: { eventTypes: ['EQUIPMENT_ALARM'] } },
    });
    failing.failWith = 503;
    const host = world.host('flaky');
    const mine = (c: CallbackConsumer) =>
      c
        .notifications()
        .filter(
          (n) =>
            JSON.stringify(n).includes(`pcrf-${world.id}`) || n.notificationType === 'AlarmListRebuiltNotification',
        );

    // Act: the first attempt fails, and the local retry schedule (1 s, then 2 s) runs out after 3.
    await world.injector.put([
      world.injector.hardware(host, { component: 'memory', state: 'critical', message: 'ECC' }),
    ]);
    await eventually(async () => mine(working).length === 1 && failing.received.length >= 2, 'the first attempts');
    const deadLetters = new DeadLetters(
      {
        sqs: new SQSClient({}),
        sns: awsClients().sns,
        eventBridge: awsClients().eventBridge,
        lambda: new LambdaClient({ endpoint: `http://127.0.0.1:${localPorts().lambda}` }),
      },
      config().stage,
    );
    const lettersOf = async () =>
      (await deadLetters.list('callbacks')).filter((l) => l.target === `subscription ${sub.id}`);
    await eventually(
      async () => {
        await invokeFunction('callbackRetry');
        return (await lettersOf()).length === 1;
      },
      'the delivery dead-lettered',
      20_000,
    );
    failing.failWith = undefined;
    await eventually(
      async () => {
        await invokeFunction('callbackRetry');
        return mine(failing).some((n) => n.notificationType === 'AlarmListRebuiltNotification');
      },
      'the rebuilt-list notification',
      20_000,
    );
    const [letter] = await lettersOf();
    await deadLetters.redrive('callbacks', [letter?.id as string]);
    await eventually(
      async () => mine(failing).some((n) => n.notificationType === 'AlarmNotification'),
      'the re-driven one',
    );
    await sleep(200);

    // Assess
    expect(mine(working)).toHaveLength(1);
    expect(failing.received.filter((r) => r.method === 'POST').length).toBeGreaterThanOrEqual(5);
    const rebuilt = alarmListRebuiltNotification.parse(
      mine(failing).find((n) => n.notificationType === 'AlarmListRebuiltNotification'),
    );
    expect(rebuilt).toMatchObject({
      subscriptionId: sub.id,
      _links: { alarms: { href: expect.stringMatching(/\/vnffm\/v1\/alarms$/) } },
    });
    const redriven = sol003AlarmNotification.parse(
      mine(failing).find((n) => n.notificationType === 'AlarmNotification'),
    );
    const firstAttempt = failing.received.find((r) => r.method === 'POST')?.body as { id: string };
    expect(redriven.id).toBe(firstAttempt.id);
    expect(redriven.alarm.managedObjectId).toBe(`pcrf-${world.id}`);
    expect(await lettersOf()).toEqual([]);
    described(failing, sol003Message);
  });

  it('POSTs Aodh event-alarm bodies to a subscription that asks for them', async () => {
    // Prepare
    const aodh = await consumer();
    const created = await callApi('POST', '/v1/subscriptions', tokens.a, { callbackUri: aodh.url, format: 'aodh' });
    expect(created).toMatchObject({ status: 201, body: { format: 'aodh', callbackUri: aodh.url } });

    // Act
    await world.injector.put([world.injector.link(world.host('aodh'), 'down')]);
    await eventually(async () => aodh.notifications().length >= 1, 'an Aodh-format delivery');

    // Assess
    const [body] = aodh.notifications<{
      reason_data: { type: string; event: { event_type: string; traits: unknown[][] } };
    }>();
    described(aodh, () => 'AodhEventAlarm');
    expect(body?.reason_data.type).toBe('event');
    expect(body?.reason_data.event.event_type).toBe('compute.instance.update');
    expect(body?.reason_data.event.traits).toEqual(
      expect.arrayContaining([
        ['state', 1, 'error'],
        ['instance_id', 1, `vnfm-sample-${world.id}`],
      ]),
    );
    const listed = await callApi('GET', '/v1/subscriptions', tokens.a);
    expect(listed.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ format: 'aodh', callbackUri: aodh.url })]),
    );
    const id = String(created.body.id);
    expect((await callApi('GET', `/v1/subscriptions/${id}`, tokens.b)).status).toBe(404);
    expect((await callApi('DELETE', `/v1/subscriptions/${id}`, tokens.b)).status).toBe(404);
    expect((await callApi('DELETE', `/v1/subscriptions/${id}`, tokens.a)).status).toBe(204);
    expect((await callApi('GET', `/v1/subscriptions/${id}`, tokens.a)).status).toBe(404);
  });
});
