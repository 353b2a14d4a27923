import type { CollectorLogger } from '../logger';
import type { Emit, Source } from '../report';

/** What the hardware sources need of the daemon's logger. */
export type Logger = Pick<CollectorLogger, 'warn'>;

export type ToolOptions = {
  /** A run taking longer is killed and counts as failed. */
  timeoutMs?: number;
};

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
