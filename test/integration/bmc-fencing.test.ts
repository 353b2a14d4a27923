import { parseBmcCredentials } from '../../lib/adapters/bmc/bmc-credentials';
import { BmcError } from '../../lib/adapters/bmc/bmc-error';
import { bmcFor } from '../../lib/adapters/bmc/bmc-for';
import { type Bmc } from '../../lib/fencing/bmc';
import { freeUdpPort, startIpmiSim, type IpmiSim } from '../support/ipmi-sim';
import { startRedfishBmc, type RedfishBmc } from '../support/redfish-bmc';

/**
 * Fencing's BMC clients against real peers on this machine: OpenIPMI's ipmi_sim over RMCP+ driven
 * by the real ipmitool, and the test's Redfish BMC over HTTPS. Needs no local stack.
 */

const TIMEOUT_MS = 3000;

/** Powers the host off and reads the power state until it is off, as fencing does; returns the ms it took. */
async function fence(bmc: Bmc): Promise<number> {
  const startedAt = Date.now();
  await bmc.powerOff();
  while ((await bmc.powerState()) !== 'off') {
    if (Date.now() - startedAt > 10_000) throw new Error('the host did not read off within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - startedAt;
}

describe('IPMI BMC against OpenIPMI ipmi_sim', () => {
  let sim: IpmiSim | undefined;

  beforeAll(async () => {
    sim = await startIpmiSim();
  });

  afterAll(() => sim?.stop());

  const entryFor = (overrides: Record<string, unknown> = {}) =>
    parseBmcCredentials({
      hosts: {
        'compute-1': {
          kind: 'ipmi',
          address: '127.0.0.1',
          port: sim!.port,
          username: sim!.username,
          password: sim!.password,
          ...overrides,
        },
      },
    }).hosts['compute-1']!;

  it('powers the chassis off and reads off back', async () => {
    // Prepare
    const bmc = bmcFor(entryFor(), { timeoutMs: TIMEOUT_MS });
    const before = await bmc.powerState();

    // Act
    await fence(bmc);

    // Assess
    expect(before).toBe('on');
    expect(sim!.chassisPower()).toBe('off');
    expect(await bmc.powerState()).toBe('off');
  });

  it('fails for good on a wrong password, with ipmitool saying why and without the password', async () => {
    // Prepare
    const bmc = bmcFor(entryFor({ password: 'Wr0ng-Passw0rd' }), { timeoutMs: TIMEOUT_MS });

    // Act
    const error = await bmc.powerState().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(BmcError);
    expect(error).toMatchObject({
      transient: false,
      message: expect.stringContaining('RAKP 2 HMAC is invalid / Error: Unable to establish IPMI v2 / RMCP+ session'),
    });
    expect(error).toMatchObject({ message: expect.not.stringContaining('Wr0ng-Passw0rd') });
  });

  it('gives up on a BMC that does not answer within the timeout, as a transient failure', async () => {
    // Prepare: nothing answers on a port that was free a moment ago
    const bmc = bmcFor(entryFor({ port: await freeUdpPort() }), { timeoutMs: TIMEOUT_MS });

    // Act
    const error = await bmc.powerOff().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(BmcError);
    expect(error).toMatchObject({
      transient: true,
      message: expect.stringContaining(`ipmitool timed out after ${TIMEOUT_MS} ms`),
    });
  });
});

describe('Redfish BMC against the test Redfish service over HTTPS', () => {
  let redfish: RedfishBmc | undefined;

  afterEach(() => redfish?.stop());

  it('forces the system off and reads Off back once it has finished powering off', async () => {
    // Prepare: a system that reports PoweringOff for half a second
    redfish = await startRedfishBmc({ poweringOffMs: 500 });
    const { hosts } = parseBmcCredentials(JSON.stringify({ hosts: { 'compute-2': redfish.entry() } }));
    const bmc = bmcFor(hosts['compute-2']!, { timeoutMs: TIMEOUT_MS });

    // Act
    const tookMs = await fence(bmc);

    // Assess
    expect(redfish.powerState).toBe('Off');
    expect(tookMs).toBeGreaterThanOrEqual(500);
    expect(redfish.requests.filter((request) => request.method === 'POST')).toEqual([
      expect.objectContaining({ body: { ResetType: 'ForceOff' }, authorized: true }),
    ]);
  });
});
