import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { callApi } from '../../infra/local/local-cloud';
import { alarmClearedNotification, alarmNotification, type Alarm } from '../../lib/contracts/etsi-alarm';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { localApiUrl } from '../../lib/platform/local-stack/local-endpoints';
import { alertmanagerWebhook } from '../support/alertmanager-webhook';
import { applicationCredential } from '../support/keystone';
import { localCloud } from '../support/openstack';
import { createWorld, eventually, type World } from '../support/world';

/** Python's datetime.now().isoformat(): no zone, microseconds. */
const pythonNow = () => new Date().toISOString().replace('Z', '456');

/** The fields of an alarm that say what the fault is, not which host or when. */
const whatOf = (alarm: Alarm) => ({
  faultType: alarm.faultType,
  eventType: alarm.eventType,
  perceivedSeverity: alarm.perceivedSeverity,
  probableCause: alarm.probableCause,
  isRootCause: alarm.isRootCause,
  faultyResourceType: alarm.rootCauseFaultyResource.faultyResourceType,
});

/**
 * Doctor's and Vitrage's monitors post to nfvi-doctor as they post to Doctor's inspector; their
 * events go through the same correlator as a collector's and reach the same tenants the same way.
 */
describe('Compatibility ingest (Doctor inspector API, Vitrage Doctor datasource)', () => {
  let world: World;
  let adminToken: string;
  let tenantToken: string;
  const alarmsOf = (tenant: string) =>
    world.subscriber
      .from(tenant)
      .filter((m) => m.message.notificationType === 'AlarmNotification')
      .map((m) => alarmNotification.parse(m.message).alarm);

  beforeAll(async () => {
    world = await createWorld({
      'by-collector': [{ name: 'mme-1', tenant: 'epc' }],
      'by-doctor': [{ name: 'mme-2', tenant: 'epc' }],
      'by-vitrage': [{ name: 'spgw-1', tenant: 'gw' }],
      'by-alertmanager': [{ name: 'edge-1', tenant: 'cdn' }],
    });
    const cloud = localCloud();
    [adminToken, tenantToken] = await Promise.all([cloud.adminToken(), cloud.memberToken('tenant-a')]);
  });

  afterAll(() => world.close());

  it("turns Doctor's sample monitor payload into the same tenant notification a collector's host-down gives", async () => {
    await world.injector.put([world.injector.link(world.host('by-collector'), 'down')]);
    const put = await callApi('PUT', '/events', adminToken, [
      {
        id: 'monitor_sample_id1',
        time: pythonNow(),
        type: 'compute.host.down',
        details: {
          hostname: world.host('by-doctor'),
          status: 'down',
          monitor: 'monitor_sample',
          monitor_event_id: 'monitor_sample_event1',
        },
      },
    ]);
    expect(put).toEqual({ status: 200, body: { accepted: 1, rejected: [] } });
    await world.subscriber.waitFor('epc', 2);
    const [byCollector, byDoctor] = ['mme-1', 'mme-2'].map((name) =>
      alarmsOf('epc').find((a) => a.managedObjectId === `${name}-${world.id}`),
    ) as [Alarm, Alarm];
    expect(whatOf(byDoctor)).toEqual(whatOf(byCollector));
    expect(byDoctor.faultDetails.join(' ')).toContain('monitor_sample');
    const attributes = world.subscriber
      .from('epc')
      .map((m) => [m.attributes.eventType, m.attributes.perceivedSeverity]);
    expect(attributes[0]).toEqual(attributes[1]);
  });

  it('raises and clears from a Vitrage event pair, notifying only the owning tenant', async () => {
    const event = (status: 'down' | 'up') => ({
      time: pythonNow(),
      type: 'compute.host.down',
      details: { hostname: world.host('by-vitrage'), source: 'sample_monitor', cause: 'ping lost', status },
    });
    expect((await callApi('POST', '/v1/event', adminToken, event('down'))).status).toBe(200);
    await world.subscriber.waitFor('gw', 1);
    expect((await callApi('POST', '/v1/event', adminToken, event('up'))).status).toBe(200);
    const delivered = await world.subscriber.waitFor('gw', 2);
    expect(alarmClearedNotification.safeParse(delivered[1]?.message).success).toBe(true);
    expect(alarmsOf('epc').map((a) => a.managedObjectId)).not.toContain(`spgw-1-${world.id}`);
  });

  it("turns Alertmanager's webhook, sent with an application credential as Basic auth, into the same notification", async () => {
    const credential = await applicationCredential(adminToken);
    const basic = `Basic ${Buffer.from(`${credential.id}:${credential.secret}`).toString('base64')}`;
    const alert = (status: 'firing' | 'resolved') =>
      alertmanagerWebhook({
        labels: { alertname: 'NodeDown', instance: `${world.host('by-alertmanager')}:9100` },
        annotations: { summary: 'not answering scrapes' },
        startsAt: new Date(Date.now() - 1000),
        ...(status === 'resolved' ? { resolvedAt: new Date() } : {}),
        fingerprint: `fp-${world.id}`,
      });
    const post = (status: 'firing' | 'resolved', authorization: string) =>
      fetch(`${localApiUrl()}/v1/alertmanager`, {
        method: 'POST',
        headers: { Authorization: authorization, 'Content-Type': 'application/json' },
        body: JSON.stringify(alert(status)),
      });
    expect((await post('firing', `Basic ${Buffer.from(`${credential.id}:wrong`).toString('base64')}`)).status).toBe(
      401,
    );
    expect((await post('firing', basic)).status).toBe(200);
    const [fired] = await world.subscriber.waitFor('cdn', 1);
    const byCollector = alarmsOf('epc').find((a) => a.managedObjectId === `mme-1-${world.id}`) as Alarm;
    expect(whatOf(alarmNotification.parse(fired?.message).alarm)).toEqual(whatOf(byCollector));
    expect((await post('resolved', basic)).status).toBe(200);
    const delivered = await world.subscriber.waitFor('cdn', 2);
    expect(alarmClearedNotification.safeParse(delivered[1]?.message).success).toBe(true);
  });

  it('answers a malformed request 400 with the reason and keeps it in the quarantine', async () => {
    const marker = `bad-${world.id}`;
    const answer = await callApi('POST', '/events', adminToken, [
      { time: pythonNow(), type: 'compute.host.bored', details: { hostname: marker, status: 'down' } },
    ]);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/fault type of the catalogue/);
    const kept = async () => {
      const { Items = [] } = await awsClients().dynamo.send(new ScanCommand({ TableName: config().quarantineTable }));
      return Items.filter((i) => i.source === 'compat-doctor' && String(i.payload).includes(marker));
    };
    await eventually(async () => (await kept()).length === 1, 'the quarantined request');
    const notJson = await callApi('PUT', '/events', adminToken, 'not json' as unknown as object);
    expect(notJson.status).toBe(400);
  });

  it('refuses a request without a token (401) and a tenant that is not an administrator (403)', async () => {
    const body = [{ time: pythonNow(), type: 'compute.host.down', details: { hostname: 'x', status: 'down' } }];
    expect((await callApi('PUT', '/events', undefined, body)).status).toBe(401);
    expect((await callApi('PUT', '/events', tenantToken, body)).status).toBe(403);
    expect((await callApi('POST', '/v1/event', tenantToken, body[0])).status).toBe(403);
  });
});
