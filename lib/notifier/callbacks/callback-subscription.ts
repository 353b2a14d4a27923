import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import { fmNotificationsFilter, subscriptionAuthentication } from '../../contracts/sol003-fm';

const CALLBACK_SUBSCRIPTION_NAMESPACE = '0f6f7c1a-7a43-4d55-9c1e-2b8e4f7f1d30';

/**
 * A subscription whose notifications nfvi-doctor POSTs itself, as plain JSON, to the consumer's
 * callback: in SOL 003's notification shapes, or as the body Aodh would POST for an event alarm.
 * Kept under the project whose notifications it receives (the administrator's: the host ones).
 */
export const callbackSubscription = z.object({
  id: z.string(),
  tenantId: z.string(),
  format: z.enum(['sol003', 'aodh']),
  callbackUri: z.string(),
  filter: fmNotificationsFilter.optional(),
  authentication: subscriptionAuthentication.optional(),
  createdAt: z.string(),
});

export type CallbackSubscription = z.infer<typeof callbackSubscription>;

/** The same callback and filter from the same project name the same subscription (SOL 003's duplicate check). */
export function callbackSubscriptionIdOf(
  s: Pick<CallbackSubscription, 'tenantId' | 'format' | 'callbackUri' | 'filter'>,
) {
  const canonical = Object.fromEntries(
    Object.entries(s.filter ?? {})
      .filter(([, values]) => values !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, values]) => [key, [...(values as string[])].sort()]),
  );
  return uuidv5(JSON.stringify([s.tenantId, s.format, s.callbackUri, canonical]), CALLBACK_SUBSCRIPTION_NAMESPACE);
}
