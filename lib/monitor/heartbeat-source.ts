import { readFile } from 'node:fs/promises';
import type { CollectorConfig } from './config';
import type { CollectorLogger } from './logger';
import { now, type Emit, type Source } from './report';

type HeartbeatConfig = NonNullable<CollectorConfig['heartbeat']>;

/**
 * The host's heartbeat: uptime and the kernel's boot id, at start and every intervalS
 * (tens of seconds: heartbeats are not how a dead host is found, its peers do that).
 * A new boot id tells the correlator that the host restarted.
 */
export class HeartbeatSource implements Source {
  readonly name = 'heartbeat';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: HeartbeatConfig,
    private readonly logger: CollectorLogger,
  ) {}

  async start(emit: Emit): Promise<void> {
    const beat = async () => {
      try {
        const [bootId, uptime] = await Promise.all([
          readFile(this.config.bootIdFile, 'utf8'),
          readFile(this.config.uptimeFile, 'utf8'),
        ]);
        const uptimeS = Number.parseFloat(uptime.split(/\s+/)[0] ?? '');
        emit({ detailType: 'host.heartbeat', detail: { bootId: bootId.trim(), uptimeS, observedAt: now() } });
      } catch (error) {
        this.logger.error('heartbeat: cannot read boot id or uptime', { error: (error as Error).message });
      }
    };
    await beat();
    this.timer = setInterval(() => void beat(), this.config.intervalS * 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
  }
}
