import { splitReplyState, type TenantReply, type TenantReplyBody } from '../../contracts/fenix';
import type { Refusal } from '../../platform/outcome';
import type { Session } from '../session/session';

/**
 * A tenant's reply, in either shape, as the session takes it (`{state, instance_actions}`), or
 * the refusal of a reply whose `session_id` is not the path's session.
 *
 * ASSUMPTION (the vnf workflow's shape, `{state, instance_action}`): Fenix's vnf workflow asks
 * about one instance at a time and the reply's action is for that instance. nfvi-doctor keeps no
 * per-instance request: a round asks each project about all its instances concerned at once. So
 * `instance_action` applies to every instance the project is asked about in the current round,
 * when the round awaits the state the reply answers; otherwise no instance is named and the
 * session decides the reply as any other to a state it does not await (stale, or not awaited).
 * The round is the one this request read: if another round of the same state opened since, the
 * session refuses actions for instances that round does not ask about.
 */
export function replyBodyOf(
  reply: TenantReply,
  session: Session,
  sessionId: string,
  projectId: string,
): TenantReplyBody | Refusal {
  if (reply.session_id !== undefined && reply.session_id !== sessionId) {
    return {
      kind: 'invalid',
      message: `session_id: the body names session ${JSON.stringify(reply.session_id)}, the path ${JSON.stringify(sessionId)}`,
    };
  }
  if (reply.instance_action === undefined) return { state: reply.state, instance_actions: reply.instance_actions };
  const round = session.round;
  const asked =
    round?.state === splitReplyState(reply.state).state ? (round.projects[projectId]?.instance_ids ?? []) : [];
  const action = reply.instance_action;
  return { state: reply.state, instance_actions: Object.fromEntries(asked.map((id) => [id, action])) };
}
