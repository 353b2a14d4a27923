import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { config } from '../lib/config';
import { maintenanceWorkflow } from '../lib/maintenance/maintenance-deps';
import { workflowTrigger } from '../lib/maintenance/workflow/workflow-events';
import { logger } from '../lib/observability';
import { quarantineEvent } from '../lib/quarantine/quarantine-event';
import { vimCredentialsMiddleware, type VimContext } from '../lib/vim/credentials-middleware';

/**
 * The maintenance workflow: on MaintenanceWork (a decision left effects to carry out) and on the
 * operator's answer to the maintenance hook (HostMaintenanceCompleted / HostMaintenanceFailed).
 * Carries out the session's effects, then follows its moves for up to NFVI_MAINTENANCE_FOLLOW_S.
 */
export const handler = middy<unknown, unknown, Error, VimContext>()
  .use(injectLambdaContext(logger))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (event, context: Context & VimContext) => {
    const trigger = workflowTrigger(event);
    if (trigger.kind === 'invalid') return quarantineEvent('maintenance-workflow', trigger.reason, event);
    const workflow = maintenanceWorkflow(context.vimCredentials);
    if (trigger.event) {
      const decision = await workflow.apply(trigger.sessionId, trigger.event);
      logger.info('operator answer', { session_id: trigger.sessionId, decision: decision.kind });
    }
    const budgetMs = Math.min(config().maintenance.followS * 1000, context.getRemainingTimeInMillis() - 10_000);
    const pass = await workflow.drive(trigger.sessionId, { followMs: Math.max(0, budgetMs), claimWaitMs: 5_000 });
    if (pass.deferred || pass.refused.length > 0) logger.warn('maintenance pass', { ...pass });
    else logger.info('maintenance pass', { ...pass });
    return pass;
  });
