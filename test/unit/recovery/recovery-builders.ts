/** Builders shared by the fencing and recovery unit tests: a host's death, a clock that sleeps, in-memory ports. */

import { PEERS_FAULT_KEY } from '../../../lib/inspector/peer-quorum';
import type { PeerVoteStore } from '../../../lib/inspector/ports';
import type { Caller } from '../../../lib/platform/auth/keystone-authorizer';

import { BmcError } from '../../../lib/adapters/bmc/bmc-error';
import { type Bmc, type BmcMethod, type PowerState } from '../../../lib/fencing/bmc';
import type { FencerDeps } from '../../../lib/fencing/fence-host';
import { type FenceRecord } from '../../../lib/fencing/fencing';
import { ConcurrentFencingError, type FenceStore, type FencingEvents } from '../../../lib/fencing/ports';
import {
  ConcurrentRecoveryError,
  type ActionFailure,
  type DeadHostFacts,
  type RecoveryKey,
  type RecoveryPolicyStore,
  type RecoveryStore,
  type RecoveryVim,
} from '../../../lib/recovery/ports';
import type { Recovery } from '../../../lib/recovery/recovery';
import type { DeadHostInstance, RecoverySettings, ServerNow } from '../../../lib/recovery/recovery-decisions';
import type { PolicyDefaults, RecoveryPolicyName, TenantPolicy } from '../../../lib/recovery/recovery-policy';
import { RecoveryWorkflow, type RecoveryWorkflowDeps } from '../../../lib/recovery/recovery-workflow';
import { RecordingQuarantine } from '../../support/correlator-ports';
import { FakeMaintenance, faultConfirmedEvent } from '../controller/vim-builders';
import { HOST, secondsAfterEpoch } from '../inspector/builders';

import { faultConfirmed, type FaultConfirmed, type FencingEvent } from '../../../lib/contracts/bus-events';
import { type PeerVote } from '../../../lib/inspector/fault-signal';
import { type Notifier, type Publication } from '../../../lib/notifier/ports';
export { HOST, secondsAfterEpoch };
export const OTHER_HOST = 'compute-2';

// ---- time ----------------------------------------------------------------------------------

/** A clock the test moves, and a sleep that moves it: waiting takes no real time. */
export class FakeClock {
  now: Date;
  readonly sleeps: number[] = [];

  constructor(secondsAfter: number) {
    this.now = new Date(secondsAfterEpoch(secondsAfter));
  }

  readonly clock = (): Date => new Date(this.now);

  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.now = new Date(this.now.getTime() + ms);
  };

  /** Moves the clock to `seconds` after the tests' epoch. */
  at(seconds: number): void {
    this.now = new Date(secondsAfterEpoch(seconds));
  }

  iso(): string {
    return this.now.toISOString();
  }
}

// ---- a host's death --------------------------------------------------------------------------

/** The host alarm of compute-1's death, as vim-builders names it. */
export const DEATH_ALARM = `alarm-${HOST}-${PEERS_FAULT_KEY}`;

/** compute-1's host-down confirmed by its peers' quorum, 1 s after the epoch. */
export function hostDeath(changes: Partial<FaultConfirmed> = {}): FaultConfirmed {
  return { ...faultConfirmed.parse(faultConfirmedEvent({ faultKey: PEERS_FAULT_KEY }).detail), ...changes };
}

/** The FaultConfirmed on the bus for that death. */
export const hostDeathEvent = (changes: Partial<FaultConfirmed> = {}) => ({
  source: 'nfvi.correlator',
  'detail-type': 'FaultConfirmed' as const,
  detail: hostDeath(changes),
});

// ---- fencing -------------------------------------------------------------------------------

/** One observer's vote on compute-1, observed at `seconds` after the epoch. */
export const peerVote = (observer: string, reachable: boolean, seconds = 1): PeerVote => ({
  host: HOST,
  observer,
  reachable,
  lossPct: reachable ? 0 : 100,
  rttMs: reachable ? 0.4 : null,
  observation: { collectorId: `collector-${observer}`, seq: seconds, observedAt: secondsAfterEpoch(seconds) },
});

/** Two of compute-1's three watchers do not reach it: a quorum. */
export const quorumDown = (seconds = 1): PeerVote[] => [
  peerVote('compute-2', false, seconds),
  peerVote('compute-3', false, seconds),
  peerVote('compute-4', true, seconds),
];

/** The observers reach compute-1 again. */
export const quorumLost = (seconds = 1): PeerVote[] => [
  peerVote('compute-2', true, seconds),
  peerVote('compute-3', true, seconds),
  peerVote('compute-4', true, seconds),
];

/** Stored votes, as the fencer reads them. */
export class StoredVotes implements Pick<PeerVoteStore, 'votes'> {
  constructor(public current: PeerVote[] = quorumDown()) {}
  async votes(host: string): Promise<PeerVote[]> {
    return this.current.filter((vote) => vote.host === host);
  }
}

/** A fencing record of compute-1's death, FENCING since 1 s after the epoch by default. */
export const fenceRecordOf = (changes: Partial<FenceRecord> = {}): FenceRecord => ({
  host: HOST,
  hostAlarmId: DEATH_ALARM,
  state: 'FENCING',
  attempts: 0,
  startedAt: secondsAfterEpoch(1),
  version: 1,
  ...changes,
});

/** Fencing records in a Map, with the store's rule: a write succeeds only on the version it read. */
export class InMemoryFenceStore implements FenceStore {
  readonly records = new Map<string, FenceRecord>();
  /** Every record written, in order. */
  readonly saved: FenceRecord[] = [];
  private beforeNextSave: (() => Promise<void>) | undefined;

  /** Runs `competitor` between the next save's read and its write, as a concurrent fencer would. */
  interleave(competitor: () => Promise<void>): void {
    this.beforeNextSave = competitor;
  }

  async get(host: string): Promise<FenceRecord | undefined> {
    const record = this.records.get(host);
    return record && structuredClone(record);
  }

  async save(record: FenceRecord, expectedVersion: number | undefined): Promise<void> {
    const competitor = this.beforeNextSave;
    this.beforeNextSave = undefined;
    await competitor?.();
    if (this.records.get(record.host)?.version !== expectedVersion) throw new ConcurrentFencingError(record.host);
    this.records.set(record.host, structuredClone(record));
    this.saved.push(structuredClone(record));
  }

  /** The record of compute-1; fails the test if there is none. */
  record(host = HOST): FenceRecord {
    const record = this.records.get(host);
    if (!record) throw new Error(`no fencing record of ${host}`);
    return record;
  }
}

export interface BmcScript {
  /** The power state before any command. */
  initially?: PowerState;
  /** The read after a power-off on which the power reads off at last (1: the first); Infinity: never. */
  offOnRead?: number;
  /** How many calls fail with a BmcError before the BMC answers. */
  failures?: number;
}

/** A BMC that plays a script, recording every call with the clock's time. */
export class ScriptedBmc implements Bmc {
  readonly calls: { call: 'powerOff' | 'powerState'; at: string }[] = [];
  private power: PowerState;
  private readsSincePowerOff = 0;
  private commanded = false;
  private failures: number;

  constructor(
    private readonly clock: FakeClock,
    private readonly script: BmcScript = {},
    readonly method: BmcMethod = 'ipmi',
  ) {
    this.power = script.initially ?? 'on';
    this.failures = script.failures ?? 0;
  }

  async powerOff(): Promise<void> {
    this.answer('powerOff', 'power off');
    this.commanded = true;
    this.readsSincePowerOff = 0;
  }

  async powerState(): Promise<PowerState> {
    this.answer('powerState', 'power status');
    if (this.commanded && ++this.readsSincePowerOff >= (this.script.offOnRead ?? 1)) this.power = 'off';
    return this.power;
  }

  /** The power-off commands sent. */
  get powerOffs(): number {
    return this.calls.filter((c) => c.call === 'powerOff').length;
  }

  private answer(call: 'powerOff' | 'powerState', operation: 'power off' | 'power status'): void {
    this.calls.push({ call, at: this.clock.iso() });
    if (this.failures <= 0) return;
    this.failures--;
    throw new BmcError({
      method: this.method,
      bmc: '10.0.0.11:623',
      operation,
      detail: 'no answer within 15000 ms',
      transient: true,
      password: 'secret',
    });
  }
}

export class RecordingFencingEvents implements FencingEvents {
  readonly emitted: FencingEvent[] = [];
  async emit(event: FencingEvent): Promise<void> {
    this.emitted.push(event);
  }
}

export const FENCING_SETTINGS: FencerDeps['settings'] = {
  quorum: { minObservers: 2, voteTtlS: 90 },
  attempts: 3,
  readBackS: 5,
  pollMs: 1000,
};

/** The fencer's world: compute-1 has a BMC playing `script` (none with `bmc: false`); the clock reads 2 s. */
export function fencer(script: BmcScript = {}, options: { bmc?: boolean } = {}) {
  const clock = new FakeClock(2);
  const records = new InMemoryFenceStore();
  const votes = new StoredVotes();
  const maintenance = new FakeMaintenance();
  const events = new RecordingFencingEvents();
  const quarantine = new RecordingQuarantine();
  const bmc = new ScriptedBmc(clock, script);
  const deps: FencerDeps = {
    records,
    votes,
    maintenance,
    bmcs: (host) => (host === HOST && options.bmc !== false ? bmc : undefined),
    events,
    quarantine,
    settings: FENCING_SETTINGS,
    clock: clock.clock,
    sleep: clock.sleep,
  };
  return { clock, records, votes, maintenance, events, quarantine, bmc, deps };
}

// ---- recovery: policies and instances --------------------------------------------------------

export const DEFAULTS: PolicyDefaults = { policy: 'notify-only', graceS: 30, maxGraceS: 300 };

export const PACE: RecoverySettings = { actionTimeoutS: 120, maxAttempts: 3, pollS: 1, sweepS: 60 };

export const tenantPolicy = (tenantId: string, policy: RecoveryPolicyName, graceS = 30): TenantPolicy => ({
  tenantId,
  policy,
  graceS,
  updatedAt: secondsAfterEpoch(0),
});

export const policiesOf = (...policies: TenantPolicy[]): Map<string, TenantPolicy> =>
  new Map(policies.map((p) => [p.tenantId, p]));

export const deadHostInstance = (
  id: string,
  tenantId: string,
  metadata: Record<string, string> = {},
): DeadHostInstance => ({ id, name: `${id}-name`, tenantId, metadata });

/** compute-1 runs two instances of tenant-a, one of tenant-b and one of tenant-c. */
export const DEAD_HOST_INSTANCES: DeadHostInstance[] = [
  deadHostInstance('vm-a1', 'tenant-a'),
  deadHostInstance('vm-a2', 'tenant-a'),
  deadHostInstance('vm-b1', 'tenant-b'),
  deadHostInstance('vm-c1', 'tenant-c'),
];

// ---- recovery: in-memory ports ---------------------------------------------------------------

const recoveryKey = ({ tenantId, recoveryId }: RecoveryKey) => `${tenantId}#${recoveryId}`;
export const keyOf = (r: Recovery): RecoveryKey => ({ tenantId: r.tenantId, recoveryId: r.recoveryId });

/** Recoveries in a Map keyed by tenant and id, with the store's rules: create once, conditional save. */
export class InMemoryRecoveryStore implements RecoveryStore {
  readonly items = new Map<string, Recovery>();
  /** Runs `competitor` before the next save is checked, as a concurrent writer would. */
  beforeNextSave: (() => Promise<void>) | undefined;

  async create(recovery: Recovery): Promise<'created' | 'exists'> {
    if (this.items.has(recoveryKey(recovery))) return 'exists';
    this.items.set(recoveryKey(recovery), structuredClone(recovery));
    return 'created';
  }

  async get(key: RecoveryKey): Promise<Recovery | undefined> {
    const stored = this.items.get(recoveryKey(key));
    return stored && structuredClone(stored);
  }

  async save(recovery: Recovery, expectedVersion: number): Promise<void> {
    const competitor = this.beforeNextSave;
    this.beforeNextSave = undefined;
    await competitor?.();
    if (this.items.get(recoveryKey(recovery))?.version !== expectedVersion) throw new ConcurrentRecoveryError(recovery);
    this.items.set(recoveryKey(recovery), structuredClone(recovery));
  }

  async ofHost(host: string): Promise<Recovery[]> {
    return this.all().filter((r) => r.host === host);
  }

  async due(now: Date): Promise<RecoveryKey[]> {
    return this.all()
      .filter((r) => r.wakeAt !== undefined && Date.parse(r.wakeAt) <= now.getTime())
      .map(keyOf);
  }

  async ofTenant(tenantId: string): Promise<Recovery[]> {
    return this.all().filter((r) => r.tenantId === tenantId);
  }

  /** The recovery of a tenant (its only one); fails the test if there is none. */
  of(tenantId: string): Recovery {
    const found = this.all().filter((r) => r.tenantId === tenantId);
    if (found.length !== 1) throw new Error(`expected one recovery of ${tenantId}, found ${found.length}`);
    return found[0] as Recovery;
  }

  private all(): Recovery[] {
    return [...this.items.values()].map((r) => structuredClone(r));
  }
}

export class InMemoryPolicyStore implements RecoveryPolicyStore {
  readonly items = new Map<string, TenantPolicy>();

  async get(tenantId: string): Promise<TenantPolicy | undefined> {
    return this.items.get(tenantId);
  }

  async many(tenantIds: string[]): Promise<Map<string, TenantPolicy>> {
    return new Map(tenantIds.flatMap((id) => (this.items.has(id) ? [[id, this.items.get(id) as TenantPolicy]] : [])));
  }

  async put(policy: TenantPolicy): Promise<void> {
    this.items.set(policy.tenantId, policy);
  }
}

export type RecoveryVimCall =
  | { action: 'evacuate'; host: string; instanceIds: string[]; at: string }
  | { action: 'restart'; instanceIds: string[]; at: string };

/**
 * Nova as the recovery sees it: the instances on each host, each server's status (scripted),
 * evacuations and restarts recorded with the clock's time. With `evacuatesTo`, an evacuated
 * server shows ACTIVE on that host at once; with `failures`, Nova does not accept an action.
 */
export class FakeRecoveryVim implements RecoveryVim {
  readonly instances = new Map<string, DeadHostInstance[]>();
  readonly servers = new Map<string, ServerNow>();
  readonly calls: RecoveryVimCall[] = [];
  readonly failures = new Map<string, ActionFailure>();
  evacuatesTo: string | undefined;

  constructor(private readonly clock: FakeClock) {}

  async instancesOn(host: string): Promise<DeadHostInstance[]> {
    return this.instances.get(host) ?? [];
  }

  async server(id: string): Promise<ServerNow> {
    return this.servers.has(id) ? (this.servers.get(id) ?? null) : { status: 'ERROR', host: HOST };
  }

  async evacuate(host: string, instanceIds: string[]): Promise<ActionFailure[]> {
    this.calls.push({ action: 'evacuate', host, instanceIds, at: this.clock.iso() });
    const target = this.evacuatesTo;
    if (target) for (const id of instanceIds) this.servers.set(id, { status: 'ACTIVE', host: target });
    return this.failuresOf(instanceIds);
  }

  async restart(instanceIds: string[]): Promise<ActionFailure[]> {
    this.calls.push({ action: 'restart', instanceIds, at: this.clock.iso() });
    return this.failuresOf(instanceIds);
  }

  private failuresOf(instanceIds: string[]): ActionFailure[] {
    return instanceIds.flatMap((id) => {
      const failure = this.failures.get(id);
      return failure ? [failure] : [];
    });
  }
}

/** The dead host's facts: fenced and back from the times the test sets, once the clock has reached them. */
export class FakeDeadHostFacts implements DeadHostFacts {
  fencedFrom: string | undefined;
  backFrom: string | undefined;

  constructor(private readonly clock: FakeClock) {}

  async fencedAt(): Promise<string | undefined> {
    return this.reached(this.fencedFrom);
  }

  async backAt(): Promise<string | undefined> {
    return this.reached(this.backFrom);
  }

  private reached(at: string | undefined): string | undefined {
    return at !== undefined && Date.parse(at) <= this.clock.now.getTime() ? at : undefined;
  }
}

export class RecordingRecoveryNotifier implements Notifier {
  readonly published: Publication[] = [];
  async publish(publications: readonly Publication[]): Promise<void> {
    this.published.push(...publications);
  }

  /** Who was told what, in order: [audience, recovery state]. */
  told(): [string, string][] {
    return this.published.map((p) => [
      p.audience.kind === 'admin' ? 'admin' : p.audience.tenantId,
      (p.notification as { recovery: Recovery }).recovery.state,
    ]);
  }
}

/** The inventory's refreshes from the VIM, with the clock's time. */
export class RecordingInventoryRefresh {
  readonly refreshes: string[] = [];
  constructor(private readonly clock: FakeClock) {}
  async refresh(): Promise<void> {
    this.refreshes.push(this.clock.iso());
  }
}

export const API_URL = 'https://fault-api.example.net/';

// ---- callers of the fault API -----------------------------------------------------------------

/** A Keystone-authenticated caller of a project; an administrator with `admin`. */
export const callerOf = (projectId: string, admin = false): Caller => ({
  userId: `user-of-${projectId}`,
  projectId,
  roles: admin ? ['admin'] : ['member'],
  isAdmin: admin,
});

/**
 * The recovery workflow's world: compute-1 runs DEAD_HOST_INSTANCES, tenant-a's policy is evacuate
 * with 30 s of grace, tenant-b's notify-only, tenant-c has none (the default: notify-only); the
 * clock reads 2 s after the epoch (the death was confirmed at 1 s).
 */
export function recoveryWorld() {
  const clock = new FakeClock(2);
  const recoveries = new InMemoryRecoveryStore();
  const policies = new InMemoryPolicyStore();
  const vim = new FakeRecoveryVim(clock);
  const facts = new FakeDeadHostFacts(clock);
  const notifier = new RecordingRecoveryNotifier();
  const inventory = new RecordingInventoryRefresh(clock);
  vim.instances.set(HOST, DEAD_HOST_INSTANCES);
  policies.items.set('tenant-a', tenantPolicy('tenant-a', 'evacuate', 30));
  policies.items.set('tenant-b', tenantPolicy('tenant-b', 'notify-only', 30));
  const deps: RecoveryWorkflowDeps = {
    recoveries,
    policies,
    vim,
    facts,
    notifier,
    inventory,
    settings: { ...PACE, defaults: DEFAULTS, apiUrl: API_URL },
    clock: clock.clock,
    sleep: clock.sleep,
  };
  return { clock, recoveries, policies, vim, facts, notifier, inventory, workflow: new RecoveryWorkflow(deps) };
}
