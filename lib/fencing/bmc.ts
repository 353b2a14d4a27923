import type { BmcEntry } from './bmc-credentials';
import type { BmcMethod } from './bmc-error';
import { IpmiBmc } from './ipmi-bmc';
import { RedfishBmc } from './redfish-bmc';

export type PowerState = 'on' | 'off';

/** A host's BMC, as fencing needs it: cut the power, then read back that it is off. */
export interface Bmc {
  readonly method: BmcMethod;
  /** Cuts the power at once (no graceful shutdown); rejects with BmcError. */
  powerOff(): Promise<void>;
  /** 'off' only once the power is off; a host still powering off reads 'on'. */
  powerState(): Promise<PowerState>;
}

export interface BmcOptions {
  /** Bound of one BMC call: an ipmitool run, or one Redfish HTTP request. */
  timeoutMs: number;
}

export const DEFAULT_BMC_OPTIONS: BmcOptions = { timeoutMs: 15_000 };

/** The client for a host's entry in the BMC credentials. */
export function bmcFor(entry: BmcEntry, options: BmcOptions = DEFAULT_BMC_OPTIONS): Bmc {
  return entry.kind === 'ipmi' ? new IpmiBmc(entry, options) : new RedfishBmc(entry, options);
}
