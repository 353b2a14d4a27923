import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { fencingConfirmation } from '../../../fencing/confirm-fencing';
import { fenceRecord } from '../../../fencing/fencing';
import { alarmQuery } from '../../../notifier/alarm-query';
import { aodhSubscriptionRequest, aodhSubscriptionView } from '../../../notifier/callbacks/aodh-subscriptions';
import { subscriptionRequest, subscriptionView } from '../../../notifier/subscription';
import { alarmModifications, alarmOwner } from '../../../notifier/tenant-alarms';
import { tenantPolicyRequest, tenantPolicyView } from '../../../recovery/recovery-policy';
import { recoveryAnswerRequest } from '../../../recovery/tenant-recoveries';
import { alarm } from '../../etsi-alarm';
import { tenantId } from '../../inventory';
import { recoveryViewSchema } from '../../recovery-notification';
import { houseErrors } from '../errors';
import { json } from './media';

/** A subscription as POST /v1/subscriptions takes it: an SNS one, or (`format: "aodh"`) an Aodh-format callback. */
export const anySubscriptionRequest = z.union([subscriptionRequest, aodhSubscriptionRequest]);
export const anySubscriptionView = z.union([subscriptionView, aodhSubscriptionView]);

/** `tenantId` in the query: whose (administrators only; a tenant naming another project gets 403). */
const tenantScope = z.object({ tenantId: tenantId.optional() });

/**
 * The tenant fault API (functions/fault-api.ts): Doctor's FaultQuery and Subscribe after ETSI's
 * alarm and subscription resources, the tenant's recoveries and recovery policy, and manual
 * fencing. Every route is scoped to the token's project.
 */
export const faultApiRoutes: RouteConfig[] = [
  {
    method: 'get',
    path: '/v1/alarms',
    operationId: 'listAlarms',
    tags: ['Alarms'],
    summary: "The caller's alarms, newest first (FaultQuery)",
    description:
      "Active alarms unless `state` says otherwise. An administrator reads the host alarms, or a project's with `tenantId`. An unknown or malformed parameter answers 400 naming it.",
    request: { query: alarmQuery },
    responses: {
      200: { description: 'The alarms (ETSI Alarm, as notified).', content: json(z.array(alarm)) },
      ...houseErrors('BadRequest', 'Forbidden'),
    },
  },
  {
    method: 'get',
    path: '/v1/alarms/{alarmId}',
    operationId: 'getAlarm',
    tags: ['Alarms'],
    summary: 'One alarm',
    request: { params: z.object({ alarmId: z.string() }), query: alarmOwner },
    responses: {
      200: { description: 'The alarm.', content: json(alarm) },
      ...houseErrors('BadRequest', 'Forbidden', 'NotFound'),
    },
  },
  {
    method: 'patch',
    path: '/v1/alarms/{alarmId}',
    operationId: 'acknowledgeAlarm',
    tags: ['Alarms'],
    summary: 'Acknowledges an alarm, or takes the acknowledgement back',
    description: 'Kept when the alarm is later updated or cleared.',
    request: {
      params: z.object({ alarmId: z.string() }),
      query: alarmOwner,
      body: { required: true, content: json(alarmModifications) },
    },
    responses: {
      200: {
        description: 'The acknowledgement state now (ETSI AlarmModifications).',
        content: json(alarmModifications),
      },
      ...houseErrors('BadRequest', 'Forbidden', 'NotFound', 'Conflict'),
    },
  },
  {
    method: 'post',
    path: '/v1/subscriptions',
    operationId: 'createSubscription',
    tags: ['Subscriptions'],
    summary: "Subscribes an endpoint to the caller's notifications (Subscribe)",
    description:
      "An SNS subscription on the caller's topic (an administrator's: the admin topic, or a tenant's with `tenantId`), the filter as its filter policy. `callbackUri` is an http(s) URL outside the operator's internal networks (unless allowed) or an SQS queue ARN. The same endpoint on the same topic through another filter or project answers 409. With `format: \"aodh\"`, nfvi-doctor itself POSTs the caller's notifications to the callback as Aodh's event alarms (docs/asyncapi.json).",
    request: { body: { required: true, content: json(anySubscriptionRequest) } },
    responses: {
      200: { description: 'The same request again: the same subscription.', content: json(anySubscriptionView) },
      201: { description: 'Subscribed.', content: json(anySubscriptionView) },
      ...houseErrors('BadRequest', 'Forbidden', 'Conflict'),
    },
  },
  {
    method: 'get',
    path: '/v1/subscriptions',
    operationId: 'listSubscriptions',
    tags: ['Subscriptions'],
    summary: 'The subscriptions the caller created',
    responses: {
      200: { description: 'The subscriptions.', content: json(z.array(anySubscriptionView)) },
      ...houseErrors(),
    },
  },
  {
    method: 'get',
    path: '/v1/subscriptions/{id}',
    operationId: 'getSubscription',
    tags: ['Subscriptions'],
    summary: 'One subscription the caller created',
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: { description: 'The subscription.', content: json(anySubscriptionView) },
      ...houseErrors('NotFound'),
    },
  },
  {
    method: 'delete',
    path: '/v1/subscriptions/{id}',
    operationId: 'deleteSubscription',
    tags: ['Subscriptions'],
    summary: 'Deletes a subscription the caller created',
    request: { params: z.object({ id: z.string() }) },
    responses: {
      204: { description: 'Deleted; the SNS subscription ends with the last record that shares it.' },
      ...houseErrors('NotFound'),
    },
  },
  {
    method: 'get',
    path: '/v1/recoveries',
    operationId: 'listRecoveries',
    tags: ['Recovery'],
    summary: "The caller's recoveries after host deaths",
    request: { query: tenantScope },
    responses: {
      200: { description: 'The recoveries.', content: json(z.array(recoveryViewSchema)) },
      ...houseErrors('BadRequest', 'Forbidden'),
    },
  },
  {
    method: 'get',
    path: '/v1/recoveries/{recoveryId}',
    operationId: 'getRecovery',
    tags: ['Recovery'],
    summary: 'One recovery: state, per-instance progress, history',
    request: { params: z.object({ recoveryId: z.string() }), query: tenantScope },
    responses: {
      200: { description: 'The recovery.', content: json(recoveryViewSchema) },
      ...houseErrors('BadRequest', 'Forbidden', 'NotFound'),
    },
  },
  {
    method: 'put',
    path: '/v1/recoveries/{recoveryId}',
    operationId: 'answerRecovery',
    tags: ['Recovery'],
    summary: 'Answers a recovery during its grace period: recover now, or leave the instances to the tenant',
    description: 'The same answer again answers 200; after the grace period 409.',
    request: {
      params: z.object({ recoveryId: z.string() }),
      query: tenantScope,
      body: { required: true, content: json(recoveryAnswerRequest) },
    },
    responses: {
      200: { description: 'The recovery, answered.', content: json(recoveryViewSchema) },
      ...houseErrors('BadRequest', 'Forbidden', 'NotFound', 'Conflict'),
    },
  },
  {
    method: 'get',
    path: '/v1/recovery-policy',
    operationId: 'getRecoveryPolicy',
    tags: ['Recovery'],
    summary: "The caller's recovery policy (the stage default until it sets one)",
    request: { query: tenantScope },
    responses: {
      200: { description: 'The policy and where it comes from.', content: json(tenantPolicyView) },
      ...houseErrors('BadRequest', 'Forbidden'),
    },
  },
  {
    method: 'put',
    path: '/v1/recovery-policy',
    operationId: 'putRecoveryPolicy',
    tags: ['Recovery'],
    summary: "Sets the caller's recovery policy",
    description: "`graceS` above the stage's maximum answers 400.",
    request: { query: tenantScope, body: { required: true, content: json(tenantPolicyRequest) } },
    responses: {
      200: { description: 'The policy set.', content: json(tenantPolicyView) },
      ...houseErrors('BadRequest', 'Forbidden'),
    },
  },
  {
    method: 'put',
    path: '/v1/hosts/{host}/fencing',
    operationId: 'confirmFencing',
    tags: ['Fencing'],
    summary: 'Confirms by hand that a host its peers confirmed dead is powered off (administrators)',
    description:
      "What waited for fencing (evacuation) goes on, as after the fencer's HostFenced. 409 for a host not dead.",
    request: { params: z.object({ host: z.string() }), body: { required: true, content: json(fencingConfirmation) } },
    responses: {
      200: { description: "The host's fencing record.", content: json(fenceRecord) },
      ...houseErrors('BadRequest', 'Forbidden', 'Conflict'),
    },
  },
];
