import { faultReportDetail, parseCollectorEvent, type FaultReportDetail } from '../../../lib/contracts/southbound';
import type { FaultRecord } from '../../../lib/inspector/fault-record';
import { faultSignalOf } from '../../../lib/inspector/fault-signal';
import { normaliseAlertmanager } from '../../../lib/inspector/ingest/alertmanager';
import { normaliseDoctorEvents } from '../../../lib/inspector/ingest/doctor-events';
import { ingestFaultReports, ingestRequest, type IngestDeps } from '../../../lib/inspector/ingest/ingest-fault-reports';
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

/** The ingest's ports: the correlator's records as `faults` holds them, everything else recorded. */
function ingestDeps(faults: FaultRecord[] = []) {
  const published: FaultReportDetail[] = [];
  const kept: QuarantineEntry[] = [];
  const deps: IngestDeps = {
    publish: async (detail) => void published.push(detail),
    faults: { get: async (host, faultKey) => faults.find((f) => f.host === host && f.faultKey === faultKey) },
    quarantine: { put: async (entry) => (kept.push(entry), `q-${kept.length}`) },
    timeZoneOf: (monitor) => (monitor === 'helsinki_monitor' ? 'Europe/Helsinki' : 'UTC'),
    maxClockSkewS: 300,
    maxBodyBytes: 256 * 1024,
    clock: () => new Date('2026-11-25T10:05:00Z'),
  };
  return { ...deps, published, kept };
}

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
    expect(down).toMatchObject({ collectorId: 'doctor:sample_monitor', active: true, host: 'compute-3' });
    expect(up).toMatchObject({ collectorId: 'doctor:sample_monitor', active: false });
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
        ...ingestDeps(),
        publish: async (detail) => {
          published.push(detail);
        },
        quarantine: { put: async (entry) => (kept.push(entry), 'id') },
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

describe('Compatibility ingest: what it accepts, the correlator accepts, and the sender is told what it did', () => {
  const longText = 'x'.repeat(1024);

  it('accepts an Alertmanager alert whose summary is 1 KB long, as a report the correlator takes', () => {
    // Prepare
    const body = {
      version: '4',
      receiver: 'nfvi-doctor',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'NodeDown', instance: 'compute-4:9100' },
          annotations: { summary: longText, description: longText },
          startsAt: '2026-11-25T10:04:00Z',
        },
      ],
    };

    // Act
    const [result] = normaliseAlertmanager(body);

    // Assess
    if (!result?.ok) throw new Error(`refused: ${result?.reason}`);
    expect(faultReportDetail.safeParse(result.detail).success).toBe(true);
    expect(result.detail.message.length).toBeLessThanOrEqual(1024);
    expect(result.detail.message.startsWith('NodeDown firing: xxx')).toBe(true);
  });

  it("accepts Doctor's longest event (monitor 255, cause 512, event id 255 characters) as a report the correlator takes", () => {
    // Prepare
    const event = {
      ...sampleMonitorPayload[0],
      details: {
        hostname: 'compute-2',
        status: 'down',
        monitor: 'm'.repeat(255),
        cause: 'c'.repeat(512),
        monitor_event_id: 'e'.repeat(255),
      },
    };

    // Act
    const [detail] = accepted(normaliseDoctorEvents([event], 'doctor'));

    // Assess
    expect(faultReportDetail.safeParse(detail).success).toBe(true);
  });

  it("identifies a monitor's fault the same through Doctor's route and Vitrage's: a Vitrage clear clears a Doctor raise", () => {
    // Prepare
    const raised = {
      ...sampleMonitorPayload[0],
      details: { ...sampleMonitorPayload[0]?.details, monitor: 'sample_monitor' },
    };

    // Act
    const [down] = accepted(normaliseDoctorEvents([raised], 'doctor'));
    const [up] = accepted(normaliseDoctorEvents(vitrageEvent('up', '2026-11-25T10:04:01'), 'vitrage'));

    // Assess: the same monitor, so the same fault of the host
    expect(up?.collectorId).toBe(down?.collectorId);
  });

  it("reads a monitor's time without a zone in the zone configured for that monitor", () => {
    // Prepare: Helsinki keeps UTC+2 in November
    const event = {
      ...sampleMonitorPayload[0],
      details: { ...sampleMonitorPayload[0]?.details, monitor: 'helsinki_monitor' },
    };

    // Act
    const [detail] = accepted(
      normaliseDoctorEvents([event], 'doctor', (m) => (m === 'helsinki_monitor' ? 'Europe/Helsinki' : 'UTC')),
    );

    // Assess
    expect(detail?.observedAt).toBe('2026-11-25T08:04:00.123Z');
  });

  it('tells the sender of a clear that clears nothing, and accepts it', async () => {
    // Prepare: no such fault is active
    const deps = ingestDeps();
    const clear = [{ ...sampleMonitorPayload[0], details: { ...sampleMonitorPayload[0]?.details, status: 'up' } }];

    // Act
    const outcome = httpOf(await ingestFaultReports(clear, 'doctor', deps));

    // Assess
    expect(outcome).toEqual({
      status: 200,
      body: {
        accepted: 1,
        rejected: [],
        notes: [
          {
            index: 0,
            note: expect.stringMatching(
              /^clears nothing: no compute.host.down of compute-2 from monitor monitor_sample is active/,
            ),
          },
        ],
      },
    });
  });

  it('tells the sender of a clear older than the fault it would clear that it is stale', async () => {
    // Prepare: the monitor's raise at 10:04:00.123456 is active
    const [raise] = accepted(normaliseDoctorEvents(sampleMonitorPayload, 'doctor'));
    const active = {
      host: 'compute-2',
      faultKey: 'report:doctor:monitor_sample:compute.host.down',
      status: 'ACTIVE',
      lastObservation: { collectorId: raise?.collectorId, seq: raise?.seq, observedAt: raise?.observedAt },
    } as FaultRecord;
    const deps = ingestDeps([active]);
    const olderClear = [
      {
        ...sampleMonitorPayload[0],
        time: '2026-11-25T10:03:00',
        details: { ...sampleMonitorPayload[0]?.details, status: 'up' },
      },
    ];

    // Act
    const outcome = httpOf(await ingestFaultReports(olderClear, 'doctor', deps));

    // Assess
    expect(outcome.body).toMatchObject({ notes: [{ index: 0, note: expect.stringMatching(/^stale: /) }] });
  });

  it('refuses, and quarantines, an event dated further ahead than the allowed clock skew', async () => {
    // Prepare
    const deps = ingestDeps();
    const future = [{ ...sampleMonitorPayload[0], time: '2099-01-01T00:00:00' }];

    // Act
    const outcome = httpOf(await ingestFaultReports(future, 'doctor', deps));

    // Assess
    expect(outcome).toMatchObject({
      status: 400,
      body: { accepted: 0, rejected: [{ index: 0, reason: expect.stringMatching(/ahead of nfvi-doctor's clock/) }] },
    });
    expect(deps.published).toEqual([]);
    expect(deps.kept).toHaveLength(1);
  });

  it('answers a body over the limit with 413, naming the limit, and keeps it in the quarantine', async () => {
    // Prepare
    const deps = ingestDeps();
    const huge = JSON.stringify([
      { ...sampleMonitorPayload[0], details: { ...sampleMonitorPayload[0]?.details, cause: 'x'.repeat(1024 * 1024) } },
    ]);

    // Act
    const outcome = httpOf(await ingestRequest(huge, 'doctor', deps));

    // Assess
    expect(outcome).toEqual({ status: 413, body: { message: expect.stringMatching(/at most 262144 are taken/) } });
    expect(deps.kept).toEqual([
      expect.objectContaining({ source: 'compat-doctor', reason: expect.stringMatching(/bytes/) }),
    ]);
    expect(deps.published).toEqual([]);
  });
});
