import type { CollectorConfig } from '../config';
import { now, type Emit } from '../report';
import { PollingSource, runTool, type Logger, type ToolOptions } from './polling-source';
import { clip, type HardwareState } from './ipmi-sel';
import { parseSmartctl } from './smartctl';

type SmartConfig = NonNullable<CollectorConfig['smart']>;

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
      const run = await runTool(command, ['--json', '-a', device], timeoutMs);
      const result =
        run.exitCode === null
          ? ({ ok: false, reason: run.error ?? `${command} failed` } as const)
          : parseSmartctl(device, run.stdout, now());
      if (!result.ok) {
        this.logger.warn(`${command} gave nothing usable for ${device}; retrying next interval`, {
          reason: result.reason,
          exitCode: run.exitCode,
          stderr: clip(run.stderr.trim(), 1000),
        });
        continue;
      }
      const previous = this.states.get(device) ?? 'ok';
      this.states.set(device, result.detail.state);
      if (result.detail.state !== previous) emit({ detailType: 'hardware.event', detail: result.detail });
    }
  }
}
