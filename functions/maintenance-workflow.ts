import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { workflowTrigger, type WorkflowTrigger } from '../lib/maintenance/workflow/workflow-trigger';
import { config } from '../lib/platform/config';
import { observed } from '../lib/platform/middleware/observed';
import { validEvent } from '../lib/platform/middleware/valid-event';
import { vimCredentialsMiddleware, type VimContext } from '../lib/platform/middleware/vim-credentials';
import { NO_VIM, vimRequired } from '../lib/platform/middleware/vim-required';
import { logger } from '../lib/platform/observability';
import { maintenanceWorkflow } from '../lib/wiring/maintenance';
import { quarantine } from '../lib/wiring/quarantine';

type Trigger = Extract<WorkflowTrigger, { kind: 'valid' }>;

/**
 * The maintenance workflow: on MaintenanceWork (a decision left effects to carry out) and on the
 * operator's answer to the maintenance hook (HostMaintenanceCompleted / HostMaintenanceFailed).
 * Carries out the session's effects, then follows its moves for up to NFVI_MAINTENANCE_FOLLOW_S.
 */
export const handler = middy<Trigger, unknown, Error, VimContext>()
  .use(observed())
  .use(validEvent('maintenance-workflow', workflowTrigger, quarantine))
  .use(vimRequired(config().vim, NO_VIM))
  .use(vimCredentialsMiddleware(config().vim))
  .handler(async (trigger, context: Context & VimContext) => {
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
