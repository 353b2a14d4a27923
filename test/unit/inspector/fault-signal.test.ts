import type { CollectorEvent } from '../../../lib/contracts/southbound';
import { faultSignalOf } from '../../../lib/inspector/fault-signal';
import {
  COLLECTOR,
  HOST,
  collectorEvent,
  conditionSignal,
  fixtureEvent,
  hardware,
  heartbeat,
  linkDown,
  linkUp,
  secondsAfterEpoch,
} from './builders';

/** The part of a condition signal a reader cares about. */
function conditionOf(event: CollectorEvent) {
  const { active, faultKey, fault } = conditionSignal(event);
  return { active, faultKey, faultType: fault.faultType, perceivedSeverity: fault.perceivedSeverity };
}

describe('Fault signal of a collector event', () => {
  it('maps a management link down to an active compute.host.down of that host', () => {
    // Prepare
    const event = linkDown(7, { interface: 'eno1', role: 'management' });

    // Act
    const signal = faultSignalOf(event);

    // Assess
    expect(signal).toMatchObject({
      kind: 'condition',
      host: HOST,
      faultKey: 'link:eno1',
      active: true,
      fault: { faultType: 'compute.host.down', perceivedSeverity: 'CRITICAL', impact: 'host' },
      observation: { collectorId: COLLECTOR, seq: 7, observedAt: secondsAfterEpoch(7) },
    });
  });

  it('describes the link in the fault details', () => {
    expect(conditionSignal(linkDown(1, { interface: 'eno1', role: 'management' })).faultDetails).toEqual([
      'interface eno1 (management) down, carrier lost',
    ]);
  });

  it.each([['data' as const], [undefined]])('maps a link down with role %s to compute.host.nic.error', (role) => {
    expect(conditionOf(linkDown(1, { interface: 'ens2f0', role }))).toEqual({
      active: true,
      faultKey: 'link:ens2f0',
      faultType: 'compute.host.nic.error',
      perceivedSeverity: 'CRITICAL',
    });
  });

  it('maps the link coming up to an inactive signal of the same fault key', () => {
    // Act
    const down = conditionOf(linkDown(1));
    const up = conditionOf(linkUp(2));

    // Assess
    expect(up).toEqual({ ...down, active: false });
  });

  it.each([
    ['psu', 'warning', 'compute.host.power.degraded', 'WARNING'],
    ['psu', 'critical', 'compute.host.power.error', 'CRITICAL'],
    ['cpu', 'critical', 'compute.host.cpu.error', 'CRITICAL'],
    ['cpu', 'warning', 'compute.host.cpu.error', 'MAJOR'],
    ['memory', 'warning', 'compute.host.memory.error', 'MAJOR'],
    ['fan', 'warning', 'compute.host.fan.error', 'WARNING'],
    ['disk', 'critical', 'compute.host.disk.error', 'MINOR'],
    ['disk', 'warning', 'compute.host.disk.error', 'WARNING'],
  ] as const)('maps a hardware %s %s to %s, %s', (component, state, faultType, perceivedSeverity) => {
    expect(conditionOf(hardware(component, state))).toMatchObject({ active: true, faultType, perceivedSeverity });
  });

  it('keeps one fault key per component and sensor, whatever the state', () => {
    // Act
    const keys = new Set(
      (['ok', 'warning', 'critical'] as const).map((state) => conditionOf(hardware('psu', state)).faultKey),
    );

    // Assess
    expect([...keys]).toEqual(['hardware:psu:PS2 Status']);
  });

  it('maps a hardware state ok to an inactive signal', () => {
    expect(conditionOf(hardware('psu', 'ok')).active).toBe(false);
  });

  it('carries the sensor, reading and message of the real PSU failure event', () => {
    // Prepare
    const event = fixtureEvent('hardware-psu-critical.json');

    // Act
    const signal = conditionSignal(event);

    // Assess
    expect(signal.host).toBe('compute-3');
    expect(signal.faultDetails).toEqual([
      'psu sensor PS2 Status critical reading 0x0b',
      'Power Supply PS2 Status: Failure detected | Asserted',
    ]);
  });

  it('maps a hypervisor process down to an active compute.hypervisor.down, and up to inactive', () => {
    // Act
    const down = conditionOf(collectorEvent('hypervisor.state', { process: 'nova-compute', state: 'down' }));
    const up = conditionOf(collectorEvent('hypervisor.state', { process: 'nova-compute', state: 'up' }));

    // Assess
    expect(down).toEqual({
      active: true,
      faultKey: 'hypervisor:nova-compute',
      faultType: 'compute.hypervisor.down',
      perceivedSeverity: 'CRITICAL',
    });
    expect(up).toEqual({ ...down, active: false });
  });

  it('maps a heartbeat to a boot signal with the boot id', () => {
    expect(faultSignalOf(heartbeat('boot-7', 3))).toEqual({
      kind: 'boot',
      host: HOST,
      faultKey: 'boot',
      bootId: 'boot-7',
      uptimeS: 120,
      observation: { collectorId: COLLECTOR, seq: 3, observedAt: secondsAfterEpoch(3) },
    });
  });

  it('reads a peer reachability observation as the observer vote on its peer, no fault on its own', () => {
    expect(faultSignalOf(collectorEvent('peer.reachability', { seq: 4 }))).toEqual({
      kind: 'vote',
      vote: {
        host: 'compute-2',
        observer: HOST,
        reachable: false,
        lossPct: 100,
        rttMs: null,
        observation: { collectorId: COLLECTOR, seq: 4, observedAt: secondsAfterEpoch(4) },
      },
    });
  });
});
