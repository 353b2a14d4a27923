import { z } from 'zod';

/**
 * Fenix's maintenance constraints, as VNF managers written for Fenix send them
 * (`PUT /v1/instance/{instance_id}`, `PUT /v1/instance_group/{group_id}`; Doctor's sample VNFM
 * sends exactly these fields). Durations are seconds.
 */
const id = z.string().min(1).max(255);

/** Doctor's sample VNFM says "MIGRATION"; Fenix means MIGRATE. */
export const migrationType = z
  .enum(['MIGRATE', 'MIGRATION', 'LIVE_MIGRATE', 'OWN_ACTION'])
  .transform((type) => (type === 'MIGRATION' ? 'MIGRATE' : type));
export type MigrationType = z.output<typeof migrationType>;

export const instanceConstraint = z.object({
  instance_id: id,
  project_id: id,
  group_id: id.optional(),
  instance_name: z.string().max(255).optional(),
  /** Longest the instance may be unavailable (an OWN_ACTION or a cold migration). */
  max_interruption_time: z.number().int().nonnegative().default(0),
  migration_type: migrationType.default('MIGRATE'),
  resource_mitigation: z.boolean().default(false),
  /** Time the VNF manager needs between being told and the action on this instance. */
  lead_time: z.number().int().nonnegative().default(0),
});
export type InstanceConstraint = z.output<typeof instanceConstraint>;

export const instanceGroupConstraint = z.object({
  group_id: id,
  project_id: id,
  group_name: z.string().max(255).optional(),
  anti_affinity_group: z.boolean().default(false),
  /** 0: no limit. */
  max_instances_per_host: z.number().int().nonnegative().default(0),
  /** Members that may be moved or down at once. */
  max_impacted_members: z.number().int().positive().default(1),
  /** Time a member needs after its move before the next member may move. */
  recovery_time: z.number().int().nonnegative().default(0),
  resource_mitigation: z.boolean().default(false),
});
export type InstanceGroupConstraint = z.output<typeof instanceGroupConstraint>;

export type ConstraintKind = 'instance' | 'instance_group';
