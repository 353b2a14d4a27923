import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { localPorts, type LocalPorts } from '../../lib/platform/local-stack/local-endpoints';
import { localEnvironment } from './local-env';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
const STATE_DIR = join(PROJECT_ROOT, '.local');

export interface LocalStack {
  ports: LocalPorts;
  /** True when a stack was already running (e.g. `npm start` in another terminal) and is reused. */
  reused: boolean;
  logFile: string;
  stop(): Promise<void>;
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

// The SNS certificate endpoint too: without it, signed deliveries cannot be verified.
const stackPorts = (ports: LocalPorts) => [
  ports.dynamodb,
  ports.sns,
  ports.snsCertificate,
  ports.eventBridge,
  ports.lambda,
];

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const exited = (child: ChildProcess) =>
  new Promise<void>((done) =>
    child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done()),
  );

/** Signals the whole process group: serverless-offline and the DynamoDB Local JVM it started. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const group = -(child.pid as number);
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(group, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  // An unref'd timer: waiting for the grace period must not keep the caller alive.
  await Promise.race([exited(child), new Promise((r) => setTimeout(r, 5000).unref())]);
  signal('SIGKILL');
  await exited(child);
}

/**
 * Starts the local stack: serverless-offline (stage "local") with DynamoDB Local (tables from
 * serverless.yml), the offline SNS and the offline EventBridge, or reuses one that is running.
 */
export async function startLocalStack(options: { timeoutMs?: number } = {}): Promise<LocalStack> {
  const ports = localPorts();
  const logFile = join(STATE_DIR, 'offline.log');
  const listening = await Promise.all(stackPorts(ports).map(isListening));
  if (listening.every(Boolean)) return { ports, reused: true, logFile, stop: async () => undefined };
  const busy = stackPorts(ports).filter((_, i) => listening[i]);
  if (busy.length > 0) {
    throw new Error(`ports ${busy.join(', ')} are in use by something other than a complete nfvi-doctor local stack`);
  }

  mkdirSync(STATE_DIR, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      const child = await launch(ports, logFile, options.timeoutMs ?? 120_000);
      return { ports, reused: false, logFile, stop: () => stopGroup(child) };
    } catch (error) {
      // serverless-offline-aws-eventbridge 2.2.4 schedules its crons before it creates its
      // Lambdas: a minute starting in between crashes it ("Lambda not present"). Start again.
      if (attempt >= 3 || !(error instanceof StackExited) || !/Lambda not present/.test(error.message)) throw error;
    }
  }
}

class StackExited extends Error {}

async function launch(ports: LocalPorts, logFile: string, timeoutMs: number): Promise<ChildProcess> {
  const log = openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [join(PROJECT_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), 'offline', 'start', '--stage', 'local'],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...localEnvironment(ports), SLS_TELEMETRY_DISABLED: '1' },
      detached: true,
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.all(stackPorts(ports).map(isListening))).every(Boolean)) {
    if (child.exitCode !== null) {
      // Its emulators (DynamoDB Local's JVM) may outlive it and hold their ports.
      await stopGroup(child);
      throw new StackExited(`the local stack exited (${child.exitCode}):\n${tail(logFile)}`);
    }
    if (Date.now() > deadline) {
      await stopGroup(child);
      throw new Error(`the local stack did not start in time:\n${tail(logFile)}`);
    }
    await sleep(250);
  }
  return child;
}
