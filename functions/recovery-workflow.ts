import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { config } from '../lib/platform/config';
import { observed } from '../lib/platform/middleware/observed';
import { validEvent } from '../lib/platform/middleware/valid-event';
import { vimCredentialsMiddleware, type VimContext } from '../lib/platform/middleware/vim-credentials';
import { NO_VIM, vimRequired } from '../lib/platform/middleware/vim-required';
import { logger } from '../lib/platform/observability';
import { recoveryTrigger, type RecoveryTrigger } from '../lib/recovery/recovery-triggers';
import { quarantine } from '../lib/wiring/quarantine';
import { recoveryWorkflow } from '../lib/wiring/recovery';

type Trigger = Exclude<RecoveryTrigger, { kind: 'invalid' }>;

/**
 * Tenant recovery: on a host's death (FaultConfirmed), its fencing (HostFenced), its return
 * (FaultCleared) and a tenant's answer (RecoveryAnswered). Steps the host's recoveries, then
 * follows them in process (grace period, evacuations) for up to NFVI_RECOVERY_FOLLOW_S.
 */
export const handler = middy<Trigger, unknown, Error, VimContext>()
  .use(observed())
  .use(validEvent('recovery-workflow', recoveryTrigger, quarantine))
  .use(vimRequired(config().vim, NO_VIM))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (trigger, context: Context & VimContext) => {
    const workflow = recoveryWorkflow(context.vimCredentials);
    const keys = await workflow.onTrigger(trigger);
    const budgetMs = Math.min(config().recovery.followS * 1000, context.getRemainingTimeInMillis() - 10_000);
    await workflow.follow(keys, Date.now() + Math.max(0, budgetMs));
    logger.info('recovery', { trigger: trigger.kind, recoveries: keys.length });
    return { outcome: trigger.kind, recoveries: keys };
  });
