import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { invokeFunction } from '../../infra/local/invoke-function';
import { callApi } from '../../infra/local/local-cloud';
import { openstackScript } from '../../infra/local/openstack';
import { SnsHttpSubscriber } from '../../infra/local/sns-http-subscriber';
import { DynamoDbFaultActions } from '../../lib/adapters/dynamodb/dynamodb-fault-actions';
import { DynamoDbInventory } from '../../lib/adapters/dynamodb/dynamodb-inventory';
import { FaultInjector } from '../../lib/adapters/eventbridge/fault-injector';
import type { Server } from '../../lib/adapters/openstack/nova';
import { CORRELATOR_SOURCE } from '../../lib/contracts/bus-events';
import { alarmNotification } from '../../lib/contracts/etsi-alarm';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { HOSTS, localCloud } from '../support/openstack';
import { eventually, sleep } from '../support/world';

const { fault, unreachable, maintenance } = HOSTS.vimAdapter;

/** The VIM adapter and inventory sync, through the local stack, against the real local OpenStack. */
describe('VIM adapter with a real Keystone + Nova', () => {
  const cloud = localCloud();
  const nova = cloud.nova();
  const inventory = () => new DynamoDbInventory(awsClients().dynamo, config().inventoryTable);
  const servers: Record<string, Server[]> = {};
  let subscriber: SnsHttpSubscriber;
  let injector: FaultInjector;
  const tenantA = cloud.projectId('tenant-a');
  const tenantB = cloud.projectId('tenant-b');

  const statuses = async (list: Server[]) => Promise.all(list.map(async (s) => (await nova.getServer(s.id)).status));
  const forcedDown = async (host: string) => (await cloud.computeService(host)).forcedDown;
  const syncInventory = async () => {
    const answer = await callApi('POST', '/v1/inventory/sync', await cloud.adminToken());
    expect(answer.status).toBe(200);
  };
  /** Alarm notifications a tenant received about this file's own servers on a host (other servers may exist there). */
  const fromTenant = (tenant: string, host: string) => {
    const ours = new Set((servers[host] ?? []).map((server) => server.id));
    return subscriber
      .from(tenant)
      .filter((m) => m.message.notificationType === 'AlarmNotification')
      .filter((m) => ours.has(alarmNotification.parse(m.message).alarm.managedObjectId));
  };

  beforeAll(async () => {
    servers[fault] = [
      ...(await cloud.boot('tenant-a', fault, ['vim-a1', 'vim-a2'])),
      ...(await cloud.boot('tenant-b', fault, ['vim-b1'])),
    ];
    servers[unreachable] = await cloud.boot('tenant-a', unreachable, ['vim-a3']);
    servers[maintenance] = await cloud.boot('tenant-b', maintenance, ['vim-b2']);
    await syncInventory();
    subscriber = await SnsHttpSubscriber.start(awsClients().sns);
    for (const [name, id] of [
      ['tenant-a', tenantA],
      ['tenant-b', tenantB],
    ] as const) {
      const answer = await callApi('GET', `/v1/tenants/${id}/topic`, await cloud.memberToken(name));
      await subscriber.subscribe(String(answer.body.topicArn), id);
    }
    await subscriber.subscribe(config().adminTopicArn, 'admin');
    injector = new FaultInjector(awsClients().eventBridge, config().eventBusName);
  }, 120_000);

  afterAll(async () => {
    await openstackScript('start-service', 'nova-api');
    await inventory().setMaintenance(maintenance, false);
    await cloud.deleteAll(Object.values(servers).flat());
    await Promise.all([fault, unreachable, maintenance].map((h) => nova.forceDown(h, false)));
    await subscriber.close();
  }, 120_000);

  describe('a host fault', () => {
    const down = () => injector.link(fault, 'down');
    let event: ReturnType<typeof down>;

    beforeAll(async () => {
      event = down();
      await injector.put([event]);
      await eventually(
        async () => fromTenant(tenantA, fault).length === 2 && fromTenant(tenantB, fault).length === 1,
        'the notifications of both tenants',
      );
    });

    it('notifies the owners of the instances of both projects on the host', () => {
      const a = fromTenant(tenantA, fault).map((m) => alarmNotification.parse(m.message).alarm.managedObjectId);
      const b = fromTenant(tenantB, fault).map((m) => alarmNotification.parse(m.message).alarm.managedObjectId);
      expect(a.sort()).toEqual(
        servers[fault]
          ?.filter((s) => s.tenantId === tenantA)
          .map((s) => s.id)
          .sort(),
      );
      expect(b).toEqual(servers[fault]?.filter((s) => s.tenantId === tenantB).map((s) => s.id));
    });

    it("forces the host's nova-compute service down and sets its servers to ERROR, as Nova reports them", async () => {
      await eventually(() => forcedDown(fault), 'the service forced down');
      await eventually(
        async () => (await statuses(servers[fault] ?? [])).every((s) => s === 'ERROR'),
        'servers in ERROR',
      );
      expect(await cloud.computeService(fault)).toMatchObject({ forcedDown: true, state: 'down' });
    });

    it('changes nothing when the same event arrives a second time', async () => {
      await nova.resetStateAll(
        (servers[fault] ?? []).map((s) => s.id),
        'active',
      );
      await injector.put([event]);
      await sleep(3000);
      expect(await statuses(servers[fault] ?? [])).toEqual(servers[fault]?.map(() => 'ACTIVE'));
      expect(fromTenant(tenantA, fault)).toHaveLength(2);
    });

    it('undoes the force-down when the host recovers', async () => {
      await injector.put([injector.link(fault, 'up')]);
      await eventually(async () => !(await forcedDown(fault)), 'the force-down undone');
    });
  });

  it('notifies at once while nova-api is down, and completes the VIM actions after it is back', async () => {
    await openstackScript('stop-service', 'nova-api');
    try {
      await injector.put([injector.link(unreachable, 'down')]);
      await eventually(async () => fromTenant(tenantA, unreachable).length === 1, "the tenant's notification");
      await eventually(async () => (await pendingHosts()).includes(unreachable), 'the VIM action recorded as pending');
    } finally {
      await openstackScript('start-service', 'nova-api');
    }
    await invokeFunction('vimRetry');
    expect(await forcedDown(unreachable)).toBe(true);
    expect(await statuses(servers[unreachable] ?? [])).toEqual(['ERROR']);
    expect(await pendingHosts()).not.toContain(unreachable);
  }, 120_000);

  it('tells the admin of a fault on a host in maintenance but takes no VIM fault action', async () => {
    await inventory().setMaintenance(maintenance, true);
    await injector.put([injector.link(maintenance, 'down')]);
    await eventually(
      async () => subscriber.from('admin').some((m) => m.attributes.host === maintenance),
      'the admin alarm',
    );
    await sleep(3000);
    expect(await forcedDown(maintenance)).toBe(false);
    expect(await statuses(servers[maintenance] ?? [])).toEqual(['ACTIVE']);
  });

  it('quarantines a malformed FaultConfirmed with the reason and acts on no host', async () => {
    const marker = `malformed-${Date.now()}`;
    await putFaultConfirmed({ faultKey: marker, impact: 'host' });
    const kept = async () => (await quarantinedWith(marker)).filter((item) => item.source === 'vim-adapter');
    await eventually(async () => (await kept()).length === 1, 'the quarantined event');
    expect((await kept())[0]?.reason).toMatch(/host/);
  });

  it('quarantines a malformed host death in every function it reaches: VIM adapter, fencer, recovery', async () => {
    const marker = `malformed-death-${Date.now()}`;
    await putFaultConfirmed({ faultKey: 'peers', impact: 'host', note: marker });
    const sources = async () => (await quarantinedWith(marker)).map((item) => String(item.source)).sort();
    await eventually(async () => (await sources()).length === 3, 'the event quarantined three times');
    expect(await sources()).toEqual(['fencer', 'recovery-workflow', 'vim-adapter']);
  });

  it('finds, at the next inventory sync, servers created after the previous one', async () => {
    const [late] = await cloud.boot('tenant-b', fault, ['vim-late']);
    servers[fault]?.push(late as Server);
    expect((await inventory().hostInventory(fault)).instances.map((i) => i.id)).not.toContain(late?.id);
    await syncInventory();
    expect((await inventory().hostInventory(fault)).instances).toContainEqual({
      id: late?.id,
      name: 'vim-late',
      tenantId: tenantB,
    });
  });
});

describe('Keystone token auth on the HTTP API', () => {
  const cloud = localCloud();
  const tenantA = cloud.projectId('tenant-a');
  const tenantB = cloud.projectId('tenant-b');

  it("gives a project's member its own topic", async () => {
    const answer = await callApi('GET', `/v1/tenants/${tenantA}/topic`, await cloud.memberToken('tenant-a'));
    expect(answer).toEqual({
      status: 200,
      body: { tenantId: tenantA, topicArn: expect.stringContaining(`-tenant-${tenantA}`) },
    });
  });

  it('creates, for the administrator, the topic of a tenant it has never seen', async () => {
    const newcomer = randomUUID().replaceAll('-', '');
    const answer = await callApi('GET', `/v1/tenants/${newcomer}/topic`, await cloud.adminToken());
    expect(answer).toEqual({
      status: 200,
      body: { tenantId: newcomer, topicArn: expect.stringContaining(`-tenant-${newcomer}`) },
    });
  });

  it("refuses a token of project A on project B's route", async () => {
    const answer = await callApi('GET', `/v1/tenants/${tenantB}/topic`, await cloud.memberToken('tenant-a'));
    expect(answer.status).toBe(403);
  });

  it.each([
    ['an invalid token', 'gAAAAABnot-a-keystone-token'],
    ['no token', undefined],
  ])('refuses %s', async (_what, token) => {
    expect((await callApi('GET', `/v1/tenants/${tenantA}/topic`, token)).status).toBe(401);
  });

  it('answers 400, naming the problem, for a tenant id that cannot be one', async () => {
    const answer = await callApi('GET', '/v1/tenants/not%20a%20tenant/topic', await cloud.adminToken());
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/tenantId/);
  });

  it("refuses a member's token on an administrators' route", async () => {
    expect((await callApi('POST', '/v1/inventory/sync', await cloud.memberToken('tenant-a'))).status).toBe(403);
  });
});

const pendingHosts = () =>
  new DynamoDbFaultActions(awsClients().dynamo, config().vim.actionsTable as string).pendingHosts();

/** A FaultConfirmed as the correlator would put it on the bus, with the detail given. */
async function putFaultConfirmed(detail: Record<string, unknown>): Promise<void> {
  await awsClients().eventBridge.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: config().eventBusName,
          Source: CORRELATOR_SOURCE,
          DetailType: 'FaultConfirmed',
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
}

/** The quarantine's entries whose payload carries the marker. */
async function quarantinedWith(marker: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await awsClients().dynamo.send(new ScanCommand({ TableName: config().quarantineTable }));
  return Items.filter((item) => String(item.payload).includes(marker));
}
