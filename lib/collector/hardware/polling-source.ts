import { execFile } from 'node:child_process';
import type { CollectorLogger } from '../logger';
import type { Emit, Source } from '../report';

/** What the hardware sources need of the daemon's logger. */
export type Logger = Pick<CollectorLogger, 'warn'>;

export type ToolOptions = {
  /** A run taking longer is killed and counts as failed. */
  timeoutMs?: number;
};

/** How a tool run ended. exitCode is null when the tool did not exit by itself (not found, timed out); error says why. */
export type ToolRun = { stdout: string; stderr: string; exitCode: number | null; error?: string };

/** Runs a tool without a shell; never rejects, so a failed run cannot take the daemon down. */
export function runTool(command: string, args: string[], timeoutMs: number): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr, exitCode: 0 });
      const { code, killed, signal } = error;
      if (typeof code === 'number') return resolve({ stdout, stderr, exitCode: code });
      // error.message repeats the command line, which can hold a BMC password: describe the failure without it.
      const reason = killed ? `timed out after ${timeoutMs} ms` : signal ? `killed by ${signal}` : `failed (${code})`;
      resolve({ stdout, stderr, exitCode: null, error: `${command} ${reason}` });
    });
  });
}

/** Polls a tool every interval without overlapping runs; `stop` waits for the run under way. */
export abstract class PollingSource implements Source {
  abstract readonly name: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly intervalMs: number,
    protected readonly logger: Logger,
  ) {}

  /** Resolves after the first poll, so the source's baseline is known when the daemon reports it started. */
  async start(emit: Emit): Promise<void> {
    this.stopped = false;
    await this.pollSafely(emit);
    this.schedule(emit);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  protected abstract poll(emit: Emit): Promise<void>;

  private schedule(emit: Emit): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pollSafely(emit).finally(() => this.schedule(emit));
    }, this.intervalMs);
  }

  private async pollSafely(emit: Emit): Promise<void> {
    try {
      await this.poll(emit);
    } catch (error) {
      this.logger.warn(`${this.name} poll failed; retrying next interval`, { error: (error as Error).message });
    }
  }
}
