import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  alarmModifications,
  apiVersionInformation,
  fmSubscription,
  fmSubscriptionRequest,
  SOL003_FM_API_VERSION,
  SOL003_FM_URI_PREFIX,
  sol003Alarm,
} from '../../sol003-fm';
import { problems, VERSION_HEADER } from '../errors';
import { json } from './media';

/** SOL 013's `Version` header: every request names the API version it speaks, every response the one it answers in. */
export const versionHeaderComponent = () => ({
  description: `The version of the API (SOL 013 4.6): ${SOL003_FM_API_VERSION}.`,
  required: true,
  schema: { type: 'string' as const, example: SOL003_FM_API_VERSION },
});

const requestHeaders = z.object({
  Version: z.string().meta({
    description: `The API version the request speaks: ${SOL003_FM_API_VERSION} (missing: 400; one not supported: 406).`,
    example: SOL003_FM_API_VERSION,
  }),
});

/** SOL 013's api_versions resource is answered whatever the version. */
const optionalVersion = z.object({ Version: requestHeaders.shape.Version.optional() });

const LINK_HEADER = {
  description:
    'Paging (SOL 013 5.4.2.3): `<...?nextpage_opaque_marker=...>; rel="next"` while more pages follow; absent on the last page.',
  schema: { type: 'string' as const },
};

const LOCATION_HEADER = {
  description: 'The URI of the subscription.',
  required: true,
  schema: { type: 'string' as const, format: 'uri' },
};

/** SOL 013 attribute-based filtering and paging of a list. */
const listQuery = z.object({
  filter: z
    .string()
    .optional()
    .meta({ description: 'Attribute-based filter (SOL 013 5.2), e.g. `(eq,perceivedSeverity,CRITICAL)`.' }),
  nextpage_opaque_marker: z
    .string()
    .optional()
    .meta({ description: 'The marker of the next page, from the `Link` header of the previous one.' }),
});

const withVersion = { Version: VERSION_HEADER };

const path = (rest: string) => `${SOL003_FM_URI_PREFIX}${rest}`;
const tags = ['SOL 003 fault management'];

/**
 * ETSI NFV-SOL 003 (v3.3.1) VNF fault management, `/vnffm/v1`, API version 1.3.0: the VIM's
 * alarms and their subscriptions, for VNF managers written against SOL 003.
 */
export const vnffmRoutes: RouteConfig[] = [
  {
    method: 'get',
    path: path('/api_versions'),
    operationId: 'getVnffmApiVersions',
    tags,
    summary: 'The API versions offered (SOL 013 ApiVersionInformation)',
    request: { headers: optionalVersion },
    responses: {
      200: { description: 'The versions.', headers: withVersion, content: json(apiVersionInformation) },
      ...problems(),
    },
  },
  {
    method: 'get',
    path: path('/alarms'),
    operationId: 'listVnffmAlarms',
    tags,
    summary: "The caller's alarms, filtered and paged",
    request: { headers: requestHeaders, query: listQuery },
    responses: {
      200: {
        description: 'One page of alarms.',
        headers: { ...withVersion, Link: LINK_HEADER },
        content: json(z.array(sol003Alarm)),
      },
      ...problems(),
    },
  },
  {
    method: 'get',
    path: path('/alarms/{alarmId}'),
    operationId: 'getVnffmAlarm',
    tags,
    summary: 'One alarm',
    request: { headers: requestHeaders, params: z.object({ alarmId: z.string() }) },
    responses: {
      200: { description: 'The alarm.', headers: withVersion, content: json(sol003Alarm) },
      ...problems('ProblemNotFound'),
    },
  },
  {
    method: 'patch',
    path: path('/alarms/{alarmId}'),
    operationId: 'modifyVnffmAlarm',
    tags,
    summary: 'Acknowledges an alarm, or takes the acknowledgement back',
    description:
      'A JSON merge patch (RFC 7396; plain JSON is taken too, as some SOL 003 clients send it); 409 if the alarm already is in that state.',
    request: {
      headers: requestHeaders,
      params: z.object({ alarmId: z.string() }),
      body: {
        required: true,
        content: {
          'application/merge-patch+json': { schema: alarmModifications },
          'application/json': { schema: alarmModifications },
        },
      },
    },
    responses: {
      200: { description: 'The modifications made.', headers: withVersion, content: json(alarmModifications) },
      ...problems('ProblemNotFound', 'ProblemConflict', 'ProblemUnsupportedMediaType'),
    },
  },
  {
    method: 'post',
    path: path('/subscriptions'),
    operationId: 'createVnffmSubscription',
    tags,
    summary: "Subscribes a callback to the caller's fault notifications",
    description:
      "Before answering, nfvi-doctor tests the callback with a GET (with the subscription's authentication), which must answer 204 No Content; otherwise 422. An identical subscription of the caller answers 303 See Other to it.",
    request: { headers: requestHeaders, body: { required: true, content: json(fmSubscriptionRequest) } },
    responses: {
      201: {
        description: 'Subscribed.',
        headers: { ...withVersion, Location: LOCATION_HEADER },
        content: json(fmSubscription),
      },
      303: {
        description: 'An identical subscription exists: `Location` names it.',
        headers: { ...withVersion, Location: LOCATION_HEADER },
      },
      ...problems('ProblemUnsupportedMediaType', 'ProblemUnprocessableEntity'),
    },
  },
  {
    method: 'get',
    path: path('/subscriptions'),
    operationId: 'listVnffmSubscriptions',
    tags,
    summary: 'The subscriptions the caller created, filtered and paged',
    request: { headers: requestHeaders, query: listQuery },
    responses: {
      200: {
        description: 'One page of subscriptions.',
        headers: { ...withVersion, Link: LINK_HEADER },
        content: json(z.array(fmSubscription)),
      },
      ...problems(),
    },
  },
  {
    method: 'get',
    path: path('/subscriptions/{subscriptionId}'),
    operationId: 'getVnffmSubscription',
    tags,
    summary: 'One subscription',
    request: { headers: requestHeaders, params: z.object({ subscriptionId: z.string() }) },
    responses: {
      200: { description: 'The subscription.', headers: withVersion, content: json(fmSubscription) },
      ...problems('ProblemNotFound'),
    },
  },
  {
    method: 'delete',
    path: path('/subscriptions/{subscriptionId}'),
    operationId: 'deleteVnffmSubscription',
    tags,
    summary: 'Ends a subscription',
    request: { headers: requestHeaders, params: z.object({ subscriptionId: z.string() }) },
    responses: {
      204: { description: 'Deleted.', headers: withVersion },
      ...problems('ProblemNotFound'),
    },
  },
];
