import { OpenApiGeneratorV31, getRefId } from '@asteasolutions/zod-to-openapi';
import { version } from '../../../package.json';
import {
  CORRELATOR_SOURCE,
  FENCING_SOURCE,
  MAINTENANCE_SOURCE,
  OPERATOR_SOURCE,
  RECOVERY_SOURCE,
  VIM_ADAPTER_SOURCE,
} from '../bus-events';
import {
  AODH_CALLBACK_MESSAGES,
  BUS_EVENT_MESSAGES,
  HEADER_SCHEMAS,
  MESSAGES,
  SOL003_CALLBACK_MESSAGES,
  TELEMETRY_MESSAGES,
  TOPIC_MESSAGES,
  type MessageSpec,
} from './asyncapi-messages';
import { asAsyncApiSchema } from './asyncapi-schema';
import { nameSchemas } from './schema-names';

type Json = Record<string, unknown>;

const ref = ($ref: string) => ({ $ref });

function schemaRef(schema: MessageSpec['payload']): Json {
  const name = getRefId(schema);
  if (!name)
    throw new Error('a message payload must be a named schema (lib/contracts/api-description/schema-names.ts)');
  return ref(`#/components/schemas/${name}`);
}

/** A message of components/messages: an EventBridge event's payload is the whole event, its detail the named schema. */
function messageOf(name: string, spec: MessageSpec): Json {
  const payload = spec.event
    ? {
        type: 'object',
        description: 'The EventBridge event (as a rule target receives it, with id, time, account and region besides).',
        properties: {
          source: { type: 'string', const: spec.event.source },
          'detail-type': { type: 'string', const: spec.event.detailType },
          detail: schemaRef(spec.payload),
        },
        required: ['source', 'detail-type', 'detail'],
      }
    : schemaRef(spec.payload);
  return {
    name,
    title: spec.title,
    summary: spec.summary,
    contentType: 'application/json',
    ...(spec.headers ? { headers: spec.headers } : {}),
    payload,
  };
}

/** A channel's messages, each a reference to components/messages. */
const channelMessages = (messages: Record<string, MessageSpec>) =>
  Object.fromEntries(Object.keys(messages).map((name) => [name, ref(`#/components/messages/${name}`)]));

/** An operation's messages, each a reference to the channel's. */
const operationMessages = (channel: string, messages: Record<string, MessageSpec> | string[]) =>
  (Array.isArray(messages) ? messages : Object.keys(messages)).map((name) =>
    ref(`#/channels/${channel}/messages/${name}`),
  );

const STAGE = {
  description: 'The stage (`serverless deploy --stage`): `local` for the local stack.',
  examples: ['prod'],
};

const fromSource = (source: string, messages: Record<string, MessageSpec>) =>
  Object.entries(messages)
    .filter(([, spec]) => spec.event?.source === source)
    .map(([name]) => name);

export type AsyncApiDocument = Json & { asyncapi: '3.0.0' };

/**
 * The AsyncAPI 3.0 document of what nfvi-doctor sends and receives without being asked: the
 * notifications on the SNS topics, the callbacks it POSTs (SOL 003 and Aodh formats), and the
 * events on its EventBridge bus. Message payloads are the zod schemas' JSON Schemas, shared
 * with the OpenAPI document's names.
 */
export function asyncApiDocument(): AsyncApiDocument {
  nameSchemas();
  const generator = new OpenApiGeneratorV31(
    [...Object.values(MESSAGES).map((spec) => spec.payload), ...HEADER_SCHEMAS].map((schema) => ({
      type: 'schema' as const,
      schema,
    })),
    { sortComponents: 'alphabetically' },
  );
  const { components } = generator.generateComponents();
  const bus = { ...TELEMETRY_MESSAGES, ...BUS_EVENT_MESSAGES };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'nfvi-doctor notifications and events',
      version,
      description:
        "What nfvi-doctor tells without being asked (docs/api.md): ETSI alarm, maintenance and recovery notifications on each tenant's SNS topic and the admin topic; SOL 003 and Aodh-format notifications POSTed to subscribers' callbacks; and the events on its EventBridge bus, the collectors' telemetry among them. Generated from the zod schemas in lib/ (`npm run api:describe`).",
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      sns: {
        host: 'sns.{region}.amazonaws.com',
        protocol: 'sns',
        description: "Amazon SNS of the stage's region: subscribe with `POST /v1/subscriptions` or SNS itself.",
        variables: { region: { default: 'us-east-1' } },
      },
      eventBridge: {
        host: 'events.{region}.amazonaws.com',
        protocol: 'https',
        description: "Amazon EventBridge of the stage's region (PutEvents; rules on the bus).",
        variables: { region: { default: 'us-east-1' } },
      },
      subscriber: {
        host: '{callbackHost}',
        protocol: 'https',
        description: "The subscriber's own endpoint: the callbackUri of its subscription (http or https).",
        variables: { callbackHost: { description: 'Host (and port) of the callbackUri.' } },
      },
    },
    channels: {
      tenantTopic: {
        address: 'nfvi-doctor-{stage}-tenant-{tenantId}',
        title: "A tenant's topic",
        description:
          "Each tenant's own SNS topic (`GET /v1/tenants/{tenantId}/topic`): the alarms of its instances, its maintenance and its recoveries, and nobody else's. Delivery is at least once.",
        servers: [ref('#/servers/sns')],
        parameters: { stage: STAGE, tenantId: { description: 'The tenant (Keystone project id).' } },
        messages: channelMessages({
          AlarmNotification: TOPIC_MESSAGES.AlarmNotification,
          AlarmClearedNotification: TOPIC_MESSAGES.AlarmClearedNotification,
          MaintenanceScheduled: TOPIC_MESSAGES.MaintenanceScheduled,
          RecoveryNotification: TOPIC_MESSAGES.RecoveryNotification,
        }),
      },
      adminTopic: {
        address: 'nfvi-doctor-{stage}-admin',
        title: 'The admin topic',
        description:
          "The administrator's topic: the root-cause host alarms, maintenance of hosts and sessions, every recovery. Delivery is at least once.",
        servers: [ref('#/servers/sns')],
        parameters: { stage: STAGE },
        messages: channelMessages({
          AlarmNotification: TOPIC_MESSAGES.AlarmNotification,
          AlarmClearedNotification: TOPIC_MESSAGES.AlarmClearedNotification,
          MaintenanceHost: TOPIC_MESSAGES.MaintenanceHost,
          MaintenanceSession: TOPIC_MESSAGES.MaintenanceSession,
          RecoveryNotification: TOPIC_MESSAGES.RecoveryNotification,
        }),
      },
      sol003Callback: {
        address: null,
        title: "A SOL 003 subscriber's callback",
        description:
          'The callbackUri of a subscription made with `POST /vnffm/v1/subscriptions`: tested with a GET (answer 204) before the subscription is created, then each notification matching its filter POSTed (answer 204). A delivery that fails is tried again with backoff.',
        servers: [ref('#/servers/subscriber')],
        messages: channelMessages(SOL003_CALLBACK_MESSAGES),
      },
      aodhCallback: {
        address: null,
        title: "An Aodh-format subscriber's callback",
        description:
          'The callbackUri of a subscription made with `POST /v1/subscriptions` and `format: "aodh"`: nfvi-doctor POSTs what Aodh\'s REST notifier would for the event alarms a VNF manager written against Aodh creates. A delivery that fails is tried again with backoff.',
        servers: [ref('#/servers/subscriber')],
        messages: channelMessages(AODH_CALLBACK_MESSAGES),
      },
      eventBus: {
        address: 'nfvi-doctor-{stage}',
        title: 'The event bus',
        description:
          "The stage's EventBridge bus: the collectors' telemetry (southbound), nfvi-doctor's own events for its functions, and operator automation's answers. An event no rule expects is quarantined by the correlator.",
        servers: [ref('#/servers/eventBridge')],
        parameters: { stage: STAGE },
        messages: channelMessages(bus),
      },
    },
    operations: {
      notifyTenant: {
        action: 'send',
        channel: ref('#/channels/tenantTopic'),
        title: 'Notify a tenant',
        summary: "Each instance alarm to its owner's topic only; its maintenance and recoveries.",
        messages: operationMessages('tenantTopic', [
          'AlarmNotification',
          'AlarmClearedNotification',
          'MaintenanceScheduled',
          'RecoveryNotification',
        ]),
      },
      notifyAdministrator: {
        action: 'send',
        channel: ref('#/channels/adminTopic'),
        title: 'Notify the administrator',
        summary: 'The root-cause host alarms, maintenance of hosts and sessions, every recovery.',
        messages: operationMessages('adminTopic', [
          'AlarmNotification',
          'AlarmClearedNotification',
          'MaintenanceHost',
          'MaintenanceSession',
          'RecoveryNotification',
        ]),
      },
      callBackSol003Subscriber: {
        action: 'send',
        channel: ref('#/channels/sol003Callback'),
        title: 'POST a SOL 003 notification',
        summary:
          "Each notification matching the subscription's filter, with the Version header and its authentication.",
        bindings: { http: { method: 'POST' } },
        messages: operationMessages('sol003Callback', SOL003_CALLBACK_MESSAGES),
      },
      callBackAodhSubscriber: {
        action: 'send',
        channel: ref('#/channels/aodhCallback'),
        title: 'POST an Aodh event alarm',
        summary: 'Each notification that has an Aodh equivalent, as the event alarm it would fire.',
        bindings: { http: { method: 'POST' } },
        messages: operationMessages('aodhCallback', AODH_CALLBACK_MESSAGES),
      },
      receiveTelemetry: {
        action: 'receive',
        channel: ref('#/channels/eventBus'),
        title: "Receive the collectors' telemetry",
        summary:
          'Source nfvi.collector: validated by the correlator; what does not match is quarantined with the reason.',
        messages: operationMessages('eventBus', TELEMETRY_MESSAGES),
      },
      sendFaultEvents: {
        action: 'send',
        channel: ref('#/channels/eventBus'),
        title: 'Announce faults',
        summary: 'Source nfvi.correlator: to the VIM adapter, the fencer and the recovery workflow.',
        messages: operationMessages('eventBus', fromSource(CORRELATOR_SOURCE, bus)),
      },
      sendVimActions: {
        action: 'send',
        channel: ref('#/channels/eventBus'),
        title: "Report the VIM adapter's actions",
        summary: 'Source nfvi.vim-adapter: for observers.',
        messages: operationMessages('eventBus', fromSource(VIM_ADAPTER_SOURCE, bus)),
      },
      sendFencingEvents: {
        action: 'send',
        channel: ref('#/channels/eventBus'),
        title: 'Report fencing',
        summary: 'Source nfvi.fencing: to the correlator and the recovery workflow.',
        messages: operationMessages('eventBus', fromSource(FENCING_SOURCE, bus)),
      },
      sendRecoveryEvents: {
        action: 'send',
        channel: ref('#/channels/eventBus'),
        title: 'Wake the recovery workflow',
        summary: 'Source nfvi.recovery: from the fault API.',
        messages: operationMessages('eventBus', fromSource(RECOVERY_SOURCE, bus)),
      },
      sendMaintenanceEvents: {
        action: 'send',
        channel: ref('#/channels/eventBus'),
        title: 'Drive the maintenance workflow, ask the operator',
        summary: "Source nfvi.maintenance: the workflow's wake-up call, and the operator hook.",
        messages: operationMessages('eventBus', fromSource(MAINTENANCE_SOURCE, bus)),
      },
      receiveOperatorAnswers: {
        action: 'receive',
        channel: ref('#/channels/eventBus'),
        title: "Receive operator automation's answers",
        summary: 'Source nfvi.operator: the answers to the operator hook, to the maintenance workflow.',
        messages: operationMessages('eventBus', fromSource(OPERATOR_SOURCE, bus)),
      },
    },
    components: {
      schemas: asAsyncApiSchema(components?.schemas ?? {}),
      messages: Object.fromEntries(Object.entries(MESSAGES).map(([name, spec]) => [name, messageOf(name, spec)])),
    },
  };
}
