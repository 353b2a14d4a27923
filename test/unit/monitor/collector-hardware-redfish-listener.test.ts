import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedfishListener } from '../../../lib/monitor/hardware/redfish-listener';
import type { Report } from '../../../lib/monitor/report';

/** Recorded Redfish pushes; test/fixtures/collector/README.md says where each comes from. */
const fixture = (name: string) =>
  readFileSync(join(__dirname, '../../fixtures/collector/hardware/redfish', name), 'utf8');

describe('Redfish listener (real HTTP on a free port)', () => {
  const reports: Report[] = [];
  const warnings: string[] = [];
  const logger = { warn: (message: string) => warnings.push(message) };
  let listener: RedfishListener;
  let url: string;

  const post = (body: string, path = '/redfish/events') =>
    fetch(`http://127.0.0.1:${listener.port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

  beforeEach(async () => {
    reports.length = 0;
    warnings.length = 0;
    listener = new RedfishListener({ listen: { address: '127.0.0.1', port: 0 }, path: '/redfish/events' }, logger, {
      maxBodyBytes: 64 * 1024,
    });
    await listener.start((report) => reports.push(report));
    url = `http://127.0.0.1:${listener.port}/redfish/events`;
  });

  afterEach(() => listener.stop());

  it('answers 204 to a valid push and reports its event', async () => {
    // Act
    const response = await post(fixture('openbmc-bmcweb-issue-311-heartbeat.json'));

    // Assess
    expect(response.status).toBe(204);
    expect(reports).toEqual([
      {
        detailType: 'hardware.event',
        detail: expect.objectContaining({
          component: 'bmc',
          state: 'ok',
          sensor: '/redfish/v1/EventService/Subscriptions/585024379',
          observedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        }),
      },
    ]);
  });

  it('reports each event of a push, in order', async () => {
    // Prepare: both iDRAC events of the issue in one push, in the envelope the schema requires
    const events = [
      ...JSON.parse(fixture('dell-idrac-issue-353-r470-events.json')),
      ...JSON.parse(fixture('dell-idrac-issue-353-normal-events.json')),
    ];
    const body = JSON.stringify({
      '@odata.type': '#Event.v1_7_0.Event',
      Id: '2162',
      Name: 'Event Array',
      Events: events,
    });

    // Act
    const response = await post(body);

    // Assess
    expect(response.status).toBe(204);
    expect(reports.map((r) => r.detail)).toEqual([
      expect.objectContaining({
        component: 'thermal',
        state: 'warning',
        sensor: '/redfish/v1/Systems/System.Embedded.1',
      }),
      expect.objectContaining({
        component: 'thermal',
        state: 'warning',
        sensor: '/redfish/v1/Chassis/System.Embedded.1/Sensors/SystemBoardInletTemp',
      }),
    ]);
  });

  it('answers 400 with the reason to a push that is not a Redfish Event, and reports nothing', async () => {
    // Prepare: an event array without the Event envelope
    const body = fixture('dell-idrac-issue-353-normal-events.json');

    // Act
    const response = await post(body);

    // Assess
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/^not a Redfish Event:\n[\s\S]*expected object/);
    expect(reports).toEqual([]);
    expect(warnings).toEqual(['refused a Redfish push that is not a Redfish Event']);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await post('{"@odata.type": "#Event.v1_4_0.Event", "Events": [');
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/^the body is not JSON: /);
    expect(reports).toEqual([]);
  });

  it('answers 413 to a body larger than allowed', async () => {
    const response = await post(JSON.stringify({ padding: 'x'.repeat(100 * 1024) }));
    expect(response.status).toBe(413);
    expect(reports).toEqual([]);
  });

  it('answers 404 on any other path and 405 to anything but POST', async () => {
    expect((await post(fixture('dmtf-tacklebox-test-event.json'), '/other')).status).toBe(404);
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(reports).toEqual([]);
  });

  it('accepts the destination path with a query string', async () => {
    const response = await post(fixture('dmtf-tacklebox-test-event.json'), '/redfish/events?subscription=1');
    expect(response.status).toBe(204);
    expect(reports).toHaveLength(1);
  });

  it('stops listening when stopped', async () => {
    // Act
    await listener.stop();

    // Assess
    await expect(fetch(url)).rejects.toThrow();
    expect(() => listener.port).toThrow('not listening');
  });

  it('fails to start, with the reason, when the port is taken', async () => {
    // Prepare
    const second = new RedfishListener(
      { listen: { address: '127.0.0.1', port: listener.port }, path: '/redfish/events' },
      logger,
    );

    // Act, Assess
    await expect(second.start(() => undefined)).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('Redfish listener over HTTPS (for BMCs that push only to HTTPS destinations)', () => {
  let dir: string;
  let listener: RedfishListener;
  const reports: Report[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nfvi-redfish-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => listener.stop());

  it('serves the configured certificate and reports a valid push', async () => {
    // Prepare
    listener = new RedfishListener(
      {
        listen: { address: '127.0.0.1', port: 0 },
        path: '/redfish/events',
        tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
      },
      { warn: () => undefined },
    );
    await listener.start((report) => reports.push(report));

    // Act
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const body = fixture('openbmc-bmcweb-issue-311-heartbeat.json');
      const request = httpsRequest(
        {
          host: '127.0.0.1',
          port: listener.port,
          path: '/redfish/events',
          method: 'POST',
          ca: readFileSync(join(dir, 'cert.pem')),
          checkServerIdentity: () => undefined,
          headers: { 'content-type': 'application/json' },
        },
        (response) => resolve(response.statusCode),
      );
      request.on('error', reject);
      request.end(body);
    });

    // Assess
    expect(status).toBe(204);
    expect(reports).toHaveLength(1);
  });
});
