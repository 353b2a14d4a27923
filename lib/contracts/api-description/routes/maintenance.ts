import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  projectInstances,
  sessionCreated,
  sessionDeleted,
  sessionDetail,
  sessionList,
  sessionView,
  tenantReplyAnswer,
} from '../../../maintenance/api/session-view';
import { instanceConstraint, instanceGroupConstraint } from '../../../maintenance/constraints/constraints';
import { createSessionBody, defaultWorkflowReply, vnfWorkflowReply } from '../../fenix';
import { houseErrors } from '../errors';
import { json } from './media';

/**
 * The two shapes `tenantReply` takes, as the document shows them: its "not both" rule (a `never`
 * field in each, which OpenAPI cannot say) is the union's, told in the route's description.
 */
export const documentedTenantReply = z.union([
  defaultWorkflowReply.omit({ instance_action: true }),
  vnfWorkflowReply.omit({ instance_actions: true }),
]);

const session = z.object({ session_id: z.string() });
const sessionAndProject = z.object({ session_id: z.string(), project_id: z.string() });
const sessionProjectInstance = sessionAndProject.extend({ instance_id: z.string() });

/** Fenix's maintenance sessions (functions/maintenance-api.ts). */
const sessionRoutes: RouteConfig[] = [
  {
    method: 'post',
    path: '/v1/maintenance',
    operationId: 'createMaintenanceSession',
    tags: ['Maintenance'],
    summary: 'Creates a maintenance session (administrators)',
    description:
      "Fenix's body; `hosts: []` means every compute host. `maintenance_at` as Fenix writes it (UTC) or ISO 8601.",
    request: { body: { required: true, content: json(createSessionBody) } },
    responses: {
      200: { description: 'Created; the workflow starts.', content: json(sessionCreated) },
      ...houseErrors('BadRequest', 'Forbidden'),
    },
  },
  {
    method: 'get',
    path: '/v1/maintenance',
    operationId: 'listMaintenanceSessions',
    tags: ['Maintenance'],
    summary: 'The maintenance sessions (administrators)',
    responses: {
      200: { description: 'The sessions, oldest first.', content: json(sessionList) },
      ...houseErrors('Forbidden'),
    },
  },
  {
    method: 'get',
    path: '/v1/maintenance/{session_id}',
    operationId: 'getMaintenanceSession',
    tags: ['Maintenance'],
    summary: "One session: state, per-host progress and why hosts wait, the tenants' replies, moves, history",
    request: { params: session },
    responses: {
      200: { description: 'The session.', content: json(sessionView) },
      ...houseErrors('Forbidden', 'NotFound'),
    },
  },
  {
    method: 'get',
    path: '/v1/maintenance/{session_id}/detail',
    operationId: 'getMaintenanceSessionDetail',
    tags: ['Maintenance'],
    summary: 'One session with its action plug-ins, downloads and every instance taking part (administrators)',
    request: { params: session },
    responses: {
      200: { description: "The session, as Fenix's detail shows it.", content: json(sessionDetail) },
      ...houseErrors('Forbidden', 'NotFound'),
    },
  },
  {
    method: 'delete',
    path: '/v1/maintenance/{session_id}',
    operationId: 'deleteMaintenanceSession',
    tags: ['Maintenance'],
    summary: 'Cancels a session (administrators): one under way fails cleanly, its hosts back in service',
    request: { params: session },
    responses: {
      200: { description: 'The state the session is left in.', content: json(sessionDeleted) },
      ...houseErrors('Forbidden', 'NotFound'),
    },
  },
  {
    method: 'get',
    path: '/v1/maintenance/{session_id}/{project_id}',
    operationId: 'getProjectInstances',
    tags: ['Maintenance'],
    summary: "The project's instances concerned now (the project, or an administrator)",
    description: 'A session the project takes no part in answers 404, whether or not it exists.',
    request: { params: sessionAndProject },
    responses: {
      200: { description: "The project's instances.", content: json(projectInstances) },
      ...houseErrors('BadRequest', 'Forbidden', 'NotFound'),
    },
  },
  {
    method: 'put',
    path: '/v1/maintenance/{session_id}/{project_id}',
    operationId: 'replyToMaintenance',
    tags: ['Maintenance'],
    summary: "The project's reply: ACK_<STATE> or NACK_<STATE>, with instance_actions or one instance_action",
    description:
      "Fenix's default workflow's body (`instance_actions`, an action per instance) or its vnf workflow's (`instance_action`, one action for the instances asked about), not both.",
    request: { params: sessionAndProject, body: { required: true, content: json(documentedTenantReply) } },
    responses: {
      200: { description: 'Taken; a repeated reply is answered like the first.', content: json(tenantReplyAnswer) },
      ...houseErrors('BadRequest', 'Forbidden', 'NotFound', 'Conflict'),
    },
  },
  {
    method: 'put',
    path: '/v1/maintenance/{session_id}/{project_id}/{instance_id}',
    operationId: 'replyForInstance',
    tags: ['Maintenance'],
    summary: "The project's reply about one instance, as Fenix's vnf workflow asks for it",
    description:
      "The `reply_url` of a vnf-workflow notice about one instance. Fenix's vnf body (`{state, instance_action}`) or the default one naming that instance alone; an instance not asked about answers 400.",
    request: { params: sessionProjectInstance, body: { required: true, content: json(documentedTenantReply) } },
    responses: {
      200: { description: 'Taken; a repeated reply is answered like the first.', content: json(tenantReplyAnswer) },
      ...houseErrors('BadRequest', 'Forbidden', 'NotFound', 'Conflict'),
    },
  },
];

/** `project_id` in the query: an administrator names the project whose constraint it reads or deletes. */
const projectQuery = z.object({ project_id: z.string().optional() });

/** Fenix's constraint routes, for instances and instance groups (functions/maintenance-constraints.ts). */
function constraintRoutes(
  kind: 'instance' | 'instance_group',
  constraint: typeof instanceConstraint | typeof instanceGroupConstraint,
  request: z.ZodType,
): RouteConfig[] {
  const what = kind === 'instance' ? 'instance' : 'instance group';
  const path = `/v1/${kind}/{id}`;
  const params = z.object({ id: z.string() });
  const tag = kind === 'instance' ? 'InstanceConstraint' : 'InstanceGroupConstraint';
  return [
    {
      method: 'put',
      path,
      operationId: `put${tag}`,
      tags: ['Constraints'],
      summary: `Sets the maintenance constraint of an ${what} of the caller's project`,
      description:
        kind === 'instance'
          ? 'Only for an instance the project owns in Nova; `instance_id` defaults to the one in the path.'
          : '`group_id` defaults to the one in the path.',
      request: { params, body: { required: true, content: json(request) } },
      responses: {
        200: { description: 'The constraint as kept (defaults filled in).', content: json(constraint) },
        ...houseErrors('BadRequest', 'Forbidden'),
      },
    },
    {
      method: 'get',
      path,
      operationId: `get${tag}`,
      tags: ['Constraints'],
      summary: `The maintenance constraint of an ${what}`,
      request: { params, query: projectQuery },
      responses: {
        200: { description: 'The constraint.', content: json(constraint) },
        ...houseErrors('NotFound'),
      },
    },
    {
      method: 'delete',
      path,
      operationId: `delete${tag}`,
      tags: ['Constraints'],
      summary: `Deletes the maintenance constraint of an ${what}`,
      request: { params, query: projectQuery },
      responses: { 204: { description: 'Deleted.' }, ...houseErrors('NotFound') },
    },
  ];
}

export const maintenanceRoutes: RouteConfig[] = [
  ...sessionRoutes,
  ...constraintRoutes('instance', instanceConstraint, instanceConstraint.partial({ instance_id: true })),
  ...constraintRoutes('instance_group', instanceGroupConstraint, instanceGroupConstraint.partial({ group_id: true })),
];
