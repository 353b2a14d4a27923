import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, type LabCollector, type LabHost, type NetnsLab } from '../../infra/local/netns-lab';
import type { ReceivedMessage } from '../../infra/local/sns-http-subscriber';
import { DynamoDbFaultStore } from '../../lib/adapters/dynamodb/dynamodb-fault-store';
import { alarmClearedNotification, alarmNotification, type Alarm } from '../../lib/contracts/etsi-alarm';
import type { FaultRecord } from '../../lib/inspector/fault-record';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { adminDeliveriesFor, createWorld, sleep, waitUntil, type World } from '../support/world';

/**
 * Doctor's fault injection, end to end: three compute hosts as network namespaces on a
 * management and a data bridge, an nfvi-collector in each (the shipped daemon), the local
 * stack's bus, correlator and SNS; faults are `ip link set ... down` inside a host.
 */
jest.setTimeout(60_000);

const alarmsIn = (messages: ReceivedMessage[]) =>
  messages
    .filter((m) => m.message.notificationType === 'AlarmNotification')
    .map((m) => alarmNotification.parse(m.message).alarm);
const clearedIdsIn = (messages: ReceivedMessage[]) =>
  messages
    .filter((m) => m.message.notificationType === 'AlarmClearedNotification')
    .map((m) => alarmClearedNotification.parse(m.message).alarmId);
const detailsMention = (alarm: Alarm, text: string) => alarm.faultDetails.some((line) => line.includes(text));

describe('Edge collectors in network namespaces, against the local stack', () => {
  let world: World;
  let lab: NetnsLab;
  let workDir: string;
  let h1: LabHost;
  let h2: LabHost;
  let h3: LabHost;
  const collectors = new Map<LabHost, LabCollector>();
  const startCollector = async (host: LabHost) => {
    collectors.set(host, await lab.startCollector(host, workDir));
  };

  beforeAll(async () => {
    world = await createWorld(
      {
        'lab-1': [
          { name: 'mme-active', tenant: 'epc' },
          { name: 'cscf-1', tenant: 'ims' },
        ],
        'lab-2': [{ name: 'mme-standby', tenant: 'epc' }],
        'lab-3': [{ name: 'spgw-1', tenant: 'ims' }],
      },
      ['cdn'],
    );
    workDir = mkdtempSync(join(tmpdir(), 'nfvi-lab-'));
    lab = await createLab(['lab-1', 'lab-2', 'lab-3'].map(world.host), 'test');
    [h1, h2, h3] = lab.hosts as [LabHost, LabHost, LabHost];
    for (const host of lab.hosts) await startCollector(host);
    // Every host is watched by its two peers once their first probes are answered.
    await lab.watched();
  });

  afterAll(async () => {
    await lab?.destroy();
    await world?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('a data link set down inside a host alarms its tenants and the admin at once, and setting it up clears them', async () => {
    // Act
    await lab.ip(h1, 'link', 'set', 'data0', 'down');
    await waitUntil(() => alarmsIn(world.subscriber.from('epc')).length >= 1, 'the epc alarm');
    await waitUntil(() => alarmsIn(world.subscriber.from('ims')).length >= 1, 'the ims alarm');
    await waitUntil(() => alarmsIn(adminDeliveriesFor(world, 'lab-1')).length >= 1, 'the admin alarm');
    await lab.ip(h1, 'link', 'set', 'data0', 'up');
    await waitUntil(() => clearedIdsIn(world.subscriber.from('epc')).length >= 1, 'the epc alarm to clear');

    // Assess
    const [epcAlarm] = alarmsIn(world.subscriber.from('epc'));
    expect(epcAlarm).toMatchObject({
      managedObjectId: `mme-active-${world.id}`,
      tenantId: world.tenant('epc'),
      faultType: 'compute.host.nic.error',
      rootCauseFaultyResource: { faultyResource: { resourceId: h1.name } },
    });
    expect(detailsMention(epcAlarm!, 'interface data0 (data) down')).toBe(true);
    expect(alarmsIn(world.subscriber.from('ims')).map((a) => a.managedObjectId)).toEqual([`cscf-1-${world.id}`]);
    const [rootCause] = alarmsIn(adminDeliveriesFor(world, 'lab-1'));
    expect(rootCause).toMatchObject({
      managedObjectId: h1.name,
      isRootCause: true,
      faultType: 'compute.host.nic.error',
    });
    expect(rootCause!.correlatedAlarmIds).toContain(epcAlarm!.id);
    expect(clearedIdsIn(world.subscriber.from('epc'))).toEqual([epcAlarm!.id]);
    await waitUntil(
      () => clearedIdsIn(adminDeliveriesFor(world, 'lab-1')).includes(rootCause!.id),
      'the root cause to clear',
    );
    expect(world.subscriber.from('cdn')).toEqual([]);
  });

  it('a host whose management link goes down is declared down by a quorum of its peers, and cleared when it is back', async () => {
    // Prepare
    const before = world.subscriber.from('epc').length;
    const epcSince = () => world.subscriber.from('epc').slice(before);

    // Act: the host cannot report this itself (its way to the bus is that link)
    await lab.ip(h1, 'link', 'set', 'mgmt0', 'down');
    await waitUntil(() => alarmsIn(epcSince()).length >= 1, 'the host-down alarm', 15_000);
    const [hostDown] = alarmsIn(epcSince());
    await lab.ip(h1, 'link', 'set', 'mgmt0', 'up');
    await waitUntil(() => clearedIdsIn(epcSince()).includes(hostDown!.id), 'the host-down alarm to clear', 15_000);

    // Assess
    expect(hostDown).toMatchObject({ managedObjectId: `mme-active-${world.id}`, faultType: 'compute.host.down' });
    expect(
      detailsMention(hostDown!, `unreachable from 2 of 2 observers (${[h2.name, h3.name].sort().join(', ')})`),
    ).toBe(true);
    // Nothing the host saw while cut off is lost: its own link reports arrive from its spool. The
    // bus keeps no order between them: the down raises and the up clears, or, when the up comes
    // first, the down is older than the state and changes nothing. Either way the link ends up.
    const faults = new DynamoDbFaultStore(awsClients().dynamo, config().alarmsTable);
    let own: FaultRecord | undefined;
    await waitUntil(
      async () => (own = await faults.get(h1.name, 'link:mgmt0'))?.status === 'CLEARED',
      "the host's own spooled link reports",
      15_000,
    );
    expect(own?.lastObservation.collectorId).toBe(`${h1.name}/collector`);
    const raised = alarmsIn(epcSince()).find((a) => detailsMention(a, 'interface mgmt0 (management) down'));
    if (raised) {
      await waitUntil(() => clearedIdsIn(epcSince()).includes(raised.id), "the clear of the host's own report", 15_000);
    }
  });

  it('a host with 10% packet loss towards one observer raises no host-down alarm', async () => {
    // Prepare
    const before = adminDeliveriesFor(world, 'lab-2').length;

    // Act: h2 drops a random 10% of h1's probes for 8 s (80 probes)
    await lab.iptables(
      h2,
      '-A',
      'INPUT',
      '-s',
      h1.mgmtAddress,
      '-m',
      'statistic',
      '--mode',
      'random',
      '--probability',
      '0.1',
      '-j',
      'DROP',
    );
    await sleep(8000);
    await lab.iptables(h2, '-F', 'INPUT');

    // Assess
    expect(adminDeliveriesFor(world, 'lab-2').slice(before)).toEqual([]);
    expect(world.subscriber.from('epc').filter((m) => m.attributes.host === h2.name)).toEqual([]);
  });

  it('a link bouncing many times a second yields a bounded number of notifications and the right final state', async () => {
    // Prepare
    const imsOn3 = () => world.subscriber.from('ims').filter((m) => m.attributes.host === h3.name);

    // Act: 20 bounces, about 25 ms apart, ending down
    for (let i = 0; i < 20; i++) {
      await lab.ip(h3, 'link', 'set', 'data0', 'down');
      await sleep(10);
      await lab.ip(h3, 'link', 'set', 'data0', 'up');
      await sleep(10);
    }
    await lab.ip(h3, 'link', 'set', 'data0', 'down');
    // The damping reports the final state once the flapping stopped, at most maxSuppressMs (10 s) later.
    await sleep(11_000);

    // Assess
    const flapping = imsOn3();
    expect(flapping.length).toBeLessThanOrEqual(4);
    expect(flapping.at(-1)?.message.notificationType).toBe('AlarmNotification');

    // Act: the link comes back for good
    await lab.ip(h3, 'link', 'set', 'data0', 'up');
    await waitUntil(
      () => imsOn3().at(-1)?.message.notificationType === 'AlarmClearedNotification',
      'the clear',
      15_000,
    );
  });

  it('a host whose collector is killed and restarted is not taken for a dead host, and loses nothing it spooled', async () => {
    // Prepare
    const before = adminDeliveriesFor(world, 'lab-3').length;

    // Act: the kernel of h3 still answers its peers' probes while no collector runs there
    await collectors.get(h3)!.stop('SIGKILL');
    await sleep(3000);
    await startCollector(h3);
    await lab.ip(h3, 'link', 'set', 'data0', 'down');
    await waitUntil(
      () => alarmsIn(adminDeliveriesFor(world, 'lab-3').slice(before)).length >= 1,
      'the data link alarm',
    );
    await lab.ip(h3, 'link', 'set', 'data0', 'up');

    // Assess
    const alarms = alarmsIn(adminDeliveriesFor(world, 'lab-3').slice(before));
    expect(alarms.map((a) => a.faultType)).toEqual(['compute.host.nic.error']);
    await waitUntil(
      () => clearedIdsIn(adminDeliveriesFor(world, 'lab-3').slice(before)).includes(alarms[0]!.id),
      'the data link alarm to clear',
    );
  });
});
