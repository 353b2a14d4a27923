import { type FaultCleared, type FaultConfirmed } from '../contracts/bus-events';
import { PEERS_FAULT_KEY } from '../inspector/peer-quorum';
import { type Notifier } from '../notifier/ports';
import {
  ConcurrentRecoveryError,
  type DeadHostFacts,
  type RecoveryKey,
  type RecoveryPolicyStore,
  type RecoveryStore,
  type RecoveryVim,
} from './ports';
import type { Recovery } from './recovery';
import { recoveriesFor, stepRecovery, withFailures, type RecoverySettings, type ServerNow } from './recovery-decisions';
import { recoveryPublications } from './recovery-notifications';
import type { PolicyDefaults } from './recovery-policy';
import type { RecoveryTrigger } from './recovery-triggers';

export interface RecoveryWorkflowDeps {
  recoveries: RecoveryStore;
  policies: RecoveryPolicyStore;
  vim: RecoveryVim;
  facts: DeadHostFacts;
  notifier: Notifier;
  /** Re-reads the inventory from the VIM, so that evacuated instances' tenants are no longer told of the dead host's faults. */
  inventory: { refresh(): Promise<void> };
  settings: RecoverySettings & { defaults: PolicyDefaults; apiUrl: string };
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
}

const MAX_CONFLICTS = 5;

/** Whether this step saw instances evacuated that the previous one had not. */
const newlyEvacuated = (before: Recovery, after: Recovery) =>
  after.instances.some(
    (i, n) => i.policy === 'evacuate' && i.state === 'RECOVERED' && before.instances[n]?.state !== 'RECOVERED',
  );
const keyOf = (r: Recovery): RecoveryKey => ({ tenantId: r.tenantId, recoveryId: r.recoveryId });

/**
 * Tenant recovery after a host's death. Events only say when to look; each look reads the
 * recovery, the dead host's facts (fenced? back?) and the instances being recovered afresh,
 * decides the next step (lib/recovery/recovery-decisions), stores it with a conditional write,
 * tells the tenant and the administrator what changed, then carries out the step's VIM actions.
 * Every action is safe to repeat: Nova refuses a second evacuation of an instance under way.
 */
export class RecoveryWorkflow {
  constructor(private readonly deps: RecoveryWorkflowDeps) {}

  /** Steps what the event concerns; returns the recoveries to follow. */
  async onTrigger(trigger: Exclude<RecoveryTrigger, { kind: 'invalid' }>): Promise<RecoveryKey[]> {
    switch (trigger.kind) {
      case 'host-death':
        return this.onHostDeath(trigger.fault);
      case 'host-back':
        return this.onHostBack(trigger.fault);
      case 'host-fenced':
        return this.onHostChanged(trigger.host);
      case 'answered':
        await this.advance(trigger.key);
        return [trigger.key];
    }
  }

  /** A host-down confirmed by the peers' quorum: start a recovery for each tenant whose policy asks for one. */
  async onHostDeath(fault: FaultConfirmed): Promise<RecoveryKey[]> {
    if (fault.faultKey !== PEERS_FAULT_KEY) return [];
    const { vim, policies, recoveries, settings } = this.deps;
    const instances = await vim.instancesOn(fault.host);
    const tenantPolicies = await policies.many([...new Set(instances.map((i) => i.tenantId))]);
    const planned = recoveriesFor(fault, instances, tenantPolicies, settings.defaults, this.deps.clock());
    const keys: RecoveryKey[] = [];
    for (const recovery of planned) {
      if ((await recoveries.create(recovery)) === 'exists') continue;
      await this.tell(recovery);
      keys.push(keyOf(recovery));
    }
    await Promise.all(keys.map((key) => this.advance(key)));
    return keys;
  }

  /** The host was fenced, or came back: every open recovery of it may move on. */
  async onHostChanged(host: string): Promise<RecoveryKey[]> {
    const open = (await this.deps.recoveries.ofHost(host)).filter((r) => r.wakeAt !== undefined).map(keyOf);
    await Promise.all(open.map((key) => this.advance(key)));
    return open;
  }

  /** A host-down cleared: the host is back. */
  async onHostBack(fault: FaultCleared): Promise<RecoveryKey[]> {
    return fault.faultKey === PEERS_FAULT_KEY ? this.onHostChanged(fault.host) : [];
  }

  /** The scheduled look at recoveries whose wake time passed (a missed event, a grace period ended). */
  async sweep(): Promise<RecoveryKey[]> {
    const due = await this.deps.recoveries.due(this.deps.clock());
    await Promise.all(due.map((key) => this.advance(key)));
    return due;
  }

  /**
   * Follows the recoveries in process while their next look falls within `untilMs` (a grace
   * period ending, an evacuation under way), so they need not wait for the sweeper.
   */
  async follow(keys: RecoveryKey[], untilMs: number): Promise<void> {
    let open = keys;
    while (open.length > 0) {
      const recoveries = (await Promise.all(open.map((key) => this.deps.recoveries.get(key)))).filter(
        (r): r is Recovery => r?.wakeAt !== undefined,
      );
      const next = Math.min(...recoveries.map((r) => Date.parse(r.wakeAt as string)));
      if (!Number.isFinite(next) || next > untilMs) return;
      await this.deps.sleep(Math.max(0, next - this.deps.clock().getTime()));
      const now = this.deps.clock().getTime();
      const due = recoveries.filter((r) => Date.parse(r.wakeAt as string) <= now).map(keyOf);
      await Promise.all(due.map((key) => this.advance(key)));
      open = recoveries.map(keyOf);
    }
  }

  /** One look at a recovery: decide, store, tell, act. */
  async advance(key: RecoveryKey): Promise<Recovery | undefined> {
    const { recoveries, facts, vim, settings } = this.deps;
    for (let attempt = 1; ; attempt++) {
      const current = await recoveries.get(key);
      if (!current) return undefined;
      const recovering = current.instances.filter((i) => i.state === 'RECOVERING').map((i) => i.instanceId);
      const [fencedAt, backAt, servers] = await Promise.all([
        facts.fencedAt(current.host, current.hostAlarmId),
        facts.backAt(current.host, current.hostAlarmId),
        Promise.all(recovering.map(async (id) => [id, await vim.server(id)] as [string, ServerNow])),
      ]);
      const now = this.deps.clock();
      const step = stepRecovery(current, { now, fencedAt, hostBackAt: backAt, servers: new Map(servers) }, settings);
      if (!step.changed && step.effects.length === 0 && step.recovery.wakeAt === current.wakeAt) return current;
      let next: Recovery = { ...step.recovery, version: current.version + 1 };
      try {
        await recoveries.save(next, current.version);
      } catch (error) {
        if (error instanceof ConcurrentRecoveryError && attempt < MAX_CONFLICTS) continue;
        throw error;
      }
      if (step.changed) await this.tell(next);
      // At once, not when the recovery ends: a later fault of the dead host must not reach them any more.
      if (newlyEvacuated(current, next)) await this.deps.inventory.refresh();
      const failures = (
        await Promise.all(
          step.effects.map((effect) =>
            effect.kind === 'evacuate' ? vim.evacuate(next.host, effect.instanceIds) : vim.restart(effect.instanceIds),
          ),
        )
      ).flat();
      if (failures.length === 0) return next;
      // Told of each failure at the next look, when Nova shows where the instance stands.
      const previous = next.version;
      next = { ...withFailures(next, failures, now, settings), version: previous + 1 };
      await recoveries.save(next, previous);
      await this.tell(next);
      return next;
    }
  }

  private tell(recovery: Recovery): Promise<void> {
    const at = this.deps.clock().toISOString();
    return this.deps.notifier.publish(recoveryPublications(recovery, this.deps.settings.apiUrl, at));
  }
}
