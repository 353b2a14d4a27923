import { z } from 'zod';
import { tenantId } from '../contracts/inventory';
import { recoveryAnswer } from '../contracts/recovery-notification';
import type { Caller } from '../platform/auth/keystone-authorizer';
import { projectScope } from '../platform/auth/project-scope';
import { type Outcome } from '../platform/outcome';
import type { RecoveryPolicyStore, RecoveryStore } from './ports';
import { ConcurrentRecoveryError } from './ports';
import { recoveryView } from './recovery';
import { answerRecovery } from './recovery-decisions';
import { tenantPolicyRequest, type PolicyDefaults, type TenantPolicyView } from './recovery-policy';

/** The body of PUT /v1/recoveries/{recoveryId}: the tenant's answer during the grace period. */
export const recoveryAnswerRequest = z.strictObject({ answer: recoveryAnswer });

const scopeParams = z.strictObject({ tenantId: tenantId.optional() });

export interface TenantRecoveriesDeps {
  recoveries: RecoveryStore;
  policies: RecoveryPolicyStore;
  /** Wakes the recovery workflow (RecoveryAnswered on the bus). */
  answered: (key: { tenantId: string; recoveryId: string }) => Promise<void>;
  defaults: PolicyDefaults;
  clock: () => Date;
}

/**
 * Recovery in the fault API: a project reads its own recoveries and answers them during their
 * grace period (PROCEED: recover now; DECLINE: the tenant recovers itself), and sets its recovery
 * policy. Another project's recovery answers 404 as if it did not exist; naming another project 403
 * (administrators name any with `tenantId`).
 */
export class TenantRecoveries {
  constructor(private readonly deps: TenantRecoveriesDeps) {}

  async list(caller: Caller, params: Record<string, string | undefined>): Promise<Outcome> {
    const owner = this.scope(caller, params, 'read the recoveries');
    if (typeof owner !== 'string') return owner;
    const recoveries = await this.deps.recoveries.ofTenant(owner);
    return { kind: 'ok', body: recoveries.map(recoveryView) };
  }

  async get(caller: Caller, recoveryId: string, params: Record<string, string | undefined>): Promise<Outcome> {
    const owner = this.scope(caller, params, 'read the recoveries');
    if (typeof owner !== 'string') return owner;
    const recovery = await this.deps.recoveries.get({ tenantId: owner, recoveryId });
    return recovery ? { kind: 'ok', body: recoveryView(recovery) } : notFound(recoveryId);
  }

  async answer(
    caller: Caller,
    recoveryId: string,
    body: unknown,
    params: Record<string, string | undefined>,
  ): Promise<Outcome> {
    const owner = this.scope(caller, params, 'answer the recoveries');
    if (typeof owner !== 'string') return owner;
    const parsed = recoveryAnswerRequest.safeParse(body);
    if (!parsed.success) return { kind: 'invalid', message: z.prettifyError(parsed.error) };
    const key = { tenantId: owner, recoveryId };
    for (;;) {
      const recovery = await this.deps.recoveries.get(key);
      if (!recovery) return notFound(recoveryId);
      const outcome = answerRecovery(recovery, parsed.data.answer, this.deps.clock());
      if (outcome.outcome === 'duplicate') return { kind: 'ok', body: recoveryView(recovery) };
      if (outcome.outcome === 'conflict') return { kind: 'conflict', message: outcome.reason };
      const next = { ...outcome.recovery, version: recovery.version + 1 };
      try {
        await this.deps.recoveries.save(next, recovery.version);
      } catch (error) {
        if (error instanceof ConcurrentRecoveryError) continue;
        throw error;
      }
      await this.deps.answered(key);
      return { kind: 'ok', body: recoveryView(next) };
    }
  }

  async getPolicy(caller: Caller, params: Record<string, string | undefined>): Promise<Outcome> {
    const owner = this.scope(caller, params, 'read the recovery policy');
    if (typeof owner !== 'string') return owner;
    const policy = await this.deps.policies.get(owner);
    const { defaults } = this.deps;
    const body: TenantPolicyView = policy
      ? { ...policy, source: 'tenant' }
      : { tenantId: owner, policy: defaults.policy, graceS: defaults.graceS, source: 'default' };
    return { kind: 'ok', body };
  }

  async putPolicy(caller: Caller, body: unknown, params: Record<string, string | undefined>): Promise<Outcome> {
    const owner = this.scope(caller, params, 'set the recovery policy');
    if (typeof owner !== 'string') return owner;
    const parsed = tenantPolicyRequest.safeParse(body);
    if (!parsed.success) return { kind: 'invalid', message: z.prettifyError(parsed.error) };
    const { defaults } = this.deps;
    const graceS = parsed.data.graceS ?? defaults.graceS;
    if (graceS > defaults.maxGraceS)
      return { kind: 'invalid', message: `graceS ${graceS} is above this stage's maximum of ${defaults.maxGraceS} s` };
    const policy = { tenantId: owner, policy: parsed.data.policy, graceS, updatedAt: this.deps.clock().toISOString() };
    await this.deps.policies.put(policy);
    const view: TenantPolicyView = { ...policy, source: 'tenant' };
    return { kind: 'ok', body: view };
  }

  private scope(caller: Caller, params: Record<string, string | undefined>, what: string): string | Outcome {
    const parsed = scopeParams.safeParse(params);
    if (!parsed.success) return { kind: 'invalid', message: z.prettifyError(parsed.error) };
    return projectScope(caller, parsed.data.tenantId, what);
  }
}

const notFound = (recoveryId: string): Outcome => ({ kind: 'not-found', message: `no recovery ${recoveryId}` });
