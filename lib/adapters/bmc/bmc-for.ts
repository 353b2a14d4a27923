import { DEFAULT_BMC_OPTIONS, type Bmc, type BmcOptions } from '../../fencing/bmc';
import type { BmcEntry } from './bmc-credentials';
import { IpmiBmc } from './ipmi-bmc';
import { RedfishBmc } from './redfish-bmc';

/** The client for a host's entry in the BMC credentials. */
export function bmcFor(entry: BmcEntry, options: BmcOptions = DEFAULT_BMC_OPTIONS): Bmc {
  return entry.kind === 'ipmi' ? new IpmiBmc(entry, options) : new RedfishBmc(entry, options);
}
