import { z } from 'zod';
import { recoveryViewSchema, type RecoveryState, type RecoveryView } from '../contracts/recovery-notification';

export const TERMINAL_STATES: readonly RecoveryState[] = ['DONE', 'FAILED', 'DECLINED'];

/** A recovery as stored: what the tenant sees of it, and the workflow's own bookkeeping. */
export const recovery = recoveryViewSchema.extend({
  /** When the workflow must look again (a grace period ending, an evacuation to follow); open recoveries only. */
  wakeAt: z.string().optional(),
  version: z.number().int().nonnegative(),
});
export type Recovery = z.infer<typeof recovery>;

export const recoveryView = (r: Recovery): RecoveryView => {
  const { version: _version, wakeAt: _wakeAt, ...view } = r;
  return view;
};
