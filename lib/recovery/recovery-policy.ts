import { z } from 'zod';

/**
 * What the VIM does for a tenant's instances when their host dies:
 * - notify-only: nothing; the tenant (its VNF manager) decides (Doctor's default)
 * - evacuate: rebuild them on another host (Nova evacuate), only once the dead host is fenced
 * - restart: start them again on the same host once it is back
 */
export const recoveryPolicies = ['notify-only', 'evacuate', 'restart'] as const;
export type RecoveryPolicyName = (typeof recoveryPolicies)[number];

/** Nova server metadata key through which an instance's owner overrides its tenant's policy. */
export const RECOVERY_METADATA_KEY = 'nfvi-doctor:recovery';

/** A tenant's policy as it sets it through the fault API. */
export const tenantPolicyRequest = z.strictObject({
  policy: z.enum(recoveryPolicies),
  /** Seconds the tenant has to act (switch over) before the VIM recovers its instances. */
  graceS: z.number().int().nonnegative().optional(),
});
export type TenantPolicyRequest = z.infer<typeof tenantPolicyRequest>;

export const tenantPolicy = z.object({
  tenantId: z.string(),
  policy: z.enum(recoveryPolicies),
  graceS: z.number().int().nonnegative(),
  updatedAt: z.string(),
});
export type TenantPolicy = z.infer<typeof tenantPolicy>;

/** What GET and PUT /v1/recovery-policy answer: the tenant's own policy, or the stage default until it sets one. */
export const tenantPolicyView = z.discriminatedUnion('source', [
  tenantPolicy.extend({ source: z.literal('tenant') }),
  tenantPolicy.omit({ updatedAt: true }).extend({ source: z.literal('default') }),
]);
export type TenantPolicyView = z.infer<typeof tenantPolicyView>;

export interface PolicyDefaults {
  policy: RecoveryPolicyName;
  graceS: number;
  maxGraceS: number;
}

export type InstancePolicy = { policy: RecoveryPolicyName; source: 'instance' | 'tenant' | 'default'; note?: string };

/**
 * An instance's policy: its own metadata first, then its tenant's, then the stage default. An
 * unknown value in the metadata is not guessed at: the tenant's policy applies and the note says why.
 */
export function instancePolicy(
  metadata: Record<string, string>,
  tenant: TenantPolicy | undefined,
  defaults: PolicyDefaults,
): InstancePolicy {
  const fallback: InstancePolicy = tenant
    ? { policy: tenant.policy, source: 'tenant' }
    : { policy: defaults.policy, source: 'default' };
  const own = metadata[RECOVERY_METADATA_KEY];
  if (own === undefined) return fallback;
  if ((recoveryPolicies as readonly string[]).includes(own))
    return { policy: own as RecoveryPolicyName, source: 'instance' };
  return {
    ...fallback,
    note: `metadata ${RECOVERY_METADATA_KEY}="${own}" is not one of ${recoveryPolicies.join(', ')}: ${fallback.source} policy applied`,
  };
}

/** A tenant's grace period, within the stage's bounds. */
export const graceOf = (tenant: TenantPolicy | undefined, defaults: PolicyDefaults): number =>
  Math.min(tenant?.graceS ?? defaults.graceS, defaults.maxGraceS);
