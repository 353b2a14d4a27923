import { matchesPattern } from './event-pattern';
import type { MessageAttribute } from './query-protocol';

/**
 * A subscription's filter policy, as SNS applies it: on the message attributes (the default
 * scope) or on the message body (FilterPolicyScope MessageBody). The operators are EventBridge's
 * (exact, prefix, suffix, anything-but, numeric, exists, equals-ignore-case); a String.Array
 * attribute matches when any of its elements does.
 */
export function passesFilterPolicy(
  policy: Record<string, unknown>,
  scope: 'MessageAttributes' | 'MessageBody',
  message: string,
  attributes: Record<string, MessageAttribute>,
): boolean {
  if (scope === 'MessageBody') {
    try {
      const body = JSON.parse(message) as unknown;
      return body !== null && typeof body === 'object' && matchesPattern(policy, body as Record<string, unknown>);
    } catch {
      return false;
    }
  }
  const values = Object.fromEntries(Object.entries(attributes).map(([name, attribute]) => [name, valueOf(attribute)]));
  return matchesPattern(policy, values);
}

function valueOf(attribute: MessageAttribute): unknown {
  const text = attribute.StringValue ?? '';
  if (attribute.DataType.startsWith('Number')) return Number(text);
  if (attribute.DataType === 'String.Array') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** SNS's HTTP/S delivery policy (`healthyRetryPolicy`), all delays in seconds. */
export interface HealthyRetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  numMaxDelayRetries: number;
  backoffFunction: 'linear' | 'arithmetic' | 'geometric' | 'exponential';
}

/** By default SNS tries an HTTP/S endpoint three more times, 20 seconds apart. */
export const DEFAULT_HTTP_POLICY: HealthyRetryPolicy = {
  minDelayTarget: 20,
  maxDelayTarget: 20,
  numRetries: 3,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  numMaxDelayRetries: 0,
  backoffFunction: 'linear',
};

/** AWS-managed endpoints (Lambda, SQS): 3 at once, 2 a second apart, 10 backing off to 20 s, then every 20 s for 23 days. */
export const MANAGED_ENDPOINT_POLICY: HealthyRetryPolicy = {
  minDelayTarget: 1,
  maxDelayTarget: 20,
  numRetries: 100_015,
  numNoDelayRetries: 3,
  numMinDelayRetries: 2,
  numMaxDelayRetries: 100_000,
  backoffFunction: 'exponential',
};

/** The longest an HTTP/S delivery policy may keep retrying, a hard limit of SNS. */
export const MAX_HTTP_RETRY_S = 3600;

/** The policy a subscription's DeliveryPolicy attribute gives it (SNS's defaults for what it leaves out). */
export function healthyRetryPolicyOf(deliveryPolicy: string | undefined): HealthyRetryPolicy {
  if (!deliveryPolicy) return DEFAULT_HTTP_POLICY;
  const parsed = JSON.parse(deliveryPolicy) as { healthyRetryPolicy?: Partial<HealthyRetryPolicy> };
  return { ...DEFAULT_HTTP_POLICY, ...parsed.healthyRetryPolicy };
}

/** The delay (seconds) before retry number `retry` (1-based), or undefined once the policy is spent. */
export function retryDelayS(policy: HealthyRetryPolicy, retry: number): number | undefined {
  if (retry > policy.numRetries) return undefined;
  if (retry <= policy.numNoDelayRetries) return 0;
  if (retry <= policy.numNoDelayRetries + policy.numMinDelayRetries) return policy.minDelayTarget;
  const backoffRetries =
    policy.numRetries - policy.numNoDelayRetries - policy.numMinDelayRetries - policy.numMaxDelayRetries;
  const step = retry - policy.numNoDelayRetries - policy.numMinDelayRetries;
  if (step > backoffRetries || backoffRetries <= 1) return policy.maxDelayTarget;
  const progress = (step - 1) / (backoffRetries - 1);
  const { minDelayTarget: min, maxDelayTarget: max } = policy;
  switch (policy.backoffFunction) {
    case 'exponential':
    case 'geometric':
      return min * (max / min) ** progress;
    case 'arithmetic':
      return min + (max - min) * progress ** 2;
    default:
      return min + (max - min) * progress;
  }
}

/** The total time (seconds) a policy keeps retrying, for SNS's 3,600-second limit on HTTP/S. */
export function totalRetryS(policy: HealthyRetryPolicy): number {
  let total = 0;
  for (let retry = 1; retry <= policy.numRetries; retry++) total += retryDelayS(policy, retry) ?? 0;
  return total;
}
