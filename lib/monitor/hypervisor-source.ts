import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CollectorConfig } from './config';
import type { CollectorLogger } from './logger';
import { now, type Emit, type Source } from './report';

type HypervisorConfig = NonNullable<CollectorConfig['hypervisor']>;

/** The kernel keeps 15 characters of a process name in /proc/<pid>/comm. */
const COMM_LENGTH = 15;

/** Names of the running processes, from /proc/<pid>/comm. */
async function runningProcessNames(procDir: string): Promise<Set<string>> {
  const entries = await readdir(procDir);
  const names = await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map((pid) => readFile(join(procDir, pid, 'comm'), 'utf8').catch(() => undefined)),
  );
  return new Set(names.filter((name): name is string => name !== undefined).map((name) => name.trim()));
}

/**
 * Hypervisor liveness: whether libvirtd, nova-compute (or whatever is configured) runs,
 * checked every intervalMs; reported at start and on every change.
 */
export class HypervisorSource implements Source {
  readonly name = 'hypervisor';
  private timer: NodeJS.Timeout | undefined;
  private readonly last = new Map<string, 'up' | 'down'>();

  constructor(
    private readonly config: HypervisorConfig,
    private readonly logger: CollectorLogger,
  ) {}

  async start(emit: Emit): Promise<void> {
    const check = async () => {
      const running = await runningProcessNames(this.config.procDir);
      for (const process of this.config.processes) {
        const state = running.has(process.slice(0, COMM_LENGTH)) ? 'up' : 'down';
        if (this.last.get(process) === state) continue;
        this.last.set(process, state);
        emit({ detailType: 'hypervisor.state', detail: { process, state, observedAt: now() } });
      }
    };
    await check();
    this.timer = setInterval(
      () =>
        void check().catch((error) =>
          this.logger.error('hypervisor: cannot list processes', { error: (error as Error).message }),
        ),
      this.config.intervalMs,
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
  }
}
