import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { RedfishBmcEntry } from '../../../../lib/adapters/bmc/bmc-credentials';
import { BmcError } from '../../../../lib/adapters/bmc/bmc-error';
import { bmcFor } from '../../../../lib/adapters/bmc/bmc-for';
import { type Bmc } from '../../../../lib/fencing/bmc';
import {
  startRedfishBmc,
  testCertificates,
  type RedfishBmc,
  type RedfishBmcOptions,
} from '../../../support/redfish-bmc';

const FAST = { timeoutMs: 2000 };
const SYSTEM = '/redfish/v1/Systems/437XR1138R2';

let bmc: RedfishBmc | undefined;
let silent: TcpServer | undefined;

afterEach(async () => {
  await bmc?.stop();
  await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
  bmc = undefined;
  silent = undefined;
});

async function start(options: RedfishBmcOptions = {}): Promise<RedfishBmc> {
  bmc = await startRedfishBmc(options);
  return bmc;
}

const clientOf = (at: RedfishBmc, overrides: Partial<RedfishBmcEntry> = {}): Bmc => bmcFor(at.entry(overrides), FAST);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Class: RedfishBmc (against a Redfish BMC served over HTTPS by the test)', () => {
  it('powers the system off with ForceOff and reads Off back', async () => {
    // Prepare
    const at = await start();
    const client = clientOf(at);

    // Act
    const before = await client.powerState();
    await client.powerOff();
    const after = await client.powerState();

    // Assess
    expect([client.method, before, after]).toEqual(['redfish', 'on', 'off']);
    expect(at.powerState).toBe('Off');
    expect(at.requests.map(({ method, path, body }) => [method, path, body])).toEqual([
      ['GET', '/redfish/v1/Systems', undefined],
      ['GET', SYSTEM, undefined],
      ['GET', SYSTEM, undefined],
      ['POST', `${SYSTEM}/Actions/ComputerSystem.Reset`, { ResetType: 'ForceOff' }],
      ['GET', SYSTEM, undefined],
    ]);
    expect(at.requests.every((request) => request.authorized && request.username === 'root')).toBe(true);
  });

  it('reads PoweringOff as not yet off, then Off once the system is down', async () => {
    // Prepare
    const at = await start({ poweringOffMs: 300 });
    const client = clientOf(at);

    // Act
    await client.powerOff();
    const during = await client.powerState();
    await sleep(400);
    const after = await client.powerState();

    // Assess
    expect([during, after]).toEqual(['on', 'off']);
  });

  it('sends no Reset to a system that is already off', async () => {
    // Prepare
    const at = await start();
    at.powerState = 'Off';

    // Act
    await clientOf(at).powerOff();

    // Assess
    expect(at.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it('goes straight to the system named by systemId', async () => {
    // Prepare
    const at = await start();

    // Act
    await clientOf(at, { systemId: at.systemId }).powerOff();

    // Assess
    expect(at.requests.map((request) => request.path)).not.toContain('/redfish/v1/Systems');
    expect(at.powerState).toBe('Off');
  });

  it('posts ForceOff when the action lists no allowable values, and refuses when they lack ForceOff', async () => {
    // Prepare
    const unlisted = await start({ omitAllowableValues: true });
    await clientOf(unlisted).powerOff();
    expect(unlisted.powerState).toBe('Off');
    await unlisted.stop();
    const gracefulOnly = await start({ resetTypes: ['On', 'GracefulShutdown'] });

    // Act
    const error = await clientOf(gracefulOnly)
      .powerOff()
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(BmcError);
    expect(error).toMatchObject({
      transient: false,
      message: expect.stringContaining('allows ResetType On, GracefulShutdown, not ForceOff'),
    });
    expect(gracefulOnly.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it('fails for good on a refused password (401), naming the status and never the password', async () => {
    // Prepare
    const at = await start();

    // Act
    const wrongPassword = await clientOf(at, { password: 'not-the-password' })
      .powerOff()
      .catch((e: unknown) => e);
    at.failure = 'reject-auth';
    const rejected = await clientOf(at)
      .powerState()
      .catch((e: unknown) => e);

    // Assess
    for (const error of [wrongPassword, rejected]) {
      expect(error).toBeInstanceOf(BmcError);
      expect(error).toMatchObject({
        method: 'redfish',
        bmc: at.url,
        transient: false,
        message: expect.stringContaining(
          'GET /redfish/v1/Systems answered 401 (the BMC refused the username or password): ' +
            'Base.1.15.NoValidSession: There is no valid session established with the implementation.',
        ),
      });
    }
    expect(wrongPassword).toMatchObject({ message: expect.not.stringContaining('not-the-password') });
    expect(rejected).toMatchObject({ message: expect.not.stringContaining(at.password) });
    expect(at.powerState).toBe('On');
  });

  it('reports a 500 as transient, quoting the Redfish error and its extended info', async () => {
    // Prepare
    const at = await start();
    at.failure = 'server-error';

    // Act
    const error = await clientOf(at)
      .powerOff()
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(BmcError);
    expect(error).toMatchObject({
      transient: true,
      message:
        `redfish BMC ${at.url}: power off failed: GET /redfish/v1/Systems answered 500: ` +
        'Base.1.15.InternalError: The request failed due to an internal service error. / The service is still operational.',
    });
  });

  it('trusts the BMC certificate signed by the CA of the credentials', async () => {
    // Prepare
    const at = await start();

    // Act
    const state = await clientOf(at, { caCertificate: at.caCertificate }).powerState();

    // Assess
    expect(state).toBe('on');
  });

  it('refuses a BMC certificate from an unknown CA for good, unless insecureTls', async () => {
    // Prepare
    const at = await start();
    const { ca: otherCa } = await testCertificates();

    // Act
    const publicCas = await clientOf(at, { caCertificate: undefined })
      .powerState()
      .catch((e: unknown) => e);
    const otherCaError = await clientOf(at, { caCertificate: otherCa })
      .powerState()
      .catch((e: unknown) => e);
    const insecure = await clientOf(at, { caCertificate: undefined, insecureTls: true }).powerState();

    // Assess
    for (const error of [publicCas, otherCaError]) {
      expect(error).toBeInstanceOf(BmcError);
      expect(error).toMatchObject({
        transient: false,
        message: expect.stringMatching(/GET \/redfish\/v1\/Systems: .*certificate/),
      });
    }
    expect(insecure).toBe('on');
    // Only the insecure client's discovery and read reached the BMC: the others sent no credentials.
    expect(at.requests).toHaveLength(2);
  });

  it('reports a BMC that does not answer within the timeout as transient', async () => {
    // Prepare: a TCP server that reads (so it sees the client go) and never speaks TLS
    silent = createTcpServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const client = bmcFor(
      { kind: 'redfish', url: `https://127.0.0.1:${port}`, username: 'u', password: 'p', insecureTls: false },
      { timeoutMs: 300 },
    );

    // Act
    const error = await client.powerOff().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(BmcError);
    expect(error).toMatchObject({
      transient: true,
      message: expect.stringContaining('GET /redfish/v1/Systems: timed out after 300 ms'),
    });
  });
});
