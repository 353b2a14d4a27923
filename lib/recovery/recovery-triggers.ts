import { z } from 'zod';
import {
  CORRELATOR_SOURCE,
  faultCleared,
  faultConfirmed,
  FENCING_SOURCE,
  hostFenced,
  RECOVERY_ANSWERED,
  RECOVERY_SOURCE,
  recoveryAnswered,
  type FaultCleared,
  type FaultConfirmed,
} from '../contracts/bus-events';

const trigger = z.discriminatedUnion('detail-type', [
  z.object({
    source: z.literal(CORRELATOR_SOURCE),
    'detail-type': z.literal('FaultConfirmed'),
    detail: faultConfirmed,
  }),
  z.object({ source: z.literal(CORRELATOR_SOURCE), 'detail-type': z.literal('FaultCleared'), detail: faultCleared }),
  z.object({ source: z.literal(FENCING_SOURCE), 'detail-type': z.literal('HostFenced'), detail: hostFenced }),
  z.object({
    source: z.literal(RECOVERY_SOURCE),
    'detail-type': z.literal(RECOVERY_ANSWERED),
    detail: recoveryAnswered,
  }),
]);

export type RecoveryTrigger =
  | { kind: 'host-death'; fault: FaultConfirmed }
  | { kind: 'host-back'; fault: FaultCleared }
  | { kind: 'host-fenced'; host: string }
  | { kind: 'answered'; key: z.infer<typeof recoveryAnswered> }
  | { kind: 'invalid'; reason: string };

/** What woke the recovery workflow; a malformed event is named with the reason. */
export function recoveryTrigger(raw: unknown): RecoveryTrigger {
  const parsed = trigger.safeParse(raw);
  if (!parsed.success) return { kind: 'invalid', reason: z.prettifyError(parsed.error) };
  const event = parsed.data;
  switch (event['detail-type']) {
    case 'FaultConfirmed':
      return { kind: 'host-death', fault: event.detail };
    case 'FaultCleared':
      return { kind: 'host-back', fault: event.detail };
    case 'HostFenced':
      return { kind: 'host-fenced', host: event.detail.host };
    case RECOVERY_ANSWERED:
      return { kind: 'answered', key: event.detail };
  }
}
