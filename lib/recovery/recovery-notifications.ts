import { v5 as uuidv5 } from 'uuid';
import { RECOVERY_EVENT_TYPE, type RecoveryNotification } from '../contracts/recovery-notification';
import { type Publication } from '../notifier/ports';
import { recoveryView, type Recovery } from './recovery';

const NOTIFICATION_ID_NAMESPACE = 'b6e0f3a0-2f55-4c4e-8d0f-7d8e2f0c9b14';

/**
 * A recovery's new state to its tenant and to the administrator. The id derives from the
 * recovery's version, so a notification sent again keeps its id and consumers drop the copy.
 */
export function recoveryPublications(r: Recovery, apiUrl: string, timeStamp: string): Publication[] {
  const grace = r.state === 'GRACE' && !r.answer;
  const notification: RecoveryNotification = {
    id: uuidv5(`${r.recoveryId}#${r.version}`, NOTIFICATION_ID_NAMESPACE),
    notificationType: 'RecoveryNotification',
    timeStamp,
    recovery: recoveryView(r),
    ...(grace ? { replyUrl: `${apiUrl.replace(/\/$/, '')}/v1/recoveries/${r.recoveryId}` } : {}),
    allowedAnswers: grace ? ['PROCEED', 'DECLINE'] : [],
  };
  const attributes = { eventType: RECOVERY_EVENT_TYPE, state: r.state, host: r.host, tenantId: r.tenantId };
  return [
    { audience: { kind: 'tenant', tenantId: r.tenantId }, notification, attributes },
    { audience: { kind: 'admin' }, notification, attributes },
  ];
}
