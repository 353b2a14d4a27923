import { randomUUID } from 'node:crypto';
import { signSnsMessage, type SignableSnsMessage, type SnsSigningIdentity } from './sns-signing';

/*
 * serverless-offline-sns 0.78.2 (dist/helpers.js createSnsTopicEvent) POSTs its own variant of
 * SNS's HTTP notification: Signature "EXAMPLE", SigningCertUrl and UnsubscribeUrl in Lambda's
 * casing, MessageStructure, and no x-amz-sns-* headers. Real SNS sends
 * https://docs.aws.amazon.com/sns/latest/dg/http-header.html; this rewrites one into the other.
 */

/** What serverless-offline-sns puts in a non-raw delivery, of what SNS's format keeps. */
interface OfflineSnsEvent {
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  MessageStructure?: string;
  Timestamp: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** The fields of a serverless-offline-sns subscription this needs. */
export interface OfflineSnsSubscription {
  SubscriptionArn: string;
  Endpoint: string;
}

export interface SnsHttpDelivery {
  body: string;
  headers: Record<string, string>;
}

/** With MessageStructure "json", SNS sends each protocol its own entry, or the default one. */
function messageFor(event: OfflineSnsEvent, endpoint: string): string {
  if (event.MessageStructure !== 'json') return event.Message;
  const messages = JSON.parse(event.Message) as Record<string, string | undefined>;
  return messages[new URL(endpoint).protocol.replace(':', '')] ?? (messages.default as string);
}

/** SNS's headers for a message to a subscription. */
const headersOf = (message: SignableSnsMessage, subscription: OfflineSnsSubscription): Record<string, string> => ({
  'x-amz-sns-message-type': message.Type,
  'x-amz-sns-message-id': message.MessageId,
  'x-amz-sns-topic-arn': message.TopicArn,
  'x-amz-sns-subscription-arn': subscription.SubscriptionArn,
  'content-type': 'text/plain; charset=UTF-8',
  'user-agent': 'Amazon Simple Notification Service Agent',
});

/**
 * The SubscriptionConfirmation SNS sends a new HTTP(S) subscription before any notification,
 * signed like them; visiting `subscribeUrl` confirms it.
 */
export function signedSubscriptionConfirmation(
  subscription: OfflineSnsSubscription & { TopicArn: string },
  identity: SnsSigningIdentity,
  token: string,
  subscribeUrl: string,
): SnsHttpDelivery {
  const message: SignableSnsMessage = {
    Type: 'SubscriptionConfirmation',
    MessageId: randomUUID(),
    Token: token,
    TopicArn: subscription.TopicArn,
    Message: `You have chosen to subscribe to the topic ${subscription.TopicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: subscribeUrl,
    Timestamp: new Date().toISOString(),
  };
  const envelope = {
    ...message,
    ...signSnsMessage(message, identity.privateKey),
    SigningCertURL: identity.certificateUrl,
  };
  return { body: JSON.stringify(envelope), headers: headersOf(message, subscription) };
}

/**
 * The POST SNS would make for an offline SNS event: SNS's fields, casing and order, signed
 * with the local key (SignatureVersion 2), and SNS's headers. `snsEndpoint` is the emulator's
 * URL, for UnsubscribeURL.
 */
export function signedHttpDelivery(
  offlineEvent: string,
  subscription: OfflineSnsSubscription,
  identity: SnsSigningIdentity,
  snsEndpoint: string,
): SnsHttpDelivery {
  const event = JSON.parse(offlineEvent) as OfflineSnsEvent;
  const message: SignableSnsMessage = {
    Type: 'Notification',
    MessageId: event.MessageId,
    TopicArn: event.TopicArn,
    ...(event.Subject !== undefined && { Subject: event.Subject }),
    Message: messageFor(event, subscription.Endpoint),
    Timestamp: event.Timestamp,
  };
  const attributes = event.MessageAttributes ?? {};
  const envelope = {
    ...message,
    ...signSnsMessage(message, identity.privateKey),
    SigningCertURL: identity.certificateUrl,
    UnsubscribeURL: `${snsEndpoint}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscription.SubscriptionArn)}`,
    // SNS leaves the field out when a message has no attributes.
    ...(Object.keys(attributes).length > 0 && { MessageAttributes: attributes }),
  };
  return { body: JSON.stringify(envelope), headers: headersOf(message, subscription) };
}
