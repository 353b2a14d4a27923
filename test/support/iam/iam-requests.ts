import type { RecordedCall } from '../../../lib/platform/aws-call-log';
import type { Where } from './cloudformation';

/** One request IAM authorizes: an action on a resource. */
export interface IamRequest {
  action: string;
  resource: string;
  /** Why the request is made: the recorded call, or what AWS does on the function's behalf. */
  because: string;
}

/** Publishing to a topic, or sending to a queue, encrypted with a customer-managed key uses the key (SNS and SQS SSE). */
export const keyUse = (where: Where, because: string): IamRequest[] =>
  where.customerKey
    ? ['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({
        action,
        resource: where.customerKey as string,
        because,
      }))
    : [];

/** The stage the calls were recorded on, and the one they are judged on (table and topic names carry it). */
export interface Stages {
  recorded: string;
  judged: string;
}

/**
 * The IAM requests AWS makes of a function's role for one SDK call, as the services document
 * them: a DynamoDB transaction needs each of its item actions on each table, a PublishBatch is
 * authorized as sns:Publish, a CreateTopic with tags needs sns:TagResource too, a Publish to a
 * topic or a send to a queue under a customer key needs kms:GenerateDataKey and kms:Decrypt on that key. (The
 * credentials parameters are SecureStrings under the aws/ssm key, which needs no grant.)
 */
export function iamRequestsOf(call: RecordedCall, where: Where, stages: Stages): IamRequest[] {
  const r = call.resources;
  const rename = (text: string) =>
    text
      .replaceAll(`nfvi-doctor-${stages.recorded}`, `nfvi-doctor-${stages.judged}`)
      .replaceAll(`/nfvi-doctor/${stages.recorded}/`, `/nfvi-doctor/${stages.judged}/`)
      .replace(
        /^arn:aws:(\w+):[^:]*:\d{12}:/,
        (_, service: string) => `arn:aws:${service}:${where.region}:${where.account}:`,
      );
  const because = `${call.client} ${call.command}`;
  const action = call.command.replace(/Command$/, '');
  const request = (service: string, name: string, resource: string): IamRequest => ({
    action: `${service}:${name}`,
    resource: rename(resource),
    because,
  });
  const arn = (service: string, rest: string) => `arn:aws:${service}:${where.region}:${where.account}:${rest}`;
  const table = (name: string, index?: unknown) =>
    arn('dynamodb', `table/${name}${typeof index === 'string' ? `/index/${index}` : ''}`);
  const topicOfSubscription = (subscription: string) => subscription.split(':').slice(0, 6).join(':');

  switch (call.client.replace(/Client$/, '')) {
    case 'DynamoDB':
    case 'DynamoDBDocument': {
      if (action === 'TransactWriteItems' || action === 'TransactGetItems') {
        const itemActions: Record<string, string> = {
          Put: 'PutItem',
          Update: 'UpdateItem',
          Delete: 'DeleteItem',
          ConditionCheck: 'ConditionCheckItem',
          Get: 'GetItem',
        };
        return (r.TransactItems as Record<string, string>[]).flatMap((item) =>
          Object.entries(item).map(([kind, name]) => request('dynamodb', itemActions[kind] ?? kind, table(name))),
        );
      }
      if (Array.isArray(r.Tables))
        return (r.Tables as string[]).map((name) => request('dynamodb', action, table(name)));
      return [request('dynamodb', action, table(String(r.TableName), r.IndexName))];
    }
    case 'SNS': {
      switch (action) {
        case 'CreateTopic': {
          const topic = arn('sns', String(r.Name));
          return [request('sns', 'CreateTopic', topic), ...(r.Tags ? [request('sns', 'TagResource', topic)] : [])];
        }
        case 'Publish':
        case 'PublishBatch':
          return [request('sns', 'Publish', String(r.TopicArn ?? r.TargetArn)), ...keyUse(where, because)];
        case 'Unsubscribe':
        case 'GetSubscriptionAttributes':
        case 'SetSubscriptionAttributes':
          return [request('sns', action, topicOfSubscription(String(r.SubscriptionArn)))];
        case 'TagResource':
        case 'UntagResource':
        case 'ListTagsForResource':
          return [request('sns', action, String(r.ResourceArn))];
        default:
          return [request('sns', action, String(r.TopicArn ?? '*'))];
      }
    }
    case 'EventBridge':
      return (r.EventBusNames as string[]).map((bus) =>
        request('events', action, bus.startsWith('arn:') ? bus : arn('events', `event-bus/${bus}`)),
      );
    case 'SSM': {
      const names = (r.Names as string[] | undefined) ?? [String(r.Name)];
      return names.map((name) =>
        request('ssm', action, arn('ssm', `parameter${name.startsWith('/') ? '' : '/'}${name}`)),
      );
    }
    case 'SQS': {
      const queue = String(r.QueueUrl ?? r.QueueName)
        .split('/')
        .pop() as string;
      const sends = action === 'SendMessage' || action === 'SendMessageBatch';
      return [request('sqs', action, arn('sqs', queue)), ...(sends ? keyUse(where, because) : [])];
    }
    default:
      throw new Error(`no IAM mapping for ${because} of ${call.function}`);
  }
}
