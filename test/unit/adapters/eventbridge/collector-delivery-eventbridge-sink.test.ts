import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { collectorEventBridgeClient, EventBridgeSink } from '../../../../lib/adapters/eventbridge/collector-sink';
import type { BusEntry } from '../../../../lib/monitor/delivery/ports';
import { FakeEventBus, INTERNAL_ERROR, STALL, THROTTLED } from '../../../support/fake-event-bus';

const entry = (n: number): BusEntry => ({
  busName: 'nfvi-doctor-test',
  source: 'nfvi.collector',
  detailType: 'link.state',
  detail: JSON.stringify({ seq: n, observedAt: '2026-11-25T10:00:07.123Z', interface: `eno${n}` }),
  time: '2026-11-25T10:00:07.123Z',
});

describe('Class: EventBridgeSink, over the wire', () => {
  let bus: FakeEventBus;
  let client: EventBridgeClient;
  let sink: EventBridgeSink;
  const put = (entries: BusEntry[]) => sink.put(entries, new AbortController().signal);

  beforeEach(async () => {
    bus = await FakeEventBus.start();
    client = collectorEventBridgeClient(
      { region: 'us-east-1', endpoint: bus.endpoint },
      { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } },
    );
    sink = new EventBridgeSink(client);
  });

  afterEach(async () => {
    client.destroy();
    await bus.stop();
  });

  it('puts the entries in one PutEvents call with bus name, source, detail-type, detail and Time = observedAt', async () => {
    // Act
    const results = await put([entry(1), entry(2)]);

    // Assess
    expect(results).toEqual([
      { status: 'accepted', eventId: expect.any(String) },
      { status: 'accepted', eventId: expect.any(String) },
    ]);
    expect(bus.calls).toHaveLength(1);
    expect(bus.calls[0]).toMatchObject({ target: 'AWSEvents.PutEvents' });
    expect(bus.received).toEqual(
      [entry(1), entry(2)].map((e) => ({
        EventBusName: e.busName,
        Source: e.source,
        DetailType: e.detailType,
        Detail: e.detail,
        Time: Date.parse('2026-11-25T10:00:07.123Z') / 1000,
      })),
    );
  });

  it('reports each failed entry with its code, retryable for ThrottlingException and InternalFailure only', async () => {
    // Prepare
    const codes = [undefined, 'ThrottlingException', 'InternalFailure', 'MalformedDetail', 'AccessDeniedException'];
    bus.behave(() => ({
      kind: 'partial',
      fail: (_, index) => (codes[index] ? { code: codes[index], message: `${codes[index]} here` } : undefined),
    }));

    // Act
    const results = await put(codes.map((_, i) => entry(i)));

    // Assess
    expect(results).toEqual([
      { status: 'accepted', eventId: expect.any(String) },
      { status: 'failed', code: 'ThrottlingException', message: 'ThrottlingException here', retryable: true },
      { status: 'failed', code: 'InternalFailure', message: 'InternalFailure here', retryable: true },
      { status: 'failed', code: 'MalformedDetail', message: 'MalformedDetail here', retryable: false },
      { status: 'failed', code: 'AccessDeniedException', message: 'AccessDeniedException here', retryable: false },
    ]);
  });

  it.each([
    ['throttled', THROTTLED, /Rate exceeded/],
    ['failed with a 500', INTERNAL_ERROR, /oops/],
  ])('rejects the whole call when the request is %s', async (_, answer, message) => {
    // Prepare
    bus.behave(() => answer);

    // Act / Assess
    await expect(put([entry(1)])).rejects.toThrow(message);
    expect(bus.calls).toHaveLength(1);
  });

  it('rejects when its signal abandons a call the bus never answers', async () => {
    // Prepare
    bus.behave(() => STALL);
    const controller = new AbortController();
    const call = sink.put([entry(1)], controller.signal);
    await waitFor(() => bus.stalledCalls === 1);

    // Act
    controller.abort(new Error('timed out'));

    // Assess
    await expect(call).rejects.toThrow();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
