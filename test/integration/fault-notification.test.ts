import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { watchBus } from '../../infra/local/bus-watcher';
import { faultCleared, faultConfirmed } from '../../lib/contracts/bus-events';
import { alarmClearedNotification, alarmNotification } from '../../lib/contracts/etsi-alarm';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { adminDeliveriesFor, createWorld, sleep, waitUntil, type World } from '../support/world';

/** Time after the expected deliveries during which nothing more may arrive. */
const QUIET_MS = 1500;

describe('Fault to tenant notification through the local stack', () => {
  describe('a host fault', () => {
    let world: World;
    let bus: Awaited<ReturnType<typeof watchBus>>;

    beforeAll(async () => {
      world = await createWorld(
        {
          'compute-1': [
            { name: 'mme-active', tenant: 'epc' },
            { name: 'spgw-active', tenant: 'epc' },
            { name: 'cscf-1', tenant: 'ims' },
          ],
          'compute-2': [{ name: 'mme-standby', tenant: 'epc' }],
        },
        ['cdn'],
      );
      bus = await watchBus();
      await world.injector.put([world.injector.link(world.host('compute-1'), 'down')]);
      await world.subscriber.waitFor('epc', 2);
      await world.subscriber.waitFor('ims', 1);
      await waitUntil(() => adminDeliveriesFor(world, 'compute-1').length >= 1, 'the admin alarm');
      await sleep(QUIET_MS);
    });

    afterAll(async () => {
      bus.close();
      await world.close();
    });

    it("reaches the owning tenant's HTTP subscriber as an AlarmNotification with the contract's fields", () => {
      const delivered = world.subscriber.from('epc');
      const alarms = delivered.map((m) => alarmNotification.parse(m.message).alarm);
      expect(alarms.map((a) => a.managedObjectId).sort()).toEqual([
        `mme-active-${world.id}`,
        `spgw-active-${world.id}`,
      ]);
      for (const alarm of alarms) {
        expect(alarm).toMatchObject({
          tenantId: world.tenant('epc'),
          perceivedSeverity: 'CRITICAL',
          eventType: 'COMMUNICATIONS_ALARM',
          faultType: 'compute.host.down',
          ackState: 'UNACKNOWLEDGED',
          isRootCause: false,
          rootCauseFaultyResource: {
            faultyResource: { resourceId: world.host('compute-1') },
            faultyResourceType: 'COMPUTE',
          },
        });
      }
      expect(delivered[0]?.attributes).toEqual({
        notificationType: 'AlarmNotification',
        eventType: 'COMMUNICATIONS_ALARM',
        perceivedSeverity: 'CRITICAL',
        host: world.host('compute-1'),
        tenantId: world.tenant('epc'),
      });
    });

    it('gives each tenant on the host only the alarms of its own instances', () => {
      const ims = world.subscriber.from('ims').map((m) => alarmNotification.parse(m.message).alarm);
      expect(ims.map((a) => [a.managedObjectId, a.tenantId])).toEqual([[`cscf-1-${world.id}`, world.tenant('ims')]]);
    });

    it('sends nothing to a tenant with no instance on the failed host', () => {
      expect(world.subscriber.from('cdn')).toEqual([]);
    });

    it('sends the administrator one root-cause host alarm that the instance alarms point at', () => {
      const [admin, ...more] = adminDeliveriesFor(world, 'compute-1');
      expect(more).toEqual([]);
      const hostAlarm = alarmNotification.parse(admin?.message).alarm;
      expect(hostAlarm).toMatchObject({
        managedObjectId: world.host('compute-1'),
        isRootCause: true,
        tenantId: 'admin',
      });
      const instanceAlarms = [...world.subscriber.from('epc'), ...world.subscriber.from('ims')].map(
        (m) => alarmNotification.parse(m.message).alarm,
      );
      expect(hostAlarm.correlatedAlarmIds.sort()).toEqual(instanceAlarms.map((a) => a.id).sort());
      for (const alarm of instanceAlarms) expect(alarm.correlatedAlarmIds).toEqual([hostAlarm.id]);
    });

    it('emits FaultConfirmed on the bus with the affected instances, for the VIM adapter', () => {
      const confirmed = bus.entries
        .filter((e) => e.Source === 'nfvi.correlator' && e.DetailType === 'FaultConfirmed')
        .map((e) => faultConfirmed.parse(JSON.parse(e.Detail)))
        .filter((d) => d.host === world.host('compute-1'));
      expect(confirmed).toHaveLength(1);
      expect(confirmed[0]).toMatchObject({
        faultType: 'compute.host.down',
        impact: 'host',
        perceivedSeverity: 'CRITICAL',
      });
      expect(confirmed[0]?.instances.map((i) => i.id).sort()).toEqual([
        `cscf-1-${world.id}`,
        `mme-active-${world.id}`,
        `spgw-active-${world.id}`,
      ]);
    });

    it('clears every alarm with AlarmClearedNotification when the host recovers, and emits FaultCleared', async () => {
      const raised = world.subscriber.from('epc').map((m) => alarmNotification.parse(m.message).alarm.id);
      await world.injector.put([world.injector.link(world.host('compute-1'), 'up')]);
      const epc = await world.subscriber.waitFor('epc', 4);
      const cleared = epc.slice(2).map((m) => alarmClearedNotification.parse(m.message));
      expect(cleared.map((n) => n.alarmId).sort()).toEqual(raised.sort());
      expect(world.subscriber.from('cdn')).toEqual([]);
      const clearedEvent = () =>
        bus.entries.find(
          (e) => e.DetailType === 'FaultCleared' && JSON.parse(e.Detail).host === world.host('compute-1'),
        );
      await waitUntil(() => clearedEvent() !== undefined, 'FaultCleared on the bus');
      expect(faultCleared.parse(JSON.parse(clearedEvent()?.Detail ?? '{}')).instances).toHaveLength(3);
    });
  });

  it('delivers one notification per subscriber when the same event is delivered three times', async () => {
    const world = await createWorld({ 'compute-1': [{ name: 'vm-1', tenant: 'epc' }] });
    try {
      const fault = world.injector.link(world.host('compute-1'), 'down');
      await world.injector.put([fault, fault, fault]);
      await world.subscriber.waitFor('epc', 1);
      await world.injector.put([fault]);
      await sleep(QUIET_MS);
      expect(world.subscriber.from('epc')).toHaveLength(1);
      expect(adminDeliveriesFor(world, 'compute-1')).toHaveLength(1);
    } finally {
      await world.close();
    }
  });

  it('ignores a fault report older than the recovery it would undo', async () => {
    const world = await createWorld({ 'compute-1': [{ name: 'vm-1', tenant: 'epc' }] });
    try {
      const { injector } = world;
      const nic = { interface: 'ens3', role: 'data' } as const;
      const down = injector.link(world.host('compute-1'), 'down', nic);
      const late = injector.link(world.host('compute-1'), 'down', nic);
      const recovered = injector.link(world.host('compute-1'), 'up', nic);
      await injector.put([down]);
      await world.subscriber.waitFor('epc', 1);
      await injector.put([recovered]);
      await world.subscriber.waitFor('epc', 2);
      await injector.put([late]);
      await sleep(QUIET_MS);
      expect(world.subscriber.from('epc').map((m) => m.message.notificationType)).toEqual([
        'AlarmNotification',
        'AlarmClearedNotification',
      ]);
    } finally {
      await world.close();
    }
  });

  it('quarantines a malformed event with the reason and still processes the events around it in the batch', async () => {
    const world = await createWorld({
      'compute-1': [{ name: 'vm-1', tenant: 'epc' }],
      'compute-2': [{ name: 'vm-2', tenant: 'epc' }],
    });
    try {
      const { injector } = world;
      const malformed = {
        detailType: 'link.state' as const,
        detail: { interface: 'eno1', state: 'down', marker: world.id },
      };
      await injector.put([
        injector.link(world.host('compute-1'), 'down'),
        malformed,
        injector.link(world.host('compute-2'), 'down'),
      ]);
      const delivered = await world.subscriber.waitFor('epc', 2);
      expect(delivered.map((m) => alarmNotification.parse(m.message).alarm.managedObjectId).sort()).toEqual([
        `vm-1-${world.id}`,
        `vm-2-${world.id}`,
      ]);
      const { Items = [] } = await awsClients().dynamo.send(new ScanCommand({ TableName: config().quarantineTable }));
      const kept = Items.filter((item) => String(item.payload).includes(world.id));
      expect(kept).toHaveLength(1);
      expect(kept[0]?.reason).toMatch(/host/);
      expect(kept[0]?.reason).toMatch(/collectorId/);
    } finally {
      await world.close();
    }
  });
});
