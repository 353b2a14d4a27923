import type { Bmc, BmcOptions, PowerState } from '../../fencing/bmc';
import { runTool } from '../../platform/run-tool';
import type { IpmiBmcEntry } from './bmc-credentials';
import { BmcError, type BmcFailure } from './bmc-error';

// ipmitool's reasons for a refused session (printed with -v; without it every failure reads
// "Unable to establish IPMI v2 / RMCP+ session"): wrong password or user, privilege, cipher suite.
const REFUSED =
  /RAKP \d HMAC is invalid|unauthorized name|invalid integrity check value|unauthorized role|invalid role|insufficient privilege|no cipher suite match/i;

/** The last lines of ipmitool's output on one line, where its error is. */
function lastLines(output: string): string {
  const text = output
    .split('\n')
    .map((line) => line.trim())
    // -v's first line, noise
    .filter((line) => line && line !== 'Loading IANA PEN Registry...')
    .join(' / ');
  return (text.length <= 500 ? text : `…${text.slice(-499)}`) || '(no output)';
}

/** A BMC over IPMI 2.0 (RMCP+), driven through ipmitool. */
export class IpmiBmc implements Bmc {
  readonly method = 'ipmi';

  constructor(
    private readonly entry: IpmiBmcEntry,
    private readonly options: BmcOptions,
  ) {}

  async powerOff(): Promise<void> {
    await this.chassisPower('off', 'power off');
  }

  async powerState(): Promise<PowerState> {
    const stdout = await this.chassisPower('status', 'power status');
    const state = /Chassis Power is (on|off)/.exec(stdout)?.[1] as PowerState | undefined;
    if (!state) throw this.error('power status', `unexpected ipmitool output: ${lastLines(stdout)}`, false);
    return state;
  }

  private async chassisPower(verb: 'off' | 'status', operation: BmcFailure['operation']): Promise<string> {
    const { ipmitool, cipherSuite, address, port, username, password } = this.entry;
    const args = ['-v', '-I', 'lanplus', '-C', String(cipherSuite), '-H', address, '-p', String(port), '-U', username];
    // -E takes the password from the environment, so it is neither in the process list nor in an error;
    // an inherited IPMITOOL_PASSWORD would win over IPMI_PASSWORD, so it is dropped.
    const env = { ...process.env, IPMITOOL_PASSWORD: undefined, IPMI_PASSWORD: password };
    const run = await runTool(ipmitool, [...args, '-E', 'chassis', 'power', verb], this.options.timeoutMs, env);
    if (run.exitCode === 0) return run.stdout;
    if (run.exitCode === null)
      // A timeout or a kill may pass; a tool that cannot be started (ENOENT, EACCES) will not.
      throw this.error(operation, run.error ?? 'ipmitool did not run', /timed out|killed by/.test(run.error ?? ''));
    const detail = `ipmitool exited with status ${run.exitCode}: ${lastLines(run.stderr)}`;
    throw this.error(operation, detail, !REFUSED.test(run.stderr));
  }

  private error(operation: BmcFailure['operation'], detail: string, transient: boolean): BmcError {
    const { address, port, password } = this.entry;
    return new BmcError({ method: 'ipmi', bmc: `${address}:${port}`, operation, detail, transient, password });
  }
}
