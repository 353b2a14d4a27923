import { COLLECTOR_SOURCE } from '../../../../lib/contracts/bus-events';
import { parseCollectorEvent, type CollectorEvent } from '../../../../lib/contracts/southbound';
import { faultSignalOf } from '../../../../lib/inspector/fault-signal';
import { injectableFaults } from '../../../../lib/products/operator-cli/inject';
import { FakeEventBus, THROTTLED, type ReceivedEntry } from '../../../support/fake-event-bus';
import { CliHarness, EVENT_BUS, jsonOf } from './cli-harness';

/** An entry the bus received, read back as the correlator reads it; fails the test if it is invalid. */
function eventOf(entry: ReceivedEntry | undefined): CollectorEvent {
  const parsed = parseCollectorEvent({
    source: entry?.Source,
    'detail-type': entry?.DetailType,
    detail: JSON.parse(entry?.Detail ?? 'null'),
  });
  if (!parsed.ok) throw new Error(`the injected event is invalid: ${parsed.reason}`);
  return parsed.event;
}

describe('nfvi-doctor inject', () => {
  let cli: CliHarness;
  let bus: FakeEventBus;

  beforeEach(async () => {
    cli = await CliHarness.start();
    bus = await FakeEventBus.start();
    cli.eventBusEndpoint = bus.endpoint;
  });

  afterEach(async () => {
    await Promise.all([cli.stop(), bus.stop()]);
  });

  it("puts one valid collector event on the stage's bus: host-down is the management link going down", async () => {
    // Act
    const result = await cli.run(['inject', 'compute-1', 'host-down']);

    // Assess
    expect(result.code).toBe(0);
    expect(bus.received).toHaveLength(1);
    expect(bus.received[0]).toMatchObject({
      EventBusName: EVENT_BUS,
      Source: COLLECTOR_SOURCE,
      DetailType: 'link.state',
    });
    expect(eventOf(bus.received[0]).detail).toEqual({
      host: 'compute-1',
      interface: 'eno1',
      role: 'management',
      state: 'down',
      carrier: false,
      collectorId: 'nfvi-doctor-cli-test',
      seq: 1,
      observedAt: expect.any(String),
    });
  });

  it('with --clear, reports the recovery of the same interface', async () => {
    // Act
    await cli.run(['inject', 'compute-1', 'host-down']);
    const { stdout } = await cli.run(['inject', 'compute-1', 'host-down', '--clear']);

    // Assess
    expect(stdout).toMatch(/\nclears compute\.host\.down on compute-1\n$/);
    const [down, up] = bus.received.map(eventOf);
    expect(up?.detail).toMatchObject({ host: 'compute-1', interface: 'eno1', state: 'up', carrier: true });
    expect(faultSignalOf(up as CollectorEvent)).toMatchObject({ kind: 'condition', active: false });
    expect(faultSignalOf(down as CollectorEvent)).toMatchObject({ faultKey: 'link:eno1', active: true });
  });

  it.each(Object.keys(injectableFaults))(
    '%s raises a fault of the catalogue, and --clear clears that same fault',
    async (fault) => {
      // Act
      await cli.run(['inject', 'compute-1', fault]);
      await cli.run(['inject', 'compute-1', fault, '--clear']);

      // Assess
      const [raised, cleared] = bus.received.map((entry) => faultSignalOf(eventOf(entry)));
      expect(raised).toMatchObject({ kind: 'condition', host: 'compute-1', active: true });
      expect(cleared).toMatchObject({ kind: 'condition', host: 'compute-1', active: false });
      expect(cleared).toHaveProperty('faultKey', (raised as { faultKey: string }).faultKey);
    },
  );

  it('prints what it put on the bus and the fault the correlator will raise', async () => {
    // Act
    const { stdout } = await cli.run(['inject', 'compute-2', 'psu-error']);

    // Assess
    const [first, second] = stdout.trim().split('\n');
    expect(first).toMatch(/^put on bus nfvi-doctor-test: nfvi\.collector hardware\.event \{"host":"compute-2",/);
    expect(first).toContain('"component":"psu","state":"critical"');
    expect(second).toBe('raises compute.host.power.error (CRITICAL) on compute-2');
  });

  it('prints the event and the fault as JSON with --json', async () => {
    // Act
    const result = await cli.run(['inject', 'compute-2', 'link-down', '--clear', '--json']);

    // Assess
    expect(jsonOf(result)).toEqual({
      eventBus: EVENT_BUS,
      event: eventOf(bus.received[0]),
      faultType: 'compute.host.nic.error',
      perceivedSeverity: 'CRITICAL',
      active: false,
    });
  });

  it('refuses a fault it does not offer, listing those it does (exit 2)', async () => {
    // Act
    const result = await cli.run(['inject', 'compute-1', 'meteor-strike']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /value 'meteor-strike' is invalid for argument 'fault'\. Allowed choices are host-down, link-down, /,
    );
    expect(bus.received).toEqual([]);
  });

  it('refuses a host name the southbound contract refuses, before putting anything (exit 2)', async () => {
    // Act
    const result = await cli.run(['inject', 'h'.repeat(256), 'host-down']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the event would be refused by the correlator:\n.*\n.*detail\.host/);
    expect(bus.received).toEqual([]);
  });

  it('needs only NFVI_STAGE (and AWS), not the API settings', async () => {
    // Act
    const result = await cli.run(['inject', 'compute-1', 'host-down'], { NFVI_STAGE: 'test' });

    // Assess
    expect(result.code).toBe(0);
  });

  it('says the bus refused the event, naming the bus', async () => {
    // Prepare
    bus.behave(() => THROTTLED);

    // Act
    const result = await cli.run(['inject', 'compute-1', 'host-down']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: the event bus nfvi-doctor-test: ThrottlingException: Rate exceeded\n');
  });
});
