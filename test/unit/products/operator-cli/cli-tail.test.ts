import type { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import type { SnsSigningIdentity } from '../../../../infra/local/sns-signing';
import { SESSION_EVENT_TYPE, type SessionNotification } from '../../../../lib/contracts/fenix';
import { deliveriesOf, type Delivery } from '../../../../lib/inspector/notifications';
import { notificationBody, startTestSns, type TestSns } from '../../../support/signed-sns';
import { hostAlarmOf, linkDown, linkUp, recordOf, replay } from '../../inspector/builders';
import { CliHarness, jsonLinesOf, type CliRun } from './cli-harness';

/*
 * `nfvi-doctor tail` against SNS deliveries signed as SNS signs them (test/support/signed-sns.ts),
 * the fake API standing for the subscription routes.
 */

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:nfvi-doctor-test-admin';
const SUBSCRIPTION = 'c0ffee00-1111-5222-8333-444455556666';

let testSns: TestSns;
let sns: SnsSigningIdentity;
let agent: Agent;

beforeAll(async () => {
  testSns = await startTestSns();
  ({ identity: sns, agent } = testSns);
});

afterAll(() => testSns.close());

/** The administrator's delivery of a fault's last transition, as the correlator publishes it. */
const adminDelivery = (events: Parameters<typeof replay>[0]): Delivery => {
  const delivery = deliveriesOf(recordOf(replay(events))).find((d) => d.audience.kind === 'admin');
  if (!delivery) throw new Error('no admin delivery');
  return delivery;
};
const raised = adminDelivery([linkDown(1)]);
const cleared = adminDelivery([linkDown(1), linkUp(2)]);
const sessionDone: SessionNotification = {
  service: 'nfvi-doctor',
  project_id: 'admin-project',
  session_id: '6f1c2a9e-0d4b-4c1e-9a57-2b1f7d2c9e61',
  state: 'MAINTENANCE_DONE',
  previous_state: 'MAINTENANCE_COMPLETE',
  hosts: { 'compute-1': 'BACK_IN_SERVICE' },
  at: '2026-11-25T10:30:00.000Z',
};

/** An SNS Notification as SNS POSTs it, signed with `signer` (SNS's key unless a test forges). */
const snsBody = (message: unknown, attributes: Record<string, string>, signer: SnsSigningIdentity = sns) =>
  notificationBody(sns, TOPIC, message, attributes, { signer, timestamp: '2026-11-25T10:00:01.250Z' });

/** A port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('nfvi-doctor tail', () => {
  let cli: CliHarness;
  let port: number;
  let endpoint: string;

  /** Starts `nfvi-doctor tail ...` and waits until it has subscribed; `finished` is the run's end. */
  async function startTail(args: string[] = []): Promise<{ finished: Promise<CliRun> }> {
    const running = cli.run(['tail', '--port', String(port), '--endpoint', endpoint, ...args]);
    for (let waited = 0; !cli.apiCalls.some((c) => c.method === 'POST'); waited += 10) {
      if (waited > 5000) throw new Error('tail never subscribed');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { finished: running };
  }

  /** POSTs a body to the listener as SNS does; resolves to the HTTP status. */
  const deliver = async (body: ReturnType<typeof snsBody>) =>
    (
      await fetch(endpoint, {
        method: 'POST',
        headers: { 'x-amz-sns-message-type': String(body.Type), 'content-type': 'text/plain; charset=UTF-8' },
        body: JSON.stringify(body),
      })
    ).status;

  beforeEach(async () => {
    cli = await CliHarness.start();
    cli.certificateAgent = agent;
    port = await freePort();
    endpoint = `http://127.0.0.1:${port}/`;
    cli.answer((request) =>
      request.method === 'POST'
        ? {
            status: 201,
            body: { id: SUBSCRIPTION, ...JSON.parse(request.body), createdAt: '2026-11-25T10:00:00.000Z' },
          }
        : { status: 204 },
    );
  });

  afterEach(async () => {
    await cli.stop();
  });

  it('subscribes its endpoint through the fault API, and deletes the subscription on Ctrl-C', async () => {
    // Act
    const { finished } = await startTail([
      '--filter',
      'eventType=COMMUNICATIONS_ALARM',
      '--filter',
      'perceivedSeverity=CRITICAL',
      '--tenant',
      'tenant-a',
    ]);
    cli.interrupt();
    const result = await finished;

    // Assess
    expect(result.code).toBe(0);
    expect(cli.apiCalls).toEqual([
      {
        method: 'POST',
        path: '/v1/subscriptions',
        query: {},
        token: cli.token,
        body: {
          callbackUri: endpoint,
          filter: { eventTypes: ['COMMUNICATIONS_ALARM'], perceivedSeverities: ['CRITICAL'] },
          tenantId: 'tenant-a',
        },
      },
      { method: 'DELETE', path: `/v1/subscriptions/${SUBSCRIPTION}`, query: {}, token: cli.token, body: undefined },
    ]);
    expect(result.stderr).toContain(
      `subscription ${SUBSCRIPTION}: SNS delivers to ${endpoint}, listening on port ${port}`,
    );
    expect(result.stderr).toContain(`subscription ${SUBSCRIPTION} deleted`);
  });

  it('prints each verified notification as one line, a duplicate once', async () => {
    // Prepare
    const { finished } = await startTail();

    // Act
    const statuses = [
      await deliver(snsBody(raised.notification, raised.attributes)),
      await deliver(snsBody(raised.notification, raised.attributes)),
      await deliver(snsBody(cleared.notification, cleared.attributes)),
      await deliver(snsBody(sessionDone, { eventType: SESSION_EVENT_TYPE, state: 'MAINTENANCE_DONE' })),
    ];
    cli.interrupt();
    const { stdout } = await finished;

    // Assess
    expect(statuses).toEqual([200, 200, 200, 200]);
    const alarm = hostAlarmOf(recordOf(replay([linkDown(1), linkUp(2)])));
    const id = alarm.id.slice(0, 8);
    expect(stdout.split('\n')).toEqual([
      `2026-11-25T10:00:01Z  ALARM    CRITICAL compute.host.down on compute-1 (alarm ${id})`,
      `2026-11-25T10:00:01Z  CLEARED  alarm ${id} on compute-1 at ${alarm.alarmClearedTime?.replace(/\.\d+Z$/, 'Z')}`,
      '2026-11-25T10:00:01Z  SESSION  MAINTENANCE_DONE from MAINTENANCE_COMPLETE (session 6f1c2a9e)',
      '',
    ]);
  });

  it("tells a tenant's alarm by the instance and tenant it concerns", async () => {
    // Prepare
    const tenantDelivery = deliveriesOf(recordOf(replay([linkDown(1)]))).find((d) => d.audience.kind === 'tenant');
    const { finished } = await startTail();

    // Act
    await deliver(snsBody(tenantDelivery?.notification, tenantDelivery?.attributes ?? {}));
    cli.interrupt();
    const { stdout } = await finished;

    // Assess
    expect(stdout).toMatch(
      /ALARM    CRITICAL compute\.host\.down on compute-1: instance vm-a\d of tenant-a \(alarm [0-9a-f]{8}\)\n/,
    );
  });

  it('prints each notification as a JSON line with --json: its kind, the notification and the SNS delivery', async () => {
    // Prepare
    const { finished } = await startTail(['--json']);

    // Act
    await deliver(snsBody(raised.notification, raised.attributes));
    cli.interrupt();
    const result = await finished;

    // Assess
    expect(jsonLinesOf(result)).toEqual([
      {
        kind: 'alarm',
        notification: raised.notification,
        sns: {
          messageId: expect.any(String),
          topicArn: TOPIC,
          timestamp: '2026-11-25T10:00:01.250Z',
          attributes: raised.attributes,
        },
      },
    ]);
  });

  it('refuses a delivery not signed by SNS (403), prints nothing of it and says so on stderr', async () => {
    // Prepare
    const forger = await testSns.forger();
    const { finished } = await startTail();

    // Act
    const status = await deliver(snsBody(raised.notification, raised.attributes, forger));
    cli.interrupt();
    const result = await finished;

    // Assess
    expect(status).toBe(403);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'refused a delivery (403): the signature does not verify against the signing certificate',
    );
  });

  it('refuses a filter the subscription API would refuse, before subscribing (exit 2)', async () => {
    // Act
    const result = await cli.run(['tail', '--endpoint', endpoint, '--filter', 'eventType=EARTHQUAKE']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --filter: eventTypes\.0: /);
    expect(cli.apiCalls).toEqual([]);
  });

  it('refuses a filter on an attribute it does not know (exit 2)', async () => {
    // Act
    const result = await cli.run(['tail', '--endpoint', endpoint, '--filter', 'host=compute-1']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: --filter host=compute-1: expected eventType|perceivedSeverity|notificationType=<value>\n',
    );
  });

  it('needs --endpoint outside the local stack: SNS must be told where to deliver (exit 2)', async () => {
    // Act
    const result = await cli.run(['tail']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--endpoint is required/);
  });

  it("stops listening and shows the API's refusal when the subscription is refused", async () => {
    // Prepare
    cli.answer(() => ({ status: 403, body: 'only administrators subscribe for another tenant' }));

    // Act
    const result = await cli.run(['tail', '--port', String(port), '--endpoint', endpoint, '--tenant', 'tenant-b']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: the nfvi-doctor API answered 403: only administrators subscribe for another tenant\n',
    );
    await expect(fetch(endpoint, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
