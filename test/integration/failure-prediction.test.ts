import { alarmClearedNotification, alarmNotification } from '../../lib/contracts/etsi-alarm';
import { createWorld, sleep, waitUntil, type World } from '../support/world';

/** Time after the expected deliveries during which nothing more may arrive. */
const QUIET_MS = 1500;

/**
 * Failure avoidance through the local stack: a collector's `failure.prediction` becomes a
 * `compute.host.failure.predicted` alarm for the tenants of the host's instances and the admin,
 * before anything failed, so an active/standby VNF can switch first.
 */
describe('A predicted host failure through the local stack', () => {
  let world: World;
  const prediction = (predicted: boolean, severity: 'WARNING' | 'MAJOR', evidence: string[]) =>
    world.injector.event('failure.prediction', {
      host: world.host('compute-1'),
      indicator: 'disk',
      subject: '/dev/sda',
      predicted,
      severity,
      probableCause: 'Disk failure predicted: reallocated sectors growing',
      evidence,
    });
  const alarmsOf = (name: string) =>
    world.subscriber
      .from(name)
      .filter((m) => m.message.notificationType === 'AlarmNotification')
      .map((m) => alarmNotification.parse(m.message).alarm);

  beforeAll(async () => {
    world = await createWorld({
      'compute-1': [{ name: 'mme-active', tenant: 'epc' }],
      'compute-2': [
        { name: 'mme-standby', tenant: 'epc' },
        { name: 'cdn-1', tenant: 'cdn' },
      ],
    });
    await world.injector.put([
      prediction(true, 'WARNING', ['reallocated sectors 0 -> 24 within 1200 s (threshold 10)']),
    ]);
    await world.subscriber.waitFor('epc', 1);
  });

  afterAll(() => world.close());

  it("warns the owner of the host's instance, with the probable cause and the evidence, and the admin", async () => {
    const [alarm] = alarmsOf('epc');
    expect(alarm).toMatchObject({
      managedObjectId: `mme-active-${world.id}`,
      faultType: 'compute.host.failure.predicted',
      perceivedSeverity: 'WARNING',
      eventType: 'EQUIPMENT_ALARM',
      probableCause: 'Disk failure predicted: reallocated sectors growing',
      rootCauseFaultyResource: {
        faultyResource: { resourceId: world.host('compute-1') },
        faultyResourceType: 'STORAGE',
      },
    });
    expect(alarm?.faultDetails).toContain('reallocated sectors 0 -> 24 within 1200 s (threshold 10)');
    await waitUntil(
      () => alarmsOf('admin').some((a) => a.managedObjectId === world.host('compute-1')),
      "the admin's alarm",
    );
  });

  it('tells no tenant without an instance on the host', async () => {
    await sleep(QUIET_MS);
    expect(world.subscriber.from('cdn')).toEqual([]);
  });

  it('updates the alarm when the prediction escalates to MAJOR, and clears it when the trend is gone', async () => {
    await world.injector.put([
      prediction(true, 'MAJOR', ['reallocated sectors 0 -> 140 within 3600 s (threshold 100)']),
    ]);
    await waitUntil(() => alarmsOf('epc').length === 2, 'the escalation');
    const [raised, escalated] = alarmsOf('epc');
    expect(escalated).toMatchObject({ id: raised?.id, perceivedSeverity: 'MAJOR' });

    await world.injector.put([prediction(false, 'MAJOR', [])]);
    await waitUntil(
      () => world.subscriber.from('epc').some((m) => m.message.notificationType === 'AlarmClearedNotification'),
      'the clear',
    );
    const cleared = world.subscriber
      .from('epc')
      .filter((m) => m.message.notificationType === 'AlarmClearedNotification')
      .map((m) => alarmClearedNotification.parse(m.message));
    expect(cleared.map((c) => c.alarmId)).toEqual([raised?.id]);
  });
});
