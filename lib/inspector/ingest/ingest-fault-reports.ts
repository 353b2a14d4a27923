import { z } from 'zod';
import type { FaultReportDetail } from '../../contracts/southbound';
import type { Outcome } from '../../platform/outcome';
import { quarantined, type Quarantine } from '../../platform/quarantine';
import type { FaultRecord } from '../fault-record';
import { reportFaultKey } from '../fault-signal';
import { normaliseAlertmanager } from './alertmanager';
import { normaliseDoctorEvents } from './doctor-events';

export interface IngestDeps {
  /** Puts one southbound event (detail-type fault.report) on the bus. */
  publish(detail: FaultReportDetail): Promise<void>;
  /** The correlator's record of a fault, to tell a sender whose clear clears nothing. */
  faults: { get(host: string, faultKey: string): Promise<FaultRecord | undefined> };
  quarantine: Quarantine;
  /** The zone a Doctor or Vitrage monitor's clock keeps, for its times written without one. */
  timeZoneOf: (monitor: string) => string;
  /** How far ahead of this clock a report may be dated. */
  maxClockSkewS: number;
  /** The largest request body taken, in bytes. */
  maxBodyBytes: number;
  clock: () => Date;
}

export type Origin = FaultReportDetail['origin'];

/** What the sender is told of an accepted report that will change nothing. */
export const ingestNote = z.object({ index: z.number().int().nonnegative(), note: z.string() });
export type IngestNote = z.infer<typeof ingestNote>;

/** The answer to a compatibility request: 200 when every event was accepted, else 400 with the same body. */
export const ingestAnswer = z.object({
  accepted: z.number().int().nonnegative(),
  rejected: z.array(z.object({ index: z.number().int().nonnegative(), reason: z.string() })),
  notes: z.array(ingestNote).optional(),
});
export type IngestAnswer = z.infer<typeof ingestAnswer>;

/**
 * A compatibility request: every valid event goes to the correlator as a southbound fault
 * report, every invalid one is kept in the quarantine with its reason and named in a 400.
 * A clear that clears nothing (no such fault is active, or the fault was reported since) is
 * accepted and named in `notes`, so that a sender is never told "accepted" without knowing it
 * did nothing. Repeating a request is harmless: the correlator ignores a report it already has.
 */
export async function ingestFaultReports(body: unknown, origin: Origin, deps: IngestDeps): Promise<Outcome> {
  const results =
    origin === 'alertmanager' ? normaliseAlertmanager(body) : normaliseDoctorEvents(body, origin, deps.timeZoneOf);
  const now = deps.clock();
  const checked = results.map((r) => {
    if (!r.ok) return r;
    const aheadS = (Date.parse(r.detail.observedAt) - now.getTime()) / 1000;
    if (aheadS <= deps.maxClockSkewS) return r;
    return {
      ok: false as const,
      index: results.indexOf(r),
      reason: `time ${r.detail.observedAt} is ${Math.round(aheadS)} s ahead of nfvi-doctor's clock (at most ${deps.maxClockSkewS} s): check the monitor's clock, or the zone configured for it`,
    };
  });
  const valid = checked.flatMap((r, index) => (r.ok ? [{ index, detail: r.detail }] : []));
  const rejected = checked.flatMap((r) => (r.ok ? [] : [{ index: r.index, reason: r.reason }]));
  const [notes] = await Promise.all([
    Promise.all(valid.map(({ index, detail }) => noteOn(index, detail, deps))),
    Promise.all(valid.map(({ detail }) => deps.publish(detail))),
  ]);
  if (rejected.length > 0) {
    const reason = rejected.map((r) => `event ${r.index}: ${r.reason}`).join('; ');
    await quarantined(deps.quarantine, { source: sourceOf(origin), reason, payload: body, receivedAt: now });
  }
  const answer: IngestAnswer = {
    accepted: valid.length,
    rejected,
    ...(notes.some(Boolean) ? { notes: notes.filter((n): n is IngestNote => n !== undefined) } : {}),
  };
  if (rejected.length === 0) return { kind: 'ok', body: answer };
  return { kind: 'invalid', message: `${rejected.length} of ${results.length} events refused`, details: answer };
}

/** A clear that will clear nothing, said as the correlator will judge it. */
async function noteOn(index: number, detail: FaultReportDetail, deps: IngestDeps): Promise<IngestNote | undefined> {
  if (detail.active) return undefined;
  const record = await deps.faults.get(detail.host, reportFaultKey(detail));
  const what = `${detail.faultType} of ${detail.host} from monitor ${detail.collectorId.replace(/^[a-z]+:/, '')}`;
  if (!record || record.status !== 'ACTIVE') return { index, note: `clears nothing: no ${what} is active` };
  const last = record.lastObservation;
  if (last.collectorId === detail.collectorId && last.seq > detail.seq) {
    return { index, note: `stale: the ${what} was reported at ${last.observedAt}, after this clear; it stays active` };
  }
  return undefined;
}

/** A compatibility request as it arrives: a body too large or not JSON is quarantined and refused. */
export async function ingestRequest(
  text: string | null | undefined,
  origin: Origin,
  deps: IngestDeps,
): Promise<Outcome> {
  const receivedAt = deps.clock();
  const bytes = Buffer.byteLength(text ?? '');
  if (bytes > deps.maxBodyBytes) {
    const reason = `the body is ${bytes} bytes; at most ${deps.maxBodyBytes} are taken`;
    await quarantined(deps.quarantine, { source: sourceOf(origin), reason, payload: text, receivedAt });
    return { kind: 'too-large', message: reason, details: { message: reason } };
  }
  let body: unknown;
  try {
    body = JSON.parse(text ?? '');
  } catch {
    const reason = 'the body is not JSON';
    await quarantined(deps.quarantine, { source: sourceOf(origin), reason, payload: text, receivedAt });
    return { kind: 'invalid', message: reason, details: { message: reason } };
  }
  return ingestFaultReports(body, origin, deps);
}

const sourceOf = (origin: Origin) => `compat-${origin}`;
