/**
 * The consumer kit: what a VNF manager embeds to receive nfvi-doctor's notifications from its
 * SNS HTTP(S) subscription, verified, confirmed, deduplicated and typed. No AWS SDK inside.
 */
export type { AlarmClearedNotification, AlarmNotification } from '../../contracts/etsi-alarm';
export type { HostNotification, SessionNotification, TenantNotification } from '../../contracts/fenix';
export {
  DEFAULT_MAX_AGE_S,
  DEFAULT_MAX_FUTURE_S,
  SnsConsumer,
  SubscriptionConfirmationError,
  type Receipt,
  type RequestHeaders,
  type SnsConsumerOptions,
} from './consumer';
export { FileDuplicateMemory, inMemory, type DuplicateMemory } from './duplicate-memory';
export { snsHttpListener, type SnsHttpListenerOptions } from './http-listener';
export { recogniseNotification, type ReceivedNotification, type SnsDelivery } from './received-notification';
export { SigningCertificateUnavailableError } from './signature-verifier';
