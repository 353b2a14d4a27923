import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invokeFunction } from '../../infra/local/invoke-function';
import { localEnvironment } from '../../infra/local/local-env';
import { isListening, PROJECT_ROOT, STATE_DIR } from '../../infra/local/stack';
import { COLLECTOR_SOURCE } from '../../lib/contracts/bus-events';
import { portVariables, type LocalPorts } from '../../lib/platform/local-stack/local-endpoints';
import { stageNames } from '../../lib/platform/stage-names';
import { seeded } from '../support/seeded-random';
import { sleep } from '../support/world';
import { portsMovedBy } from './own-stack';
import { expectThat, until, type Scenario } from './scenario';

/** `npm start` here runs beside the usual stack, on ports moved by this much. */
const PORT_OFFSET = 300;
const SCHEDULED = ['vimRetry', 'correlatorSweeper', 'maintenanceSweeper', 'recoverySweeper'];

type When = 'starting' | 'demo' | 'burst';
interface Try {
  signal: NodeJS.Signals;
  when: When;
  /** A second SIGINT while stopping, as a runner that re-sends it does. */
  twice?: boolean;
}

const TRIES: Record<'full' | 'ci', Try[]> = {
  full: [
    { signal: 'SIGINT', when: 'starting' },
    { signal: 'SIGINT', when: 'demo' },
    { signal: 'SIGINT', when: 'burst', twice: true },
    { signal: 'SIGTERM', when: 'burst' },
    { signal: 'SIGHUP', when: 'demo' },
    { signal: 'SIGKILL', when: 'starting' },
    { signal: 'SIGKILL', when: 'burst' },
  ],
  ci: [
    { signal: 'SIGINT', when: 'burst', twice: true },
    { signal: 'SIGKILL', when: 'burst' },
  ],
};

/**
 * 8. Its own start and stop. `npm start` (VIM=none), stopped by SIGINT (once or twice), SIGTERM or
 * SIGHUP, or killed by SIGKILL, while its stack starts, while the demo runs or in the middle of a
 * burst of events: no process of it is left and no port stays held. Meanwhile a second `npm start`
 * from another checkout on the same ports says whose stack holds them and stops; and with no VIM,
 * no function logs an error, the scheduled ones included.
 */
export const startStop: Scenario = {
  id: 'start-stop',
  title: 'Its own start and stop',
  proves:
    '`npm start` stopped by any signal, SIGKILL included, leaves no process and no port behind; another checkout never reuses its stack; with VIM=none nothing logs an error',
  async run(scale) {
    const ports = portsMovedBy(PORT_OFFSET);
    const stateDir = join(STATE_DIR, 'start-stop');
    const failures: string[] = [];
    const outcomes: string[] = [];
    const random = seeded(8);
    let otherCheckout = 'not tried';
    let vimNoneErrors = -1;
    for (const attempt of TRIES[scale]) {
      rmSync(stateDir, { recursive: true, force: true });
      const run = npmStart(PROJECT_ROOT, ports, stateDir);
      try {
        await run.waitFor(/Starting the local stack/, 120_000);
        if (attempt.when !== 'starting') {
          await run.waitFor(attempt.when === 'demo' ? /Injecting a host fault/ : /The stack is running/, 300_000);
        }
        if (otherCheckout === 'not tried' && attempt.when === 'burst') {
          otherCheckout = await secondCheckout(ports, stateDir);
          vimNoneErrors = await errorsWithoutVim(ports, stateDir);
        }
        const burst = attempt.when === 'burst' ? startBurst(ports) : undefined;
        await sleep(attempt.when === 'starting' ? Math.floor(random() * 15_000) : 500 + Math.floor(random() * 1500));
        run.signal(attempt.signal);
        if (attempt.twice) {
          await sleep(300);
          run.signal(attempt.signal);
        }
        const exited = await run.exited(60_000);
        burst?.stop();
        const clean = await until(
          async () => (await heldPorts(ports)).length === 0 && leftovers(stateDir).length === 0,
          20_000,
          250,
        );
        const held = await heldPorts(ports);
        const left = leftovers(stateDir);
        const what = `${attempt.signal}${attempt.twice ? ' twice' : ''} ${attempt.when === 'starting' ? 'while starting' : attempt.when === 'demo' ? 'during the demo' : 'during a burst'}`;
        outcomes.push(`${what}: ${clean ? 'clean' : `${held.length} ports held, ${left.length} processes left`}`);
        expectThat(failures, exited, `${what}: npm start did not exit within 60 s`);
        expectThat(
          failures,
          clean,
          `${what}: ports ${held.join(', ')} still held and ${left.length} processes left (${left.slice(0, 2).join('; ')})`,
        );
      } finally {
        run.signal('SIGKILL');
        await run.exited(10_000);
      }
    }
    expectThat(failures, otherCheckout === 'refused', `a second checkout's npm start ${otherCheckout}`);
    expectThat(failures, vimNoneErrors === 0, `with VIM=none the functions logged ${vimNoneErrors} errors`);
    rmSync(stateDir, { recursive: true, force: true });
    return {
      figures: {
        tries: outcomes.join('; '),
        'second checkout': otherCheckout,
        'errors logged with VIM=none': vimNoneErrors,
      },
      failures,
    };
  },
};

interface Run {
  waitFor(line: RegExp, timeoutMs: number): Promise<void>;
  signal(signal: NodeJS.Signals): void;
  exited(timeoutMs: number): Promise<boolean>;
  output(): string;
  exitCode(): number | null;
}

/** `npm start` in a checkout, VIM=none, on the given ports and state directory, in a process group of its own (as a terminal runs it). */
function npmStart(checkout: string, ports: LocalPorts, stateDir: string): Run {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // This process's own settings point at the usual stack: the child sets its own.
  for (const name of Object.keys(localEnvironment())) delete env[name];
  const child: ChildProcess = spawn('npm', ['start'], {
    cwd: checkout,
    env: { ...env, ...portVariables(ports), VIM: 'none', NFVI_VIM: 'none', NFVI_LOCAL_STATE: stateDir },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    async waitFor(line, timeoutMs) {
      if (!(await until(() => line.test(output) || !running(), timeoutMs, 100)) || !line.test(output)) {
        throw new Error(`npm start never printed ${line}:\n${output.split('\n').slice(-15).join('\n')}`);
      }
    },
    signal(signal) {
      try {
        process.kill(-(child.pid as number), signal);
      } catch {
        // the group is gone
      }
    },
    exited: (timeoutMs) => Promise.race([done.then(() => true), sleep(timeoutMs).then(() => !running())]),
    output: () => output,
    exitCode: () => child.exitCode,
  };
}

/**
 * While this run's stack is up, `npm start` from another checkout (a git worktree of this one)
 * on the same ports: it must say whose stack holds them and stop, leaving this one running.
 */
async function secondCheckout(ports: LocalPorts, stateDir: string): Promise<string> {
  const checkout = mkdtempSync(join(tmpdir(), 'nfvi-second-checkout-'));
  rmSync(checkout, { recursive: true });
  const added = spawnSync('git', ['worktree', 'add', '--detach', checkout, 'HEAD'], { cwd: PROJECT_ROOT });
  if (added.status !== 0) return `could not be tried (git worktree: ${added.stderr.toString().trim()})`;
  try {
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(checkout, 'node_modules'));
    const other = npmStart(checkout, ports, `${stateDir}-other`);
    if (!(await other.exited(120_000))) {
      other.signal('SIGKILL');
      return 'kept running';
    }
    const saidWhose = other.output().includes(`another checkout (${PROJECT_ROOT})`);
    const stillOurs = (await heldPorts(ports)).length === Object.keys(ports).length;
    if (other.exitCode() === 0) return 'exited 0';
    if (!saidWhose)
      return `stopped without saying whose stack it is: ${other.output().split('\n').slice(-3).join(' ')}`;
    return stillOurs ? 'refused' : "refused, but this checkout's stack went down";
  } finally {
    spawnSync('git', ['worktree', 'remove', '--force', checkout], { cwd: PROJECT_ROOT });
    rmSync(`${stateDir}-other`, { recursive: true, force: true });
  }
}

/** With VIM=none: the scheduled functions run once more, then the errors the functions logged are counted. */
async function errorsWithoutVim(ports: LocalPorts, stateDir: string): Promise<number> {
  for (const name of SCHEDULED) await invokeFunction(name, ports).catch(() => undefined);
  await sleep(1000);
  const log = join(stateDir, 'offline.log');
  if (!existsSync(log)) return Number.NaN;
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"level":"ERROR"') || /\bUnhandled\b|errorType/.test(line)).length;
}

/** Collector events put on the run's bus as fast as it takes them, until stopped. */
function startBurst(ports: LocalPorts): { stop(): void } {
  const bus = new EventBridgeClient({
    endpoint: `http://127.0.0.1:${ports.eventBridge}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let going = true;
  let seq = 0;
  void (async () => {
    while (going) {
      const entries = Array.from({ length: 10 }, (_, i) => ({
        EventBusName: stageNames('local').eventBus,
        Source: COLLECTOR_SOURCE,
        DetailType: 'link.state',
        Detail: JSON.stringify({
          host: `burst-h${i}`,
          collectorId: `burst-c${i}`,
          seq: ++seq,
          observedAt: new Date().toISOString(),
          interface: 'eth1',
          role: 'data',
          state: seq % 2 ? 'down' : 'up',
          carrier: seq % 2 === 0,
        }),
      }));
      await bus.send(new PutEventsCommand({ Entries: entries })).catch(() => sleep(100));
    }
  })();
  return {
    stop() {
      going = false;
      bus.destroy();
    },
  };
}

/** The run's ports that something still listens on. */
async function heldPorts(ports: LocalPorts): Promise<number[]> {
  const all = Object.values(ports);
  const listening = await Promise.all(all.map(isListening));
  return all.filter((_, i) => listening[i]);
}

/** Processes still running from the run: they carry its state directory in their environment. */
function leftovers(stateDir: string): string[] {
  const mark = `NFVI_LOCAL_STATE=${stateDir}\0`;
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid) && Number(pid) !== process.pid)
    .flatMap((pid) => {
      try {
        if (!readFileSync(`/proc/${pid}/environ`, 'latin1').includes(mark)) return [];
        return [`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').slice(0, 120)}`];
      } catch {
        return [];
      }
    });
}
