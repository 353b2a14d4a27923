import { runTool } from '../../platform/run-tool';
import type { CollectorConfig } from '../config';
import { now, type Emit } from '../report';
import { parseSdrElist, sdrSensorState, sdrSensorToDetail } from './ipmi-sdr';
import { clip, parseSelList, selRecordToDetail, type HardwareDetail, type HardwareState } from './ipmi-sel';
import { PollingSource, type Logger, type ToolOptions } from './polling-source';

type IpmiConfig = NonNullable<CollectorConfig['ipmi']>;

const emitHardware = (emit: Emit, detail: HardwareDetail) => emit({ detailType: 'hardware.event', detail });

/**
 * Runs an ipmitool subcommand with the configured interface arguments; a failed run is logged
 * (without the arguments: they may hold the BMC password) and gives nothing.
 */
export async function runIpmitool(
  config: Pick<IpmiConfig, 'command' | 'args'>,
  subcommand: string[],
  intervalS: number,
  logger: Logger,
  { timeoutMs = 60_000 }: ToolOptions = {},
): Promise<string | undefined> {
  const run = await runTool(config.command, [...config.args, ...subcommand], timeoutMs);
  if (run.exitCode === 0) return run.stdout;
  logger.warn(`${config.command} ${subcommand.join(' ')} failed; retrying in ${intervalS} s`, {
    exitCode: run.exitCode,
    error: run.error,
    stderr: clip(run.stderr.trim(), 1000),
  });
  return undefined;
}

/**
 * Watches the BMC through ipmitool: each new SEL entry becomes one report (entries present at
 * start are history and are not replayed); sensors (`sdr elist`) are reported when not ok at
 * start, then on every change of state. A sensor without a reading (`ns`) keeps its last state.
 * The interface arguments are never logged: they may hold the BMC password.
 */
export class IpmiSource extends PollingSource {
  readonly name = 'ipmi';
  private lastSelId: number | undefined;
  private readonly sensorStates = new Map<string, HardwareState>();

  constructor(
    private readonly config: IpmiConfig,
    logger: Logger,
    private readonly options: ToolOptions = {},
  ) {
    super(config.intervalS * 1000, logger);
  }

  protected async poll(emit: Emit): Promise<void> {
    await this.pollSel(emit);
    await this.pollSdr(emit);
  }

  private async pollSel(emit: Emit): Promise<void> {
    const output = await this.ipmitool(['sel', 'elist']);
    if (output === undefined) return;
    const records = parseSelList(output);
    const newest = records.reduce((max, record) => Math.max(max, record.id), 0);
    const last = this.lastSelId;
    this.lastSelId = newest;
    if (last === undefined) return;
    // A newest id below the one remembered means the SEL was cleared: everything in it is new.
    const fresh = newest < last ? records : records.filter((record) => record.id > last);
    for (const record of fresh) emitHardware(emit, selRecordToDetail(record, now()));
  }

  private async pollSdr(emit: Emit): Promise<void> {
    const output = await this.ipmitool(['sdr', 'elist']);
    if (output === undefined) return;
    for (const sensor of parseSdrElist(output)) {
      const state = sdrSensorState(sensor);
      if (!state) continue;
      // Names repeat on some BMCs (several "Temp"): the sensor number and entity make the key unique.
      const key = `${sensor.name}|${sensor.sensorId}|${sensor.entity}`;
      const previous = this.sensorStates.get(key) ?? 'ok';
      this.sensorStates.set(key, state);
      if (state !== previous) emitHardware(emit, sdrSensorToDetail(sensor, state, now()));
    }
  }

  private ipmitool(subcommand: string[]): Promise<string | undefined> {
    return runIpmitool(this.config, subcommand, this.config.intervalS, this.logger, this.options);
  }
}
