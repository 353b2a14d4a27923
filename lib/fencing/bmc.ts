import type { FencingMethod } from '../contracts/bus-events';

export type PowerState = 'on' | 'off';

/** How a BMC is spoken to. */
export type BmcMethod = Exclude<FencingMethod, 'manual'>;

/** A host's BMC, as fencing needs it: cut the power, then read back that it is off. */
export interface Bmc {
  readonly method: BmcMethod;
  /** Cuts the power at once (no graceful shutdown); rejects when the BMC refused or did not answer. */
  powerOff(): Promise<void>;
  /** 'off' only once the power is off; a host still powering off reads 'on'. */
  powerState(): Promise<PowerState>;
}

export interface BmcOptions {
  /** Bound of one BMC call: an ipmitool run, or one Redfish HTTP request. */
  timeoutMs: number;
}

export const DEFAULT_BMC_OPTIONS: BmcOptions = { timeoutMs: 15_000 };
