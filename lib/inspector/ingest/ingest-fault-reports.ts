import type { FaultReportDetail } from '../../contracts/southbound';
import { type Outcome } from '../../platform/outcome';
import { quarantined, type Quarantine } from '../../platform/quarantine';
import { normaliseAlertmanager } from './alertmanager';
import { normaliseDoctorEvents } from './doctor-events';

export interface IngestDeps {
  /** Puts one southbound event (detail-type fault.report) on the bus. */
  publish(detail: FaultReportDetail): Promise<void>;
  quarantine: Quarantine;
  clock: () => Date;
}

/**
 * A compatibility request: every valid event goes to the correlator as a southbound fault
 * report, every invalid one is kept in the quarantine with its reason and named in a 400.
 * Repeating a request is harmless: the correlator ignores a report it already has.
 */
export async function ingestFaultReports(
  body: unknown,
  origin: FaultReportDetail['origin'],
  deps: IngestDeps,
): Promise<Outcome> {
  const results = origin === 'alertmanager' ? normaliseAlertmanager(body) : normaliseDoctorEvents(body, origin);
  const valid = results.flatMap((r) => (r.ok ? [r.detail] : []));
  const rejected = results.flatMap((r) => (r.ok ? [] : [{ index: r.index, reason: r.reason }]));
  await Promise.all(valid.map((detail) => deps.publish(detail)));
  if (rejected.length > 0) {
    const reason = rejected.map((r) => `event ${r.index}: ${r.reason}`).join('; ');
    await quarantined(deps.quarantine, { source: sourceOf(origin), reason, payload: body, receivedAt: deps.clock() });
  }
  const counts = { accepted: valid.length, rejected };
  if (rejected.length === 0) return { kind: 'ok', body: counts };
  return { kind: 'invalid', message: `${rejected.length} of ${results.length} events refused`, details: counts };
}

/** A compatibility request as it arrives: a body that is not JSON is quarantined and refused. */
export async function ingestRequest(
  text: string | null | undefined,
  origin: FaultReportDetail['origin'],
  deps: IngestDeps,
): Promise<Outcome> {
  let body: unknown;
  try {
    body = JSON.parse(text ?? '');
  } catch {
    const reason = 'the body is not JSON';
    await quarantined(deps.quarantine, { source: sourceOf(origin), reason, payload: text, receivedAt: deps.clock() });
    return { kind: 'invalid', message: reason, details: { message: reason } };
  }
  return ingestFaultReports(body, origin, deps);
}

const sourceOf = (origin: FaultReportDetail['origin']) => `compat-${origin}`;
