import { parseCollectorEvent } from '../../../lib/contracts/southbound';
import { faultSignalOf } from '../../../lib/inspector/fault-signal';
import { normaliseAlertmanager } from '../../../lib/inspector/ingest/alertmanager';
import { normaliseDoctorEvents } from '../../../lib/inspector/ingest/doctor-events';
import { ingestFaultReports } from '../../../lib/inspector/ingest/ingest-fault-reports';
import { type QuarantineEntry } from '../../../lib/platform/quarantine';
import { httpOf } from '../../support/http-outcome';

/** Exactly what Doctor's sample monitor PUTs to the inspector's /events (doctor_tests/monitor/sample.py). */
const sampleMonitorPayload = [
  {
    id: 'monitor_sample_id1',
    time: '2026-11-25T10:04:00.123456',
    type: 'compute.host.down',
    details: {
      hostname: 'compute-2',
      status: 'down',
      monitor: 'monitor_sample',
      monitor_event_id: 'monitor_sample_event1',
    },
  },
];

/** What Vitrage's Doctor datasource takes on POST /v1/event. */
const vitrageEvent = (status: 'down' | 'up', time: string) => ({
  time,
  type: 'compute.host.nic.error',
  details: { hostname: 'compute-3', source: 'sample_monitor', cause: 'link-down', status, monitor_event_id: 'e-7' },
});

const accepted = (results: ReturnType<typeof normaliseDoctorEvents>) =>
  results.map((r) => {
    if (!r.ok) throw new Error(r.reason);
    return r.detail;
  });

describe('Compatibility ingest: Doctor inspector API and Vitrage Doctor datasource', () => {
  it("reads Doctor's sample monitor payload unchanged as a host-down report of that monitor", () => {
    expect(accepted(normaliseDoctorEvents(sampleMonitorPayload, 'doctor'))).toEqual([
      {
        host: 'compute-2',
        collectorId: 'doctor:monitor_sample',
        seq: Date.parse('2026-11-25T10:04:00.123Z') * 1000 + 456,
        observedAt: '2026-11-25T10:04:00.123Z',
        faultType: 'compute.host.down',
        active: true,
        origin: 'doctor',
        message: 'monitor_sample reported compute.host.down down (monitor_sample_event1)',
      },
    ]);
  });

  it("reads Doctor's collectd plugin payload (a time without fraction or zone) as UTC", () => {
    const collectd = [{ ...sampleMonitorPayload[0], id: 'monitor_collectd_id1', time: '2026-11-25T10:04:00' }];
    const [detail] = accepted(normaliseDoctorEvents(collectd, 'doctor'));
    expect(detail?.observedAt).toBe('2026-11-25T10:04:00.000Z');
  });

  it('gives a Vitrage event raised then cleared increasing seqs from its monitor, so the clear wins', () => {
    const [down] = accepted(normaliseDoctorEvents(vitrageEvent('down', '2026-11-25T10:04:00.000001'), 'vitrage'));
    const [up] = accepted(normaliseDoctorEvents(vitrageEvent('up', '2026-11-25T10:04:00.000002'), 'vitrage'));
    expect(down).toMatchObject({ collectorId: 'vitrage:sample_monitor', active: true, host: 'compute-3' });
    expect(up).toMatchObject({ collectorId: 'vitrage:sample_monitor', active: false });
    expect((up?.seq ?? 0) - (down?.seq ?? 0)).toBe(1);
  });

  it('produces a valid southbound event, which the catalogue maps like any collector fault', () => {
    const [detail] = accepted(normaliseDoctorEvents(sampleMonitorPayload, 'doctor'));
    const parsed = parseCollectorEvent({ source: 'nfvi.collector', 'detail-type': 'fault.report', detail });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(faultSignalOf(parsed.event)).toMatchObject({
      kind: 'condition',
      host: 'compute-2',
      faultKey: 'report:doctor:monitor_sample:compute.host.down',
      active: true,
      fault: { faultType: 'compute.host.down', perceivedSeverity: 'CRITICAL' },
    });
  });

  it.each([
    [
      'an unknown fault type',
      [{ ...sampleMonitorPayload[0], type: 'compute.host.bored' }],
      /fault type of the catalogue/,
    ],
    ['no hostname', [{ ...sampleMonitorPayload[0], details: { status: 'down' } }], /hostname/],
    ['an unreadable time', [{ ...sampleMonitorPayload[0], time: 'yesterday' }], /ISO 8601/],
    [
      'a status other than down or up',
      [{ ...sampleMonitorPayload[0], details: { hostname: 'h', status: 'meh' } }],
      /status/,
    ],
    ['an object instead of an array', sampleMonitorPayload[0], /JSON array/],
    ['an empty array', [], /no events/],
  ])('rejects %s with the reason', (_what, body, reason) => {
    const [result] = normaliseDoctorEvents(body, 'doctor');
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('publishes the valid events of a request, quarantines the invalid ones and names them in a 400', async () => {
    const published: unknown[] = [];
    const kept: QuarantineEntry[] = [];
    const body = [...sampleMonitorPayload, { ...sampleMonitorPayload[0], type: 'nope' }];
    const outcome = httpOf(
      await ingestFaultReports(body, 'doctor', {
        publish: async (detail) => {
          published.push(detail);
        },
        quarantine: { put: async (entry) => (kept.push(entry), 'id') },
        clock: () => new Date('2026-11-25T10:05:00Z'),
      }),
    );
    expect(outcome).toMatchObject({ status: 400, body: { accepted: 1, rejected: [{ index: 1 }] } });
    expect(published).toHaveLength(1);
    expect(kept).toEqual([
      expect.objectContaining({ source: 'compat-doctor', payload: body, reason: expect.stringMatching(/^event 1: /) }),
    ]);
  });
});

/** Alertmanager's webhook, version 4, as it posts one firing node_exporter alert. */
const alertmanagerPayload = (status: 'firing' | 'resolved', labels: Record<string, string> = {}) => ({
  version: '4',
  groupKey: '{}:{alertname="NodeDown"}',
  truncatedAlerts: 0,
  status,
  receiver: 'nfvi-doctor',
  groupLabels: { alertname: 'NodeDown' },
  commonLabels: { alertname: 'NodeDown' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts: [
    {
      status,
      labels: { alertname: 'NodeDown', instance: 'compute-4:9100', job: 'node', severity: 'critical', ...labels },
      annotations: { summary: 'compute-4 is not answering scrapes' },
      startsAt: '2026-11-25T10:04:00.5Z',
      endsAt: status === 'resolved' ? '2026-11-25T10:09:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: 'a1b2c3d4e5f60718',
    },
  ],
});

describe('Compatibility ingest: Prometheus Alertmanager webhook', () => {
  it('reads a firing NodeDown alert as a host-down report of the scrape target, without its port', () => {
    expect(accepted(normaliseAlertmanager(alertmanagerPayload('firing')))).toEqual([
      {
        host: 'compute-4',
        collectorId: 'alertmanager:a1b2c3d4e5f60718',
        seq: Date.parse('2026-11-25T10:04:00.500Z') * 1000,
        observedAt: '2026-11-25T10:04:00.500Z',
        faultType: 'compute.host.down',
        active: true,
        origin: 'alertmanager',
        message: 'NodeDown firing: compute-4 is not answering scrapes',
      },
    ]);
  });

  it('dates a resolved alert by its end, so the clear orders after the fault', () => {
    const [firing] = accepted(normaliseAlertmanager(alertmanagerPayload('firing')));
    const [resolved] = accepted(normaliseAlertmanager(alertmanagerPayload('resolved')));
    expect(resolved).toMatchObject({ active: false, collectorId: firing?.collectorId });
    expect(resolved?.seq).toBeGreaterThan(firing?.seq ?? Infinity);
  });

  it('takes the fault type from a fault_type label and the host from a host label when present', () => {
    const [detail] = accepted(
      normaliseAlertmanager(
        alertmanagerPayload('firing', { alertname: 'PsuFailed', fault_type: 'compute.host.power.error', host: 'h9' }),
      ),
    );
    expect(detail).toMatchObject({ host: 'h9', faultType: 'compute.host.power.error' });
  });

  it.each([
    ['an unknown alert without fault_type', { alertname: 'DiskAlmostFull' }, /no fault_type label/],
    ['a fault_type outside the catalogue', { fault_type: 'compute.host.sad' }, /not a fault type of the catalogue/],
  ])('rejects %s with the reason', (_what, labels, reason) => {
    const [result] = normaliseAlertmanager(alertmanagerPayload('firing', labels));
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('rejects a payload of another version', () => {
    const [result] = normaliseAlertmanager({ ...alertmanagerPayload('firing'), version: '3' });
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/version/) });
  });
});
