import { z } from 'zod';
import { replyState } from '../../contracts/fenix';
import { move, roundProject, session } from '../session/session';

/* The answers of the administrator's maintenance routes (Fenix's, with nfvi-doctor's progress details). */

/** `POST /v1/maintenance`. */
export const sessionCreated = z.object({ session_id: z.string() });

/** `GET /v1/maintenance`. */
export const sessionList = z.object({
  sessions: z.array(
    z.object({
      session_id: z.string(),
      state: session.shape.state,
      hosts: z.array(z.string()),
      created_at: z.string(),
    }),
  ),
});

/** `DELETE /v1/maintenance/{session_id}`: the state the session is left in. */
export const sessionDeleted = z.object({ session_id: z.string(), state: session.shape.state.optional() });

/** `GET /v1/maintenance/{session_id}`: state, per-host progress, the replies of the round open, moves, history. */
export const sessionView = z.object({
  session_id: z.string(),
  state: session.shape.state,
  reason: z.string().optional(),
  maintenance_at: z.string(),
  workflow: z.string(),
  metadata: session.shape.metadata,
  created_at: z.string(),
  updated_at: z.string(),
  waiting_for: session.shape.waiting_for,
  deadline_at: z.string().optional(),
  hosts: session.shape.hosts,
  /** Host -> why the planner has not started it yet. */
  waiting_hosts: session.shape.waiting_hosts.unwrap(),
  replies: z
    .object({
      state: replyState,
      reply_at: z.string(),
      projects: z.record(
        z.string(),
        z.object({
          instance_ids: z.array(z.string()),
          /** AWAITED: no answer yet. */
          reply: z.enum([...roundProject.shape.verdict.unwrap().options, 'AWAITED']),
          answered_at: z.string().optional(),
        }),
      ),
    })
    .optional(),
  moves: z.record(z.string(), move.pick({ from_host: true, to_host: true, action: true, status: true })).optional(),
  history: session.shape.history,
});

/** `GET /v1/maintenance/{session_id}/detail`: the session with its plug-ins, downloads and instances (Fenix's detail). */
export const sessionDetail = sessionView.extend({
  actions: session.shape.actions,
  download: session.shape.download,
  instances: z.array(
    z.object({
      instance_id: z.string(),
      project_id: z.string(),
      /** Where it was when the session took it in, or last planned from. */
      host: z.string(),
      /** Its move in the current step, if it has one. */
      move: move.shape.status.optional(),
    }),
  ),
});

/** `GET /v1/maintenance/{session_id}/{project_id}`: the project's instances concerned now. */
export const projectInstances = z.object({ instance_ids: z.array(z.string()) });

/** `PUT /v1/maintenance/{session_id}/{project_id}`: what became of the reply (a repeat is answered like the first). */
export const tenantReplyAnswer = z.object({
  session_id: z.string(),
  project_id: z.string(),
  outcome: z.enum(['accepted', 'duplicate', 'late', 'stale']),
});

export type SessionCreated = z.infer<typeof sessionCreated>;
export type SessionList = z.infer<typeof sessionList>;
export type SessionDeleted = z.infer<typeof sessionDeleted>;
export type SessionView = z.infer<typeof sessionView>;
export type SessionDetail = z.infer<typeof sessionDetail>;
export type ProjectInstances = z.infer<typeof projectInstances>;
export type TenantReplyAnswer = z.infer<typeof tenantReplyAnswer>;
