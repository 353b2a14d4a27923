import { z } from 'zod';
import {
  FENCING_SOURCE,
  hostFenced,
  hostFencingFailed,
  type FencingEvent,
  type HostFenced,
} from '../contracts/bus-events';
import { catalogueEntry } from '../contracts/fault-catalogue';
import type { FaultSignal } from './fault-signal';
import { PEERS_FAULT_KEY } from './peer-quorum';

type ActionableSignal = Exclude<FaultSignal, { kind: 'vote' }>;

/** The fault key of a host's fencing-failed alarm (administrator only). */
export const FENCING_FAULT_KEY = 'fencing';

const fencingEnvelope = z.discriminatedUnion('detail-type', [
  z.object({ source: z.literal(FENCING_SOURCE), 'detail-type': z.literal('HostFenced'), detail: hostFenced }),
  z.object({
    source: z.literal(FENCING_SOURCE),
    'detail-type': z.literal('HostFencingFailed'),
    detail: hostFencingFailed,
  }),
]);

/** Undefined when the event is not the fencer's; otherwise the event or why it is malformed. */
export function parseFencingEvent(
  raw: unknown,
): { ok: true; event: FencingEvent } | { ok: false; reason: string } | undefined {
  if ((raw as { source?: unknown } | null)?.source !== FENCING_SOURCE) return undefined;
  const parsed = fencingEnvelope.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error) };
  const event = parsed.data;
  return { ok: true, event: { detailType: event['detail-type'], detail: event.detail } as FencingEvent };
}

/** The fencer orders its own events by time: one observer, milliseconds as its sequence. */
const fencerObservation = (host: string, at: string) => ({
  collectorId: `nfvi-fencing:${host}`,
  seq: Date.parse(at),
  observedAt: at,
});

/**
 * What a fencing event changes: HostFenced updates the host-down alarm (first) and clears a
 * fencing-failed alarm an earlier attempt raised; HostFencingFailed raises that alarm.
 */
export function fencingSignalsOf(event: FencingEvent): [ActionableSignal, ...ActionableSignal[]] {
  if (event.detailType === 'HostFenced') {
    const d = event.detail;
    return [
      {
        kind: 'fenced',
        host: d.host,
        faultKey: PEERS_FAULT_KEY,
        hostAlarmId: d.hostAlarmId,
        detail: fencedDetail(d),
        observation: fencerObservation(d.host, d.fencedAt),
      },
      fencingFailureCleared(d.host, d.fencedAt, `fenced through ${d.method} at ${d.fencedAt}`),
    ];
  }
  const d = event.detail;
  return [
    {
      kind: 'condition',
      host: d.host,
      faultKey: FENCING_FAULT_KEY,
      active: true,
      fault: catalogueEntry('compute.host.fencing.failed'),
      faultDetails: [
        d.reason,
        `${d.attempts} power-off attempts; recovery of the host's instances that needs fencing waits`,
      ],
      observation: fencerObservation(d.host, d.failedAt),
      adminOnly: true,
    },
  ];
}

/** Clears a host's fencing-failed alarm: it was fenced after all, or it is back (the death is over). */
export function fencingFailureCleared(host: string, at: string, why: string): ActionableSignal {
  return {
    kind: 'condition',
    host,
    faultKey: FENCING_FAULT_KEY,
    active: false,
    fault: catalogueEntry('compute.host.fencing.failed'),
    faultDetails: [why],
    observation: fencerObservation(host, at),
    adminOnly: true,
  };
}
/** The line of a host-down alarm's faultDetails that says whether the host is fenced. */
export const FENCING_DETAIL_PREFIX = 'fencing: ';

export const notFencedDetail = (): string =>
  `${FENCING_DETAIL_PREFIX}NOT_FENCED (the host's power is not known to be off)`;

export const fencedDetail = (fenced: HostFenced): string =>
  fenced.method === 'manual'
    ? `${FENCING_DETAIL_PREFIX}FENCED (powered off, as an administrator confirmed at ${fenced.fencedAt})`
    : `${FENCING_DETAIL_PREFIX}FENCED (powered off through its BMC by ${fenced.method} at ${fenced.fencedAt}; power state read back: off)`;
