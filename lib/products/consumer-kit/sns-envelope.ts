import { z } from 'zod';

/*
 * The JSON body Amazon SNS POSTs to an HTTP(S) subscriber
 * (https://docs.aws.amazon.com/sns/latest/dg/http-header.html). Only the fields the
 * signature covers are required beyond the signature itself: SNS omits Subject when the
 * publisher gave none, and MessageAttributes when there are none.
 */

/** The header SNS names the message type in; it must agree with the body's `Type`. */
export const MESSAGE_TYPE_HEADER = 'x-amz-sns-message-type';

const signed = {
  MessageId: z.string(),
  TopicArn: z.string(),
  Message: z.string(),
  Timestamp: z.string(),
  // Any string: an unsupported version is the signature verifier's to reject, with its reason.
  SignatureVersion: z.string(),
  Signature: z.string(),
  SigningCertURL: z.string(),
};

/** One message attribute; Binary values are base64, every other type a string. */
export const snsMessageAttribute = z.object({ Type: z.string(), Value: z.string() });

export const snsNotificationEnvelope = z.object({
  Type: z.literal('Notification'),
  ...signed,
  Subject: z.string().optional(),
  UnsubscribeURL: z.string().optional(),
  MessageAttributes: z.record(z.string(), snsMessageAttribute).optional(),
});

const confirmation = { ...signed, SubscribeURL: z.string(), Token: z.string() };

export const snsSubscriptionConfirmationEnvelope = z.object({
  Type: z.literal('SubscriptionConfirmation'),
  ...confirmation,
});

export const snsUnsubscribeConfirmationEnvelope = z.object({
  Type: z.literal('UnsubscribeConfirmation'),
  ...confirmation,
});

export const snsEnvelope = z.discriminatedUnion('Type', [
  snsNotificationEnvelope,
  snsSubscriptionConfirmationEnvelope,
  snsUnsubscribeConfirmationEnvelope,
]);

export type SnsNotificationEnvelope = z.infer<typeof snsNotificationEnvelope>;
export type SnsSubscriptionConfirmationEnvelope = z.infer<typeof snsSubscriptionConfirmationEnvelope>;
export type SnsUnsubscribeConfirmationEnvelope = z.infer<typeof snsUnsubscribeConfirmationEnvelope>;
export type SnsEnvelope = z.infer<typeof snsEnvelope>;
export type SnsMessageType = SnsEnvelope['Type'];
