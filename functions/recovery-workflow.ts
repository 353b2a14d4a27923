import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { config } from '../lib/config';
import { logger } from '../lib/observability';
import { quarantineEvent } from '../lib/quarantine/quarantine-event';
import { recoveryWorkflow } from '../lib/recovery/recovery-deps';
import { recoveryTrigger } from '../lib/recovery/recovery-triggers';
import { vimCredentialsMiddleware, type VimContext } from '../lib/vim/credentials-middleware';

/**
 * Tenant recovery: on a host's death (FaultConfirmed), its fencing (HostFenced), its return
 * (FaultCleared) and a tenant's answer (RecoveryAnswered). Steps the host's recoveries, then
 * follows them in process (grace period, evacuations) for up to NFVI_RECOVERY_FOLLOW_S.
 */
export const handler = middy<unknown, unknown, Error, VimContext>()
  .use(injectLambdaContext(logger))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (event, context: Context & VimContext) => {
    const trigger = recoveryTrigger(event);
    if (trigger.kind === 'invalid') return quarantineEvent('recovery-workflow', trigger.reason, event);
    if (config().vim.kind === 'none') return { outcome: 'no-vim' };
    const workflow = recoveryWorkflow(context.vimCredentials);
    const keys = await workflow.onTrigger(trigger);
    const budgetMs = Math.min(config().recovery.followS * 1000, context.getRemainingTimeInMillis() - 10_000);
    await workflow.follow(keys, Date.now() + Math.max(0, budgetMs));
    logger.info('recovery', { trigger: trigger.kind, recoveries: keys.length });
    return { outcome: trigger.kind, recoveries: keys };
  });
