/**
 * What Amazon SNS signs of a message it sends to an HTTP(S) endpoint: "<field>\n<value>\n" for
 * each of its type's fields that the message has, in this order (SNS's "Verifying the
 * signatures of Amazon SNS messages"; sns-payload-validator's lib/keys.js checks the same).
 */
export const SNS_SIGNED_FIELDS = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
} as const;

export type SignedSnsMessageType = keyof typeof SNS_SIGNED_FIELDS;

/** The string SNS signs for the message, or undefined for a type SNS does not sign. */
export function snsStringToSign(message: Readonly<Record<string, unknown>>): string | undefined {
  const fields: readonly string[] | undefined = SNS_SIGNED_FIELDS[message.Type as SignedSnsMessageType];
  return fields
    ?.filter((field) => message[field] !== undefined && message[field] !== null)
    .map((field) => `${field}\n${String(message[field])}\n`)
    .join('');
}
