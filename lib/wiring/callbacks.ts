import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbAlarmViews } from '../adapters/dynamodb/dynamodb-alarm-views';
import { DynamoDbCallbackSubscriptions } from '../adapters/dynamodb/dynamodb-callback-subscriptions';
import { DynamoDbPendingDeliveries } from '../adapters/dynamodb/dynamodb-pending-deliveries';
import { HttpCallbacks } from '../adapters/http/http-callbacks';
import { tenantOfTopicArn } from '../adapters/sns/tenant-topics';
import { SqsDeliveryDeadLetters } from '../adapters/sqs/sqs-delivery-dead-letters';
import { aodhEventAlarmOf } from '../notifier/aodh-event-alarm';
import { DispatchCallbacks } from '../notifier/callbacks/dispatch-callbacks';
import { RetryCallbacks } from '../notifier/callbacks/retry-callbacks';
import { vnffmLinks } from '../notifier/vnffm/vnffm-links';
import { awsClients, observedClient } from '../platform/aws-clients';
import { config } from '../platform/config';

let dispatcher: { dispatch: DispatchCallbacks; projectOfTopic: (topicArn: string) => string | undefined } | undefined;
let retries: RetryCallbacks | undefined;

function common() {
  const cfg = config();
  const { dynamo } = awsClients();
  return {
    cfg,
    subscriptions: new DynamoDbCallbackSubscriptions(dynamo, cfg.callbacks.subscriptionsTable),
    callbacks: new HttpCallbacks(cfg.callbacks.timeoutMs),
    pending: new DynamoDbPendingDeliveries(dynamo, cfg.callbacks.deliveriesTable),
    links: vnffmLinks(cfg.maintenance.apiUrl),
    schedule: cfg.callbacks.schedule,
    clock: () => new Date(),
  };
}

/**
 * The callback dispatcher's use case on its adapters, wired once per container, and whose
 * notifications a topic carries: the admin topic the administrator's, a tenant topic its tenant's.
 */
export function callbackDispatcher() {
  if (dispatcher) return dispatcher;
  const { cfg, ...deps } = common();
  const { dynamo } = awsClients();
  dispatcher = {
    dispatch: new DispatchCallbacks({
      ...deps,
      alarms: new DynamoDbAlarmViews(dynamo, cfg.alarmViewsTable, cfg.alarmRetentionDays),
      aodhBodyOf: aodhEventAlarmOf,
    }),
    projectOfTopic: (topicArn) =>
      topicArn === cfg.adminTopicArn ? cfg.adminProjectId : tenantOfTopicArn(cfg.topicPrefix, topicArn),
  };
  return dispatcher;
}

/** The callback retries' use case on its adapters, wired once per container. */
export function callbackRetries(): RetryCallbacks {
  if (retries) return retries;
  const { cfg, ...deps } = common();
  const queueUrl = cfg.callbacks.deadLetterQueueUrl;
  if (!queueUrl)
    throw new Error('NFVI_CALLBACK_DEAD_LETTER_QUEUE_URL is not set: nowhere to keep what cannot be delivered');
  retries = new RetryCallbacks({
    ...deps,
    deadLetters: new SqsDeliveryDeadLetters(observedClient(new SQSClient({})), queueUrl),
  });
  return retries;
}
