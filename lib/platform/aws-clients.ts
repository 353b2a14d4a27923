import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { logAwsCalls } from './aws-call-log';
import { tracer } from './observability';

/**
 * SDK clients, created once per container and shared by the adapters.
 * Endpoints come from the SDK's own configuration (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL_SNS, AWS_ENDPOINT_URL_EVENTBRIDGE), so the same code runs on AWS,
 * on the local emulators and on LocalStack. Each call is traced (X-Ray, on AWS) and, on the
 * local stack, recorded for the IAM simulation.
 */
export interface AwsClients {
  dynamo: DynamoDBDocumentClient;
  sns: SNSClient;
  eventBridge: EventBridgeClient;
}

let clients: AwsClients | undefined;

/** An SDK client whose calls are traced and recorded (see aws-call-log.ts). */
export const observedClient = <C extends Parameters<typeof logAwsCalls>[0]>(client: C): C =>
  logAwsCalls(tracer ? tracer.captureAWSv3Client(client) : client);

export function awsClients(): AwsClients {
  clients ??= {
    dynamo: DynamoDBDocumentClient.from(observedClient(new DynamoDBClient({})), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sns: observedClient(new SNSClient({})),
    eventBridge: observedClient(new EventBridgeClient({})),
  };
  return clients;
}

/** Closes the clients' connections, so that a script or test run can exit. */
export function destroyAwsClients(): void {
  if (!clients) return;
  clients.dynamo.destroy();
  clients.sns.destroy();
  clients.eventBridge.destroy();
  clients = undefined;
}
