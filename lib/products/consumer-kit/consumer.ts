import type { Agent } from 'node:https';
import { z } from 'zod';
import { inMemory, type DuplicateMemory } from './duplicate-memory';
import { recogniseNotification, type ReceivedNotification, type SnsDelivery } from './received-notification';
import { SignatureVerifier, UntrustedMessageError } from './signature-verifier';
import { MESSAGE_TYPE_HEADER, snsEnvelope, type SnsNotificationEnvelope } from './sns-envelope';

export interface SnsConsumerOptions {
  /** Called once per notification, duplicates dropped; if it throws, the delivery fails and SNS retries it. */
  onNotification(notification: ReceivedNotification): void | Promise<void>;
  /**
   * The topics this endpoint subscribed to. Anyone can subscribe an endpoint to a topic of
   * their own, and their messages are signed by SNS too: give the list, and messages and
   * subscription requests from any other topic are refused. Omitted: any topic.
   */
  topicArns?: readonly string[];
  /** Agent for downloading signing certificates (the local stack's: localSnsCertificateAgent()). */
  requestAgent?: Agent;
  /** LocalStack's endpoint, whose own signing certificate is then accepted (never in production; see SignatureVerifierOptions). */
  localStackOrigin?: string;
  /** How many recent notification ids are remembered to drop duplicates (in memory). */
  duplicateWindow?: number;
  /** Where handled notification ids are remembered; a FileDuplicateMemory survives a restart. Default: in memory. */
  duplicates?: DuplicateMemory;
  /**
   * Messages older than this (by their SNS Timestamp) are refused, so that a recorded delivery
   * cannot be replayed later. Default 3,900 s: SNS retries an HTTP/S delivery for at most an hour.
   */
  maxAgeS?: number;
  /** Messages dated further ahead than this are refused too (default 300 s of clock skew). */
  maxFutureS?: number;
  /** The consumer's clock (tests). */
  clock?: () => number;
}

/** What became of one delivery. */
export type Receipt =
  | { outcome: 'handled'; notification: ReceivedNotification }
  | { outcome: 'duplicate'; id: string; sns: SnsDelivery }
  | { outcome: 'subscription-confirmed'; topicArn: string }
  /** Acknowledged, nothing done: `subscribeUrl` subscribes again, should the unsubscription be a mistake. */
  | { outcome: 'unsubscribed'; topicArn: string; subscribeUrl: string }
  /** Never handed over: 400 for a malformed delivery, 403 for one not provably from a wanted topic. */
  | { outcome: 'rejected'; status: 400 | 403; reason: string };

export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Visiting SubscribeURL failed: the subscription stays pending, SNS may ask again. */
export class SubscriptionConfirmationError extends Error {
  constructor(topicArn: string, cause: unknown) {
    super(`confirming the subscription to ${topicArn} failed: ${String(cause)}`, { cause });
    this.name = 'SubscriptionConfirmationError';
  }
}

const CONFIRMATION_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_AGE_S = 3900;
export const DEFAULT_MAX_FUTURE_S = 300;

/** Node lowercases header names, other frameworks may not. */
function headerValue(headers: RequestHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}

const rejected = (status: 400 | 403, reason: string): Receipt => ({ outcome: 'rejected', status, reason });

const deliveryOf = (envelope: SnsNotificationEnvelope): SnsDelivery => ({
  messageId: envelope.MessageId,
  topicArn: envelope.TopicArn,
  timestamp: envelope.Timestamp,
  ...(envelope.Subject !== undefined && { subject: envelope.Subject }),
  attributes: Object.fromEntries(Object.entries(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value])),
});

/**
 * nfvi-doctor's notifications for a VNF manager (or an operator's tool), from SNS HTTP(S)
 * deliveries. Primary course of `receive`:
 * 1. parse the body as an SNS message whose type agrees with the x-amz-sns-message-type header;
 * 2. refuse topics not subscribed to, and messages too old (a replay) or dated ahead; verify the SNS signature;
 * 3. confirm a subscription by visiting its SubscribeURL (acknowledge an unsubscription);
 * 4. type the notification, drop it if its id was seen recently, hand it to `onNotification`.
 * Thrown errors (a handler's, an unreachable certificate or SubscribeURL) mean "retry later".
 */
export class SnsConsumer {
  private readonly verifier: SignatureVerifier;
  private readonly recent: DuplicateMemory;

  constructor(private readonly options: SnsConsumerOptions) {
    this.verifier = new SignatureVerifier({
      requestAgent: options.requestAgent,
      localStackOrigin: options.localStackOrigin,
    });
    this.recent = options.duplicates ?? inMemory(options.duplicateWindow);
  }

  /** One delivery: the raw POST body as SNS sent it, and the request's headers. */
  async receive(body: string, headers: RequestHeaders): Promise<Receipt> {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return rejected(400, 'the body is not JSON');
    }
    const parsed = snsEnvelope.safeParse(json);
    if (!parsed.success) return rejected(400, `not an SNS message: ${z.prettifyError(parsed.error)}`);
    const envelope = parsed.data;
    const type = headerValue(headers, MESSAGE_TYPE_HEADER);
    if (type !== envelope.Type) {
      return rejected(
        400,
        `the ${MESSAGE_TYPE_HEADER} header (${type ?? 'absent'}) does not match Type ${envelope.Type}`,
      );
    }
    if (this.options.topicArns && !this.options.topicArns.includes(envelope.TopicArn)) {
      return rejected(403, `topic ${envelope.TopicArn} is not one this endpoint subscribed to`);
    }
    const stale = this.staleness(envelope.Timestamp);
    if (stale) return rejected(403, stale);
    try {
      await this.verifier.verify(json as Record<string, unknown>);
    } catch (error) {
      if (error instanceof UntrustedMessageError) return rejected(403, error.reason);
      throw error;
    }

    switch (envelope.Type) {
      case 'SubscriptionConfirmation':
        await this.confirm(envelope.TopicArn, envelope.SubscribeURL);
        return { outcome: 'subscription-confirmed', topicArn: envelope.TopicArn };
      case 'UnsubscribeConfirmation':
        return { outcome: 'unsubscribed', topicArn: envelope.TopicArn, subscribeUrl: envelope.SubscribeURL };
      case 'Notification':
        return this.handOver(recogniseNotification(envelope.Message, deliveryOf(envelope)));
    }
  }

  private async handOver(notification: ReceivedNotification): Promise<Receipt> {
    // Fault and recovery notifications keep their id when sent again; other messages only have SNS's.
    const id =
      notification.kind === 'alarm' || notification.kind === 'alarm-cleared' || notification.kind === 'recovery'
        ? notification.notification.id
        : notification.sns.messageId;
    if (this.recent.seenBefore(id)) return { outcome: 'duplicate', id, sns: notification.sns };
    try {
      await this.options.onNotification(notification);
    } catch (error) {
      this.recent.forget(id);
      throw error;
    }
    return { outcome: 'handled', notification };
  }

  /** Why a message is too old or too far ahead to take, if it is: a replay, or a wrong clock. */
  private staleness(timestamp: string): string | undefined {
    const sent = Date.parse(timestamp);
    if (Number.isNaN(sent)) return `the Timestamp ${timestamp} is not a time`;
    const ageS = ((this.options.clock ?? Date.now)() - sent) / 1000;
    const maxAgeS = this.options.maxAgeS ?? DEFAULT_MAX_AGE_S;
    const maxFutureS = this.options.maxFutureS ?? DEFAULT_MAX_FUTURE_S;
    if (ageS > maxAgeS) return `the message is ${Math.round(ageS)} s old: at most ${maxAgeS} s is taken (a replay?)`;
    if (-ageS > maxFutureS)
      return `the message is dated ${Math.round(-ageS)} s ahead: at most ${maxFutureS} s is taken`;
    return undefined;
  }

  private async confirm(topicArn: string, subscribeUrl: string): Promise<void> {
    try {
      const response = await fetch(subscribeUrl, { signal: AbortSignal.timeout(CONFIRMATION_TIMEOUT_MS) });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`GET SubscribeURL answered ${response.status}`);
    } catch (error) {
      throw new SubscriptionConfirmationError(topicArn, error);
    }
  }
}
