import { z } from 'zod';
import { createSessionBody, tenantReply } from '../../contracts/fenix';
import { tenantId } from '../../contracts/inventory';
import type { Caller } from '../../platform/auth/keystone-authorizer';
import { isRefusal, type Outcome, type Refusal } from '../../platform/outcome';
import type { HostDrain } from '../host-drain';
import { projectInstanceIds, type Decision, type Session, type SessionEvent } from '../session/session';
import type {
  ProjectInstances,
  SessionCreated,
  SessionDeleted,
  SessionDetail,
  SessionList,
  SessionView,
} from './session-view';
import { replyBodyOf } from './tenant-reply';

export interface MaintenanceApiDeps {
  sessions: { get(sessionId: string): Promise<Session | undefined>; list(): Promise<Session[]> };
  /** Decides an event on the stored session (MaintenanceWorkflow.apply). */
  apply(sessionId: string, event: SessionEvent): Promise<Decision>;
  /** Asks the workflow to carry out what a decision left to do. */
  wake(sessionId: string): Promise<void>;
  vim: Pick<HostDrain, 'instancesOn'> & { computeHosts(): Promise<string[]> };
  newId(): string;
  clock(): Date;
  adminProjectId: string;
  /** Base of the URLs tenants get: reply_url and instance_ids. */
  apiUrl: string;
  /** The stage's rule: the operator hook answers for every emptied host, plug-in or not. */
  operatorAnswerRequired: boolean;
}

const issues = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');

const forbidden = (): Outcome => ({ kind: 'forbidden', message: 'this route is for administrators' });
const notFound = (sessionId: string): Refusal => ({
  kind: 'not-found',
  message: `no maintenance session ${sessionId}`,
});

/** What an administrator sees of a session: state, hosts, per-host progress, per-tenant replies. */
function adminView(s: Session): SessionView {
  return {
    session_id: s.session_id,
    state: s.state,
    ...(s.reason ? { reason: s.reason } : {}),
    maintenance_at: s.maintenance_at,
    workflow: s.workflow,
    metadata: s.metadata,
    created_at: s.created_at,
    updated_at: s.updated_at,
    waiting_for: s.waiting_for,
    ...(s.deadline_at ? { deadline_at: s.deadline_at } : {}),
    hosts: s.hosts,
    waiting_hosts: s.waiting_hosts ?? {},
    ...(s.round
      ? {
          replies: {
            state: s.round.state,
            reply_at: s.round.reply_at,
            projects: Object.fromEntries(
              Object.entries(s.round.projects).map(([project, p]) => [
                project,
                {
                  instance_ids: p.instance_ids,
                  reply: p.verdict ?? 'AWAITED',
                  ...(p.answered_at && { answered_at: p.answered_at }),
                },
              ]),
            ),
          },
        }
      : {}),
    ...(s.step
      ? {
          moves: Object.fromEntries(
            Object.entries(s.step.moves).map(([id, m]) => [
              id,
              { from_host: m.from_host, to_host: m.to_host, action: m.action, status: m.status },
            ]),
          ),
        }
      : {}),
    history: s.history,
  };
}

/**
 * The Fenix maintenance routes. Administrators create, list, read and cancel sessions; a
 * project reads its own instances in a session and answers for them, and learns nothing of
 * a session it takes no part in, nor of another project's instances.
 */
export class MaintenanceApi {
  constructor(private readonly deps: MaintenanceApiDeps) {}

  /** `POST /v1/maintenance`. */
  async create(caller: Caller, body: unknown): Promise<Outcome> {
    if (!caller.isAdmin) return forbidden();
    const parsed = createSessionBody.safeParse(body);
    if (!parsed.success) return { kind: 'invalid', message: issues(parsed.error) };
    const computeHosts = await this.deps.vim.computeHosts();
    const hosts = parsed.data.hosts.length > 0 ? parsed.data.hosts : computeHosts;
    const unknown = hosts.filter((h) => !computeHosts.includes(h));
    if (unknown.length > 0) return { kind: 'invalid', message: `not compute hosts of the VIM: ${unknown.join(', ')}` };
    const onHosts = await Promise.all(
      hosts.map(async (host) => ({ host, instances: await this.deps.vim.instancesOn(host) })),
    );
    const sessionId = this.deps.newId();
    const decision = await this.deps.apply(sessionId, {
      type: 'created',
      session_id: sessionId,
      request: { ...parsed.data, hosts },
      instances: onHosts.flatMap(({ host, instances }) =>
        instances.map((i) => ({ instance_id: i.id, project_id: i.projectId, host })),
      ),
      admin_project_id: this.deps.adminProjectId,
      api_url: this.deps.apiUrl,
      operator_answer_required: this.deps.operatorAnswerRequired,
    });
    if (decision.kind !== 'applied') return { kind: 'invalid', message: decision.detail };
    await this.deps.wake(sessionId);
    const created: SessionCreated = { session_id: sessionId };
    return { kind: 'ok', body: created };
  }

  /** `GET /v1/maintenance`. */
  async list(caller: Caller): Promise<Outcome> {
    if (!caller.isAdmin) return forbidden();
    const sessions = await this.deps.sessions.list();
    sessions.sort((a, b) => a.created_at.localeCompare(b.created_at));
    const body: SessionList = {
      sessions: sessions.map((s) => ({
        session_id: s.session_id,
        state: s.state,
        hosts: Object.keys(s.hosts),
        created_at: s.created_at,
      })),
    };
    return { kind: 'ok', body };
  }

  /** `GET /v1/maintenance/{session_id}`. */
  async get(caller: Caller, sessionId: string): Promise<Outcome> {
    if (!caller.isAdmin) return forbidden();
    const session = await this.deps.sessions.get(sessionId);
    return session ? { kind: 'ok', body: adminView(session) } : notFound(sessionId);
  }

  /**
   * `GET /v1/maintenance/{session_id}/detail`: the session as `get` shows it, with what Fenix's
   * detail adds: its action plug-ins, its downloads and every instance taking part.
   */
  async detail(caller: Caller, sessionId: string): Promise<Outcome> {
    if (!caller.isAdmin) return forbidden();
    const session = await this.deps.sessions.get(sessionId);
    if (!session) return notFound(sessionId);
    const body: SessionDetail = {
      ...adminView(session),
      actions: session.actions,
      download: session.download,
      instances: Object.entries(session.instances).map(([instance_id, i]) => ({
        instance_id,
        project_id: i.project_id,
        host: i.host,
        ...(session.step?.moves[instance_id] ? { move: session.step.moves[instance_id].status } : {}),
      })),
    };
    return { kind: 'ok', body };
  }

  /** `DELETE /v1/maintenance/{session_id}`: a session under way fails cleanly, its hosts back in service. */
  async delete(caller: Caller, sessionId: string): Promise<Outcome> {
    if (!caller.isAdmin) return forbidden();
    const decision = await this.deps.apply(sessionId, { type: 'admin-delete' });
    if (decision.kind === 'ignored' && decision.reason === 'no-session') return notFound(sessionId);
    if (decision.kind === 'applied') await this.deps.wake(sessionId);
    const session = await this.deps.sessions.get(sessionId);
    const deleted: SessionDeleted = { session_id: sessionId, state: session?.state };
    return { kind: 'ok', body: deleted };
  }

  /** `GET /v1/maintenance/{session_id}/{project_id}`: the project's instances concerned now. */
  async projectInstances(caller: Caller, sessionId: string, projectId: string): Promise<Outcome> {
    const session = await this.visibleTo(caller, sessionId, projectId);
    if (isRefusal(session)) return session;
    const body: ProjectInstances = { instance_ids: projectInstanceIds(session, projectId) ?? [] };
    return { kind: 'ok', body };
  }

  /**
   * `PUT /v1/maintenance/{session_id}/{project_id}`: ACK_<STATE> or NACK_<STATE>, with
   * instance_actions (Fenix's default workflow) or one instance_action (its vnf workflow).
   */
  async reply(caller: Caller, sessionId: string, projectId: string, body: unknown): Promise<Outcome> {
    const session = await this.visibleTo(caller, sessionId, projectId);
    if (isRefusal(session)) return session;
    const parsed = tenantReply.safeParse(body);
    if (!parsed.success) return { kind: 'invalid', message: issues(parsed.error) };
    const reply = replyBodyOf(parsed.data, session, sessionId, projectId);
    if (isRefusal(reply)) return reply;
    const decision = await this.deps.apply(sessionId, {
      type: 'tenant-reply',
      project_id: projectId,
      body: reply,
      received_at: this.deps.clock().toISOString(),
    });
    return this.answered(decision, sessionId, projectId);
  }

  /** A reply's answer: accepted, a repeat answered like the first, or why it is refused. */
  private async answered(decision: Decision, sessionId: string, projectId: string): Promise<Outcome> {
    if (decision.kind === 'rejected') return { kind: 'invalid', message: decision.detail };
    if (decision.kind === 'applied') await this.deps.wake(sessionId);
    const outcome = decision.kind === 'applied' ? 'accepted' : decision.reason;
    // A repeated reply is answered like the first: the tenant may be retrying after a lost answer.
    if (decision.kind === 'ignored' && !['duplicate', 'late', 'stale'].includes(decision.reason))
      return { kind: 'conflict', message: decision.detail };
    return { kind: 'ok', body: { session_id: sessionId, project_id: projectId, outcome } };
  }

  /**
   * `PUT /v1/maintenance/{session_id}/{project_id}/{instance_id}`: the answer about one instance,
   * as Fenix's vnf workflow asks for it (`{state, instance_action}`); Fenix's default shape is
   * taken too, naming that instance alone.
   */
  async instanceReply(
    caller: Caller,
    sessionId: string,
    projectId: string,
    instanceId: string,
    body: unknown,
  ): Promise<Outcome> {
    const session = await this.visibleTo(caller, sessionId, projectId);
    if (isRefusal(session)) return session;
    const parsed = tenantReply.safeParse(body);
    if (!parsed.success) return { kind: 'invalid', message: issues(parsed.error) };
    const reply = parsed.data;
    if (reply.session_id !== undefined && reply.session_id !== sessionId) {
      return {
        kind: 'invalid',
        message: `session_id: the body names session ${JSON.stringify(reply.session_id)}, the path ${JSON.stringify(sessionId)}`,
      };
    }
    const actions =
      reply.instance_action !== undefined ? { [instanceId]: reply.instance_action } : reply.instance_actions;
    const decision = await this.deps.apply(sessionId, {
      type: 'tenant-reply',
      project_id: projectId,
      instance_id: instanceId,
      body: { state: reply.state, instance_actions: actions },
      received_at: this.deps.clock().toISOString(),
    });
    return this.answered(decision, sessionId, projectId);
  }

  /**
   * The session, if the caller may see its part for the project: its own project (or an
   * administrator), and a project that takes part. Otherwise 404, whether or not the session
   * exists, so that session ids cannot be probed.
   */
  private async visibleTo(caller: Caller, sessionId: string, projectId: string): Promise<Session | Refusal> {
    const project = tenantId.safeParse(projectId);
    if (!project.success) return { kind: 'invalid', message: `project_id: ${project.error.issues[0]?.message}` };
    if (!caller.isAdmin && caller.projectId !== projectId)
      return { kind: 'forbidden', message: `project ${caller.projectId} may not act for project ${projectId}` };
    const session = await this.deps.sessions.get(sessionId);
    if (!session || projectInstanceIds(session, projectId) === undefined) return notFound(sessionId);
    return session;
  }
}
