import type { Quarantine } from '../correlation/ports';
import type { FaultReportDetail } from '../southbound/collector-events';
import { normaliseAlertmanager } from './alertmanager';
import { normaliseDoctorEvents } from './doctor-events';

export interface IngestDeps {
  /** Puts one southbound event (detail-type fault.report) on the bus. */
  publish(detail: FaultReportDetail): Promise<void>;
  quarantine: Quarantine;
  clock: () => Date;
}

export interface IngestOutcome {
  status: 200 | 400;
  body: { accepted: number; rejected: { index: number; reason: string }[] };
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
): Promise<IngestOutcome> {
  const results = origin === 'alertmanager' ? normaliseAlertmanager(body) : normaliseDoctorEvents(body, origin);
  const valid = results.flatMap((r) => (r.ok ? [r.detail] : []));
  const rejected = results.flatMap((r) => (r.ok ? [] : [{ index: r.index, reason: r.reason }]));
  await Promise.all(valid.map((detail) => deps.publish(detail)));
  if (rejected.length > 0) {
    await deps.quarantine.put({
      source: `compat-${origin}`,
      reason: rejected.map((r) => `event ${r.index}: ${r.reason}`).join('; '),
      payload: body,
      receivedAt: deps.clock().toISOString(),
    });
  }
  return { status: rejected.length > 0 ? 400 : 200, body: { accepted: valid.length, rejected } };
}
