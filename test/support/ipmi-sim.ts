import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BMC_CREDENTIALS_FILE } from '../../infra/local/local-env';

/**
 * A real IPMI BMC on this machine: OpenIPMI's ipmi_sim (Debian package openipmi) serving IPMI
 * over LAN (RMCP+) on a free UDP port of 127.0.0.1, with an empty SEL, no sensors, and a chassis
 * whose power `chassis power off|on` switches and `chassis power status` reads back.
 * See ../shared/notes/bmc-local.md. Its SEL is written with `ipmitool sel add`: ipmi_sim does not
 * implement Platform Event Message, so `ipmitool event 1` fails against it ("Invalid command").
 */
export interface IpmiSim {
  port: number;
  username: string;
  password: string;
  /** The simulated chassis's power, as the chassis itself has it (powered on at start). */
  chassisPower(): 'on' | 'off';
  /** ipmitool's interface arguments for this BMC (cipher suite 3: without it each call takes ~10 s). */
  ipmitoolArgs: string[];
  stop(): Promise<void>;
}

/** The record `ipmitool event 1` sends: Temperature sensor 0x30, Upper Critical going high, asserted. */
export const SAMPLE_EVENT_1 = '0x04 0x01 0x30 0x01 0x09 0xff 0xff';
/** The record `ipmitool event 2` sends: Voltage sensor 0x60, Lower Critical going low, asserted. */
export const SAMPLE_EVENT_2 = '0x04 0x02 0x60 0x01 0x02 0xff 0xff';

const INSTALL_HINT =
  'install the Debian packages ipmitool and openipmi (apt-get install -y ipmitool openipmi; .ci/run does it)';

/** A UDP port of 127.0.0.1 that was free a moment ago. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

function ipmitool(args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile('ipmitool', args, { timeout: 20_000 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT')
        return resolve({ ok: false, output: `ipmitool is not installed: ${INSTALL_HINT}` });
      resolve({ ok: !error, output: `${stdout}${stderr}`.trim() });
    });
  });
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * The chassis_control program: ipmi_sim runs it through a shell (popen) as `<program> get power`
 * for Get Chassis Status and `<program> set power "0|1"` for Chassis Control. Worked out from
 * OpenIPMI's lanserv/extcmd.c (extcmd_getvals) and bmc_chassis.c, and checked with ipmi_sim 2.0.33:
 * `get` must print `power:<integer>` (`<parm>:<value>` per line) on stdout AND exit 0. A non-zero
 * exit status (e.g. a script ending in `[ ... ] && ...` that is false), a value that is not an
 * integer (`power:on`) or the line on stderr make ipmitool report "Get Chassis Power Status
 * failed: Unspecified error" even though `power:1` was printed; stderr is ignored.
 */
function chassisControlScript(stateFile: string): string {
  return [
    '#!/bin/sh',
    'case "$1" in',
    `  get) echo "power:$(cat '${stateFile}')" ;;`,
    // set carries parameter/value pairs; only power is kept (reset, boot and identify are accepted and ignored).
    `  set) if [ "$2" = power ]; then echo "$3" > '${stateFile}'; fi ;;`,
    'esac',
    'exit 0',
    '',
  ].join('\n');
}

/** Starts ipmi_sim and resolves once it answers ipmitool; fails with a clear message when it cannot. */
export async function startIpmiSim(): Promise<IpmiSim> {
  const dir = mkdtempSync(join(tmpdir(), 'nfvi-ipmi-sim-'));
  const port = await freeUdpPort();
  const powerFile = join(dir, 'power');
  writeFileSync(powerFile, '1\n');
  writeFileSync(join(dir, 'chassis-control'), chassisControlScript(powerFile), { mode: 0o755 });
  writeFileSync(
    join(dir, 'lan.conf'),
    [
      'name "nfvi-test-bmc"',
      'set_working_mc 0x20',
      '  startlan 1',
      `    addr 127.0.0.1 ${port}`,
      '    priv_limit admin',
      ...['callback', 'user', 'operator', 'admin'].map((level) => `    allowed_auths_${level} none md2 md5 straight`),
      // Without a GUID, RMCP+ session setup fails ("Unable to establish IPMI v2 / RMCP+ session").
      '    guid a123456789abcdefa123456789abcdef',
      '  endlan',
      `  chassis_control "${join(dir, 'chassis-control')}"`,
      '  user 2 true "admin" "secret" admin 10 none md2 md5 straight',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'sim.emu'),
    [
      'mc_setbmc 0x20',
      'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr',
      'sel_enable 0x20 1000 0x0a',
      'mc_enable 0x20',
      '',
    ].join('\n'),
  );

  let output = '';
  const child = spawn('ipmi_sim', ['-c', join(dir, 'lan.conf'), '-f', join(dir, 'sim.emu'), '-n', '-s', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const stop = async () => {
    if (child.pid !== undefined && !(await exited(child, 0))) {
      child.kill('SIGTERM');
      if (!(await exited(child, 5000))) child.kill('SIGKILL');
      await exited(child, 5000);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const ipmitoolArgs = [
    '-I',
    'lanplus',
    '-C',
    '3',
    '-H',
    '127.0.0.1',
    '-p',
    String(port),
    '-U',
    'admin',
    '-P',
    'secret',
  ];
  const deadline = Date.now() + 15_000;
  let last = '';
  for (;;) {
    const failure = await Promise.race([spawnError, new Promise<undefined>((r) => setTimeout(r, 200, undefined))]);
    if (failure) {
      await stop();
      throw new Error(
        (failure as NodeJS.ErrnoException).code === 'ENOENT'
          ? `ipmi_sim is not installed: ${INSTALL_HINT}`
          : `ipmi_sim did not start: ${failure.message}`,
      );
    }
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`ipmi_sim exited with status ${child.exitCode}: ${output.trim() || 'no output'}`);
    }
    const probe = await ipmitool([...ipmitoolArgs, 'sel', 'info']);
    if (probe.ok)
      return {
        port,
        username: 'admin',
        password: 'secret',
        chassisPower: () => (readFileSync(powerFile, 'utf8').trim() === '0' ? 'off' : 'on'),
        ipmitoolArgs,
        stop,
      };
    last = probe.output;
    if (last.startsWith('ipmitool is not installed') || Date.now() > deadline) {
      await stop();
      throw new Error(`ipmi_sim on UDP port ${port} did not answer ipmitool: ${last}; ipmi_sim said: ${output.trim()}`);
    }
  }
}

/** Adds one standard event record to the simulated BMC's SEL (IPMI Add SEL Entry, via `ipmitool sel add`). */
export async function addSelEvent(sim: IpmiSim, record: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nfvi-sel-event-'));
  try {
    const file = join(dir, 'event.txt');
    writeFileSync(file, `${record}\n`);
    const added = await ipmitool([...sim.ipmitoolArgs, 'sel', 'add', file]);
    if (!added.ok) throw new Error(`ipmitool sel add failed: ${added.output}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Gives the local stack's fencer these simulated BMCs, by host (the file it reads at each
 * invocation); `forget` takes them back.
 */
export const localBmcs = {
  use(bmcs: Record<string, IpmiSim>): void {
    const hosts = Object.fromEntries(
      Object.entries(bmcs).map(([host, sim]) => [
        host,
        { kind: 'ipmi', address: '127.0.0.1', port: sim.port, username: sim.username, password: sim.password },
      ]),
    );
    writeFileSync(BMC_CREDENTIALS_FILE, JSON.stringify({ hosts }), { mode: 0o600 });
  },
  forget(): void {
    rmSync(BMC_CREDENTIALS_FILE, { force: true });
  },
};
