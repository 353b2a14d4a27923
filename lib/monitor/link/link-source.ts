import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CollectorConfig } from '../config';
import type { CollectorLogger } from '../logger';
import { now, type Emit, type Source } from '../report';
import { linkFromSysfs, parseIpMonitorLine, type LinkReading } from './ip-monitor';
import { LinkDamper } from './link-damping';

type LinkConfig = NonNullable<CollectorConfig['link']>;

export interface LinkSourceOptions {
  sysClassNet?: string;
  /** The monitor command; iproute2's `ip -o monitor link` by default. */
  monitor?: { command: string; args: string[] };
  restartDelayMs?: number;
}

const readOptional = (path: string) => readFile(path, 'utf8').catch(() => undefined);

/**
 * Link state of the configured interfaces, event-driven: the kernel's netlink messages
 * through `ip -o monitor link`, with a snapshot from /sys/class/net taken once the monitor
 * runs (so no change falls between the two). Flaps are damped per interface.
 */
export class LinkSource implements Source {
  readonly name = 'link';
  private monitor: ChildProcess | undefined;
  private stopped = false;
  private readonly dampers = new Map<string, LinkDamper>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly roles: Map<string, LinkConfig['interfaces'][number]['role']>;
  private emit: Emit = () => undefined;

  constructor(
    config: LinkConfig,
    private readonly logger: CollectorLogger,
    private readonly options: LinkSourceOptions = {},
  ) {
    this.roles = new Map(config.interfaces.map((i) => [i.name, i.role]));
    for (const { name } of config.interfaces) this.dampers.set(name, new LinkDamper(config.damping));
  }

  async start(emit: Emit): Promise<void> {
    this.emit = emit;
    await this.startMonitor();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.monitor?.kill();
  }

  private async startMonitor(): Promise<void> {
    const { command, args } = this.options.monitor ?? { command: 'ip', args: ['-o', 'monitor', 'link'] };
    const monitor = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.monitor = monitor;
    await new Promise<void>((resolve, reject) => {
      monitor.once('spawn', resolve);
      monitor.once('error', reject);
    });
    createInterface({ input: monitor.stdout! }).on('line', (line) => {
      const reading = parseIpMonitorLine(line);
      if (reading) this.observe(reading);
    });
    monitor.stderr!.on('data', (chunk: Buffer) => this.logger.warn('link monitor', { stderr: chunk.toString() }));
    monitor.once('exit', (code, signal) => {
      if (this.stopped) return;
      this.logger.error('link monitor exited; restarting it', { code, signal });
      setTimeout(
        () => void this.startMonitor().catch((error) => this.logger.error('link monitor', { error })),
        this.options.restartDelayMs ?? 1000,
      );
    });
    await this.snapshot();
  }

  private async snapshot(): Promise<void> {
    const base = this.options.sysClassNet ?? '/sys/class/net';
    await Promise.all(
      [...this.roles.keys()].map(async (name) => {
        const [operstate, carrier, flags] = await Promise.all(
          ['operstate', 'carrier', 'flags'].map((file) => readOptional(join(base, name, file))),
        );
        this.observe(linkFromSysfs(name, { operstate, carrier, flags }));
      }),
    );
  }

  private observe(reading: LinkReading): void {
    const damper = this.dampers.get(reading.interface);
    if (!damper) return;
    this.apply(reading.interface, damper.observe(reading, Date.now()));
  }

  private apply(name: string, step: ReturnType<LinkDamper['observe']>): void {
    if (step.send) {
      const role = this.roles.get(name);
      this.emit({
        detailType: 'link.state',
        detail: {
          interface: name,
          state: step.send.state,
          carrier: step.send.carrier,
          ...(role ? { role } : {}),
          observedAt: now(),
        },
      });
    }
    if (step.wakeAt !== undefined && !this.timers.has(name) && !this.stopped) {
      const timer = setTimeout(
        () => {
          this.timers.delete(name);
          this.apply(name, this.dampers.get(name)!.release(Date.now()));
        },
        Math.max(0, step.wakeAt - Date.now()),
      );
      this.timers.set(name, timer);
    }
  }
}
