import type { BmcMethod } from '../../fencing/bmc';

export interface BmcFailure {
  method: BmcMethod;
  /** Where the BMC is (address:port or base URL), never with credentials. */
  bmc: string;
  operation: 'power off' | 'power status';
  detail: string;
  /** May succeed on retry: no answer, a timeout, a BMC-side 5xx. */
  transient: boolean;
  /** Scrubbed from the message: BMCs and tools may echo what they were sent. */
  password: string;
}

/** A failed BMC call; its message never carries the BMC password. */
export class BmcError extends Error {
  readonly method: BmcMethod;
  readonly bmc: string;
  readonly operation: BmcFailure['operation'];
  readonly transient: boolean;

  constructor({ method, bmc, operation, detail, transient, password }: BmcFailure) {
    const message = `${method} BMC ${bmc}: ${operation} failed: ${detail}`;
    super(password ? message.replaceAll(password, '***') : message);
    this.name = 'BmcError';
    this.method = method;
    this.bmc = bmc;
    this.operation = operation;
    this.transient = transient;
  }
}
