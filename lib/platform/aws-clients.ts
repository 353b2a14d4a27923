import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * SDK clients, created once per container and shared by the adapters.
 * Endpoints come from the SDK's own configuration (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL_SNS, AWS_ENDPOINT_URL_EVENTBRIDGE), so the same code runs on AWS,
 * on the local emulators and on LocalStack.
 */
export interface AwsClients {
  dynamo: DynamoDBDocumentClient;
  sns: SNSClient;
  eventBridge: EventBridgeClient;
}

let clients: AwsClients | undefined;

export function awsClients(): AwsClients {
  clients ??= {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sns: new SNSClient({}),
    eventBridge: new EventBridgeClient({}),
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
