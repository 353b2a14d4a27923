import { parseCollectorEvent } from '../../../lib/contracts/southbound';
import { collectorEvent, fixture, fixtureNames, withDetail, type DetailType } from '../inspector/builders';

const detailTypes: DetailType[] = [
  'link.state',
  'host.heartbeat',
  'peer.reachability',
  'hardware.event',
  'hypervisor.state',
  'fault.report',
];

/** The reason a rejected event was given; fails the test if the event was accepted. */
function rejectionOf(raw: unknown): string {
  const parsed = parseCollectorEvent(raw);
  if (parsed.ok) throw new Error('the event was accepted');
  return parsed.reason;
}

describe('Southbound contract: collector events', () => {
  it('has a fixture for each of the six detail-types', () => {
    // Act
    const covered = new Set(fixtureNames.map((name) => fixture(name)['detail-type']));

    // Assess
    expect([...covered].sort()).toEqual([...detailTypes].sort());
  });

  it.each(fixtureNames)('accepts the real EventBridge event %s', (name) => {
    // Prepare
    const raw = fixture(name);

    // Act
    const parsed = parseCollectorEvent(raw);

    // Assess
    expect(parsed).toMatchObject({ ok: true, event: { 'detail-type': raw['detail-type'], detail: raw.detail } });
  });

  it.each(detailTypes)('accepts a %s event', (detailType) => {
    // Prepare
    const event = collectorEvent(detailType);

    // Act
    const parsed = parseCollectorEvent(event);

    // Assess
    expect(parsed).toEqual({ ok: true, event });
  });

  it('accepts an observedAt with a UTC offset', () => {
    expect(
      parseCollectorEvent(withDetail(collectorEvent('link.state'), { observedAt: '2026-11-25T11:00:00.123+01:00' })),
    ).toMatchObject({ ok: true });
  });

  it.each<[string, unknown, RegExp]>([
    ['a missing host', withDetail(collectorEvent('link.state'), { host: undefined }), /detail\.host/],
    [
      'an empty collectorId',
      withDetail(collectorEvent('hypervisor.state'), { collectorId: '' }),
      /detail\.collectorId/,
    ],
    [
      'an observedAt without milliseconds',
      withDetail(collectorEvent('host.heartbeat'), { observedAt: '2026-11-25T10:00:00Z' }),
      /detail\.observedAt/,
    ],
    ['a negative seq', withDetail(collectorEvent('hardware.event'), { seq: -1 }), /detail\.seq/],
    ['a fractional seq', withDetail(collectorEvent('peer.reachability'), { seq: 1.5 }), /detail\.seq/],
    ['an unknown detail-type', { ...collectorEvent('link.state'), 'detail-type': 'disk.smart' }, /detail-type/],
    ['a source other than nfvi.collector', { ...collectorEvent('link.state'), source: 'aws.ec2' }, /\bsource\b/],
    [
      'an unknown hardware component',
      withDetail(collectorEvent('hardware.event'), { component: 'gpu' }),
      /detail\.component/,
    ],
    [
      'a link state other than up or down',
      withDetail(collectorEvent('link.state'), { state: 'flapping' }),
      /detail\.state/,
    ],
    ['a raw non-envelope object', { Source: 'nfvi.collector', DetailType: 'x', Detail: 'not json' }, /detail-type/],
  ])('rejects %s with a reason naming the field', (_case, raw, field) => {
    // Act
    const reason = rejectionOf(raw);

    // Assess
    expect(reason).toMatch(field);
  });

  it('names every problem of an event, not only the first', () => {
    // Prepare
    const raw = withDetail(collectorEvent('link.state'), { host: '', seq: -1 });

    // Act
    const reason = rejectionOf(raw);

    // Assess
    expect(reason).toMatch(/detail\.host/);
    expect(reason).toMatch(/detail\.seq/);
  });

  it.each([null, 'not json', 42, []])('rejects %p, which is no event at all', (raw) => {
    expect(rejectionOf(raw)).not.toHaveLength(0);
  });
});
