import { runTool } from '../../platform/run-tool';
import type { CollectorConfig } from '../config';
import { now, type Emit } from '../report';
import { clip, type HardwareState } from './ipmi-sel';
import { PollingSource, type Logger, type ToolOptions } from './polling-source';
import { readSmartctl, smartctlDetail, type SmartctlOutput } from './smartctl';

type SmartConfig = NonNullable<CollectorConfig['smart']>;

/** Runs `smartctl --json -a` for one device; a run whose output cannot be used is logged and gives nothing. */
export async function runSmartctl(
  command: string,
  device: string,
  timeoutMs: number,
  logger: Logger,
): Promise<SmartctlOutput | undefined> {
  const run = await runTool(command, ['--json', '-a', device], timeoutMs);
  const result =
    run.exitCode === null
      ? ({ ok: false, reason: run.error ?? `${command} failed` } as const)
      : readSmartctl(device, run.stdout);
  if (result.ok) return result.output;
  logger.warn(`${command} gave nothing usable for ${device}; retrying next interval`, {
    reason: result.reason,
    exitCode: run.exitCode,
    stderr: clip(run.stderr.trim(), 1000),
  });
  return undefined;
}

/**
 * Polls `smartctl --json -a` for each configured device, one after the other so that a slow disk
 * delays the others instead of piling up. A device is reported when it is not ok at start, then
 * on every change of state; a run whose output cannot be read is logged and changes nothing.
 */
export class SmartSource extends PollingSource {
  readonly name = 'smart';
  private readonly states = new Map<string, HardwareState>();

  constructor(
    private readonly config: SmartConfig,
    logger: Logger,
    private readonly options: ToolOptions = {},
  ) {
    super(config.intervalS * 1000, logger);
  }

  protected async poll(emit: Emit): Promise<void> {
    const { command, devices } = this.config;
    const { timeoutMs = 60_000 } = this.options;
    for (const device of devices) {
      const output = await runSmartctl(command, device, timeoutMs, this.logger);
      if (!output) continue;
      const detail = smartctlDetail(device, output, now());
      const previous = this.states.get(device) ?? 'ok';
      this.states.set(device, detail.state);
      if (detail.state !== previous) emit({ detailType: 'hardware.event', detail });
    }
  }
}
