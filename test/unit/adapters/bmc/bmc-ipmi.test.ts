import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBmcCredentials, type IpmiBmcEntry } from '../../../../lib/adapters/bmc/bmc-credentials';
import { BmcError } from '../../../../lib/adapters/bmc/bmc-error';
import { bmcFor } from '../../../../lib/adapters/bmc/bmc-for';

const PASSWORD = 'Sup3r-Secret-Pw';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nfvi-fake-ipmitool-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  delete process.env.IPMITOOL_PASSWORD;
});

/** An ipmitool stand-in: records its arguments and IPMI_PASSWORD / IPMITOOL_PASSWORD, then runs `body`. */
function fakeIpmitool(body: string): IpmiBmcEntry {
  const path = join(dir, 'ipmitool');
  const script = [
    '#!/bin/sh',
    `printf '%s\\n' "$@" > '${dir}/args'`,
    `printf '%s|%s' "$IPMI_PASSWORD" "$IPMITOOL_PASSWORD" > '${dir}/env'`,
    body,
    '',
  ];
  writeFileSync(path, script.join('\n'), { mode: 0o755 });
  // Through the schema, so that its defaults (port 623, cipher suite 3) are what the tool gets.
  const { hosts } = parseBmcCredentials({
    hosts: {
      'compute-1': { kind: 'ipmi', address: '10.0.0.4', username: 'admin', password: PASSWORD, ipmitool: path },
    },
  });
  return hosts['compute-1'] as IpmiBmcEntry;
}

const argsSeen = () => readFileSync(join(dir, 'args'), 'utf8').trim().split('\n');
const envSeen = () => readFileSync(join(dir, 'env'), 'utf8');

describe('Class: IpmiBmc (against an ipmitool stand-in)', () => {
  it('runs `chassis power off` over lanplus with cipher suite 3, the password only in IPMI_PASSWORD', async () => {
    // Prepare: a stale IPMITOOL_PASSWORD would win over IPMI_PASSWORD in ipmitool
    process.env.IPMITOOL_PASSWORD = 'stale';
    const bmc = bmcFor(fakeIpmitool("echo 'Chassis Power Control: Down/Off'"), { timeoutMs: 2000 });

    // Act
    await bmc.powerOff();

    // Assess
    expect(bmc.method).toBe('ipmi');
    expect(argsSeen()).toEqual([
      '-v',
      '-I',
      'lanplus',
      '-C',
      '3',
      '-H',
      '10.0.0.4',
      '-p',
      '623',
      '-U',
      'admin',
      '-E',
      'chassis',
      'power',
      'off',
    ]);
    expect(envSeen()).toBe(`${PASSWORD}|`);
  });

  it.each([
    ['Chassis Power is off', 'off'],
    ['Chassis Power is on', 'on'],
  ])('reads "%s" from `chassis power status` as %s', async (output, state) => {
    // Prepare
    const bmc = bmcFor(fakeIpmitool(`echo '${output}'`), { timeoutMs: 2000 });

    // Act
    const read = await bmc.powerState();

    // Assess
    expect(read).toBe(state);
    expect(argsSeen().slice(-3)).toEqual(['chassis', 'power', 'status']);
  });

  it('fails for good on a refused login, with ipmitool stderr and without the password even if echoed', async () => {
    // Prepare: ipmitool -v's words for a wrong password; the stand-in also echoes the password
    const bmc = bmcFor(
      fakeIpmitool(
        [
          'echo "Loading IANA PEN Registry..." >&2',
          'echo "> RAKP 2 HMAC is invalid ($IPMI_PASSWORD)" >&2',
          'echo "Error: Unable to establish IPMI v2 / RMCP+ session" >&2',
          'exit 1',
        ].join('\n'),
      ),
      { timeoutMs: 2000 },
    );

    // Act
    const error = await bmc.powerOff().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(BmcError);
    expect(error).toMatchObject({
      method: 'ipmi',
      bmc: '10.0.0.4:623',
      operation: 'power off',
      transient: false,
      message:
        'ipmi BMC 10.0.0.4:623: power off failed: ipmitool exited with status 1: ' +
        '> RAKP 2 HMAC is invalid (***) / Error: Unable to establish IPMI v2 / RMCP+ session',
    });
  });

  it('reports a session that cannot be set up for another reason as transient', async () => {
    // Prepare: what ipmitool -v says when nothing answers
    const bmc = bmcFor(
      fakeIpmitool(
        [
          'echo "Get Auth Capabilities error" >&2',
          'echo "Error: Unable to establish IPMI v2 / RMCP+ session" >&2',
          'exit 1',
        ].join('\n'),
      ),
      { timeoutMs: 2000 },
    );

    // Act
    const error = await bmc.powerState().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(BmcError);
    expect(error).toMatchObject({
      transient: true,
      message: expect.stringContaining(
        'Get Auth Capabilities error / Error: Unable to establish IPMI v2 / RMCP+ session',
      ),
    });
  });

  it('stops ipmitool at the timeout and reports it as transient', async () => {
    // Prepare
    // exec: a child left behind by the shell would hold the output open past the kill
    const bmc = bmcFor(fakeIpmitool('exec sleep 5'), { timeoutMs: 300 });

    // Act
    const error = await bmc.powerOff().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(BmcError);
    expect(error).toMatchObject({
      transient: true,
      message: expect.stringMatching(/power off failed: .*ipmitool timed out after 300 ms$/),
    });
  });

  it('fails for good when ipmitool is not installed', async () => {
    // Prepare
    const bmc = bmcFor({ ...fakeIpmitool(''), ipmitool: join(dir, 'no-such-ipmitool') }, { timeoutMs: 2000 });

    // Act
    const error = await bmc.powerState().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(BmcError);
    expect(error).toMatchObject({
      transient: false,
      message: expect.stringContaining('no-such-ipmitool failed (ENOENT)'),
    });
  });

  it('fails on output that is not a power state', async () => {
    // Prepare
    const bmc = bmcFor(fakeIpmitool("echo 'Chassis Power is unknown'"), { timeoutMs: 2000 });

    // Act
    const error = await bmc.powerState().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(BmcError);
    expect(error).toMatchObject({
      message: expect.stringContaining('unexpected ipmitool output: Chassis Power is unknown'),
    });
  });
});
