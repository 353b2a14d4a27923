import { RecordingQuarantine } from '../../support/correlator-ports';

/** Builders shared by the VIM adapter's unit tests: fault actions, bus events and in-memory ports. */
import { VimError } from '../../../lib/adapters/openstack/vim-error';
import type { FaultImpact } from '../../../lib/contracts/fault-catalogue';
import type { VimAdapterDeps } from '../../../lib/controller/apply-fault-actions';
import type { FaultAction } from '../../../lib/controller/fault-action';
import type { FaultActionStore, MaintenanceReader, VimActionReports, VimActions } from '../../../lib/controller/ports';

export const HOST = 'compute-1';
export const OTHER_HOST = 'compute-2';
const EPOCH = Date.parse('2026-11-25T10:00:00.000Z');

// ---- fault actions (planHost's input) -----------------------------------------------------

/**
 * A fault action of compute-1, by default a host fault confirmed (transition 1) and not yet
 * applied, affecting vm-1 and vm-2.
 */
export function faultAction(changes: Partial<FaultAction> = {}): FaultAction {
  return {
    host: HOST,
    faultKey: 'link:eno1',
    impact: 'host',
    active: true,
    transitionSeq: 1,
    instances: ['vm-1', 'vm-2'],
    appliedSeq: 0,
    attempts: 0,
    ...changes,
  };
}

/** The same fault, its transition applied already. */
export const applied = (action: FaultAction): FaultAction => ({ ...action, appliedSeq: action.transitionSeq });

/** The same fault cleared by the next transition, not yet applied. */
export const clearedAfter = (action: FaultAction): FaultAction => ({
  ...action,
  active: false,
  transitionSeq: action.transitionSeq + 1,
  appliedSeq: action.transitionSeq,
});

// ---- bus events (applyFaultEvent's input) -------------------------------------------------

export interface FaultEventSpec {
  host?: string;
  faultKey?: string;
  impact?: FaultImpact;
  transitionSeq?: number;
  instances?: string[];
}

type BusEvent = { 'detail-type': string; detail: Record<string, unknown> };

function faultFields({
  host = HOST,
  faultKey = 'link:eno1',
  impact = 'host',
  transitionSeq = 1,
  instances = ['vm-1', 'vm-2'],
}: FaultEventSpec) {
  return {
    host,
    faultKey,
    faultType: impact === 'nic' ? 'compute.host.nic.error' : 'compute.host.down',
    impact,
    hostAlarmId: `alarm-${host}-${faultKey}`,
    instances: instances.map((id) => ({ id, tenantId: 'tenant-a', alarmId: `alarm-${id}` })),
    transitionSeq,
    observedAt: new Date(EPOCH + transitionSeq * 1000).toISOString(),
  };
}

/** A FaultConfirmed as the correlator puts it on the bus (a host fault of compute-1 by default). */
export function faultConfirmedEvent(spec: FaultEventSpec = {}): BusEvent {
  const fields = faultFields(spec);
  return {
    'detail-type': 'FaultConfirmed',
    detail: { ...fields, perceivedSeverity: 'CRITICAL', confirmedAt: fields.observedAt },
  };
}

/** A FaultCleared as the correlator puts it on the bus (transition 2 by default). */
export function faultClearedEvent(spec: FaultEventSpec = {}): BusEvent {
  const fields = faultFields({ transitionSeq: 2, ...spec });
  return { 'detail-type': 'FaultCleared', detail: { ...fields, clearedAt: fields.observedAt } };
}

// ---- in-memory ports ------------------------------------------------------------------------

export interface StoredAction extends FaultAction {
  pending: boolean;
}

/** Fault actions in a Map, with the DynamoDB store's rules (conditional record and markApplied). */
export class InMemoryFaultActionStore implements FaultActionStore {
  readonly items = new Map<string, StoredAction>();
  /** While set, `record` waits for it: bookkeeping that is slow to answer (or fails, if it rejects). */
  recordHeld: Promise<void> | undefined;

  async record(action: Omit<FaultAction, 'appliedSeq' | 'attempts'>): Promise<'recorded' | 'not-newer'> {
    await this.recordHeld;
    const stored = this.items.get(key(action.host, action.faultKey));
    if (stored && stored.transitionSeq >= action.transitionSeq) return 'not-newer';
    const { appliedSeq = 0, attempts = 0, pending = false, lastError } = stored ?? {};
    this.items.set(key(action.host, action.faultKey), { ...action, appliedSeq, attempts, pending, lastError });
    return 'recorded';
  }

  async ofHost(host: string): Promise<FaultAction[]> {
    return [...this.items.values()].filter((a) => a.host === host).map((a) => structuredClone(a));
  }

  async markApplied(host: string, completes: { faultKey: string; transitionSeq: number }[]): Promise<void> {
    for (const { faultKey, transitionSeq } of completes) {
      const stored = this.items.get(key(host, faultKey));
      // A newer transition recorded meanwhile stays pending for its own run.
      if (stored?.transitionSeq !== transitionSeq) continue;
      stored.appliedSeq = transitionSeq;
      stored.pending = false;
      delete stored.lastError;
    }
  }

  async markPending(host: string, faultKeys: string[], error: string): Promise<void> {
    for (const faultKey of faultKeys) {
      const stored = this.items.get(key(host, faultKey));
      if (!stored) continue;
      stored.pending = true;
      stored.lastError = error;
      stored.attempts += 1;
    }
  }

  async markFailed(host: string, faultKeys: string[], error: string): Promise<void> {
    for (const faultKey of faultKeys) {
      const stored = this.items.get(key(host, faultKey));
      if (!stored) continue;
      stored.pending = false;
      stored.lastError = error;
      stored.attempts += 1;
    }
  }

  async pendingHosts(): Promise<string[]> {
    return [...new Set([...this.items.values()].filter((a) => a.pending).map((a) => a.host))];
  }

  /** The stored action of a fault; fails the test if there is none. */
  get(host: string, faultKey: string): StoredAction {
    const stored = this.items.get(key(host, faultKey));
    if (!stored) throw new Error(`no fault action stored for ${host} ${faultKey}`);
    return stored;
  }
}

const key = (host: string, faultKey: string) => `${host}#${faultKey}`;

export type VimCall =
  | { action: 'forceDown'; host: string; forcedDown: boolean }
  | { action: 'setPredictedFailure'; host: string; predicted: boolean }
  | { action: 'resetToError'; instanceIds: string[] }
  | { action: 'setDataPlaneStatus'; instanceIds: string[]; status: 'ACTIVE' | 'DOWN' };

/** Records every call in order; `failWith` makes an action fail with the VIM's message until `heal`. */
export class RecordingVim implements VimActions {
  readonly calls: VimCall[] = [];
  private readonly failures = new Map<VimCall['action'], string | Error>();
  private readonly held = new Map<VimCall['action'], Promise<void>>();

  /** Calls of the action are made but not answered until the returned function is called. */
  hold(action: VimCall['action']): () => void {
    let release = () => {};
    this.held.set(action, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.held.delete(action);
      release();
    };
  }

  /** A message fails as a plain (transient) error; pass a VimError for a refusal. */
  failWith(action: VimCall['action'], failure: string | Error): void {
    this.failures.set(action, failure);
  }

  heal(): void {
    this.failures.clear();
  }

  async forceDown(host: string, forcedDown: boolean): Promise<void> {
    await this.answer({ action: 'forceDown', host, forcedDown });
  }

  async setPredictedFailure(host: string, predicted: boolean): Promise<void> {
    await this.answer({ action: 'setPredictedFailure', host, predicted });
  }

  async resetToError(instanceIds: string[]): Promise<{ failed: { id: string; error: unknown }[] }> {
    await this.answer({ action: 'resetToError', instanceIds });
    return { failed: [] };
  }

  async setDataPlaneStatus(instanceIds: string[], status: 'ACTIVE' | 'DOWN'): Promise<void> {
    await this.answer({ action: 'setDataPlaneStatus', instanceIds, status });
  }

  private async answer(call: VimCall): Promise<void> {
    this.calls.push(call);
    await this.held.get(call.action);
    const failure = this.failures.get(call.action);
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(failure);
  }
}

export class FakeMaintenance implements MaintenanceReader {
  readonly hosts = new Set<string>();
  async inMaintenance(host: string): Promise<boolean> {
    return this.hosts.has(host);
  }
}

/** The adapter's reports on the bus, in order. */
export class RecordingReports implements VimActionReports {
  readonly emitted: { detailType: 'VimActionsApplied'; detail: unknown }[] = [];
  async emit(event: { detailType: 'VimActionsApplied'; detail: unknown }): Promise<void> {
    this.emitted.push(event);
  }
}

/** A clock that moves 10 ms on every reading, so that later points in time read later. */
export function steppingClock(from = EPOCH + 60_000): () => Date {
  let readings = 0;
  return () => new Date(from + 10 * readings++);
}

export interface VimAdapter {
  store: InMemoryFaultActionStore;
  vim: RecordingVim;
  maintenance: FakeMaintenance;
  reports: RecordingReports;
  quarantine: RecordingQuarantine;
  deps: VimAdapterDeps;
}

export function vimAdapter(options: { disableOnPrediction?: boolean } = {}): VimAdapter {
  const store = new InMemoryFaultActionStore();
  const vim = new RecordingVim();
  const maintenance = new FakeMaintenance();
  const reports = new RecordingReports();
  const quarantine = new RecordingQuarantine();
  return {
    store,
    vim,
    maintenance,
    reports,
    quarantine,
    deps: {
      store,
      quarantine,
      vim,
      maintenance,
      reports,
      disableOnPrediction: options.disableOnPrediction ?? false,
      permanent: (error) => error instanceof VimError && !error.transient,
      clock: steppingClock(),
    },
  };
}
