import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { invokeFunction } from '../../infra/local/invoke-function';
import { callApi, type LocalCloud } from '../../infra/local/local-cloud';
import { reportHostMaintained, reportSessionActionsDone } from '../../infra/local/operator-automation';
import { SnsHttpSubscriber, type ReceivedMessage } from '../../infra/local/sns-http-subscriber';
import { FaultInjector } from '../../lib/adapters/eventbridge/fault-injector';
import type { Server } from '../../lib/adapters/openstack/nova';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { httpMaintenanceApi } from '../sample-vnfm/http-maintenance-api';
import { SampleVnfManager } from '../sample-vnfm/vnf-manager';
import { HOSTS, localCloud } from '../support/openstack';
import { eventually, sleep } from '../support/world';

const {
  drained: [HOST_1, HOST_2],
  spare: SPARE,
} = HOSTS.maintenance;

/** What the operator's automation saw when the workflow handed it an empty host. */
interface HostHandOver {
  session_id: string;
  host: string;
  serversOnHost: string[];
  status: string;
  disabledReason: string | null;
}

/**
 * Planned maintenance end to end on the local stack: the Fenix API behind Keystone tokens, the
 * workflow functions on the bus, the sweeper (invoked every 2 s here, every minute on AWS), the
 * sample VNF manager subscribed to its tenant topic and answering over HTTP with its own token,
 * operator automation answering the maintenance hook on the bus, and the real Nova moving the
 * instances. tenant-a runs an active/standby pair under anti-affinity; tenant-b never answers, so
 * its instance gets the session's default action.
 */
describe('Planned maintenance (Fenix API, workflow functions, sample VNF manager, real Nova)', () => {
  let cloud: LocalCloud;
  let subscriber: SnsHttpSubscriber;
  let injector: FaultInjector;
  let aggregateId: string;
  let adminToken: string;
  let tokenA: string;
  let tokenB: string;
  let tenantA: string;
  let tenantB: string;
  let active: Server;
  let standby: Server;
  let web: Server;
  let vnfm: SampleVnfManager;
  const sessions = new Set<string>();
  const handOvers: HostHandOver[] = [];
  /** `<session> <phase>` of the pre and post plug-ins operator automation ran. */
  const sessionActions: string[] = [];
  const problems: string[] = [];
  /** tenant-a instances reported moved while they were the pair's active side. */
  const movedWhileActive: string[] = [];
  let faultCheck: { host: string; forcedDown: boolean; tenantAlarms: number } | undefined;
  let sweeping = true;
  let sweeper: Promise<void> | undefined;
  let work = Promise.resolve();

  /** Handles deliveries one at a time, in arrival order, as a VNF manager's queue would. */
  const serially = (task: () => Promise<void>) => {
    work = work.then(task).catch((error: unknown) => {
      problems.push(String(error));
    });
  };

  const onMessage = (m: ReceivedMessage) => {
    if (m.subscription === 'tenant-a' && m.attributes.eventType === 'maintenance.scheduled') {
      serially(async () => {
        if (m.message.state === 'INSTANCE_ACTION_DONE') {
          const [id] = m.message.instance_ids as string[];
          if (id === vnfm.active) movedWhileActive.push(id);
        }
        await vnfm.handle(m.message);
      });
    }
    const sessionId = String(m.message.session_id);
    if (m.subscription === 'admin' && m.attributes.eventType === 'maintenance.host' && sessions.has(sessionId)) {
      if (m.message.state === 'IN_MAINTENANCE') serially(() => operator(sessionId, String(m.message.host)));
    }
  };

  /** Operator automation: checks the host it is handed, maintains it (a fault on it, the first time), answers. */
  async function operator(sessionId: string, host: string) {
    if (handOvers.some((h) => h.session_id === sessionId && h.host === host)) return;
    const service = await cloud.computeService(host);
    const serversOnHost = (await cloud.nova().listServers({ host })).map((s) => s.id);
    handOvers.push({
      session_id: sessionId,
      host,
      serversOnHost,
      status: service.status,
      disabledReason: service.disabledReason,
    });
    if (!faultCheck) await faultDuringMaintenance(host);
    await reportHostMaintained(sessionId, host);
  }

  /** The host's management link fails while it is in maintenance: the admin is told, the VIM left alone. */
  async function faultDuringMaintenance(host: string) {
    const alarmsOn = (name: string) =>
      subscriber
        .from(name)
        .filter((m) => m.message.notificationType === 'AlarmNotification' && m.attributes.host === host);
    await injector.put([injector.link(host, 'down')]);
    await eventually(async () => alarmsOn('admin').length > 0, `the admin alarm for ${host}`);
    await sleep(3000);
    faultCheck = {
      host,
      forcedDown: (await cloud.computeService(host)).forcedDown,
      tenantAlarms: alarmsOn('tenant-a').length + alarmsOn('tenant-b').length,
    };
    await injector.put([injector.link(host, 'up')]);
  }

  const fenixTime = (secondsFromNow: number) =>
    new Date(Date.now() + secondsFromNow * 1000).toISOString().slice(0, 19).replace('T', ' ');

  async function createSession(): Promise<string> {
    const created = await callApi('POST', '/v1/maintenance', adminToken, {
      hosts: [HOST_1, HOST_2],
      state: 'MAINTENANCE',
      maintenance_at: fenixTime(20),
      workflow: 'default',
      metadata: { change: 'firmware-2026.11' },
      // Operator automation runs the plug-ins through the hook: once before, each emptied host, once after.
      actions: [
        { plugin: 'download-firmware', type: 'pre' },
        { plugin: 'firmware-upgrade', type: 'host', metadata: { version: '2026.11' } },
        { plugin: 'report', type: 'post' },
      ],
      reply_timeout_s: 8,
      default_action: 'MIGRATE',
    });
    expect(created).toMatchObject({ status: 200, body: { session_id: expect.any(String) } });
    const sessionId = String(created.body.session_id);
    sessions.add(sessionId);
    return sessionId;
  }

  const sessionOf = async (id: string) => (await callApi('GET', `/v1/maintenance/${id}`, adminToken)).body;
  /** Follows the session as an administrator would, until it ends; returns every reason a host waited. */
  async function followToEnd(id: string): Promise<string[]> {
    const waited = new Set<string>();
    await eventually(
      async () => {
        const session = await sessionOf(id);
        for (const [host, reasons] of Object.entries(session.waiting_hosts as Record<string, string[]>))
          for (const reason of reasons) waited.add(`${host}: ${reason}`);
        // Operator automation's part for the session's pre plug-ins (still MAINTENANCE) and post ones.
        if (session.waiting_for === 'SESSION_ACTIONS') {
          const phase = session.state === 'MAINTENANCE' ? 'pre' : 'post';
          if (!sessionActions.includes(`${id} ${phase}`)) {
            sessionActions.push(`${id} ${phase}`);
            await reportSessionActionsDone(id, phase);
          }
        }
        return ['MAINTENANCE_DONE', 'MAINTENANCE_FAILED'].includes(String(session.state));
      },
      'the session to end',
      180_000,
    );
    // The decision is stored first, then carried out: the admin's notice of the end comes last.
    const end = String((await sessionOf(id)).state);
    await eventually(
      async () => adminEvents(id, 'maintenance.session').some((m) => m.state === end),
      `the admin notice of ${end}`,
    );
    await work;
    return [...waited];
  }
  const hostOf = async (server: Server) => (await cloud.nova().getServer(server.id)).host;
  const adminEvents = (sessionId: string, eventType: string) =>
    subscriber
      .from('admin')
      .filter((m) => m.attributes.eventType === eventType && m.message.session_id === sessionId)
      .map((m) => m.message);

  beforeAll(async () => {
    cloud = localCloud();
    const nova = cloud.nova();
    await Promise.all([HOST_1, HOST_2, SPARE].map((h) => nova.setServiceEnabled(h, true)));
    aggregateId = await nova.createAggregate(`maintenance-test-${Date.now().toString(36)}`, [HOST_1, HOST_2, SPARE]);
    const suffix = Date.now().toString(36);
    [[active], [standby], [web]] = (await Promise.all([
      cloud.boot('tenant-a', HOST_1, [`mme-active-${suffix}`]),
      cloud.boot('tenant-a', HOST_2, [`mme-standby-${suffix}`]),
      cloud.boot('tenant-b', HOST_1, [`web-${suffix}`]),
    ])) as [[Server], [Server], [Server]];
    tenantA = cloud.projectId('tenant-a');
    tenantB = cloud.projectId('tenant-b');
    [adminToken, tokenA, tokenB] = await Promise.all([
      cloud.adminToken(),
      cloud.memberToken('tenant-a'),
      cloud.memberToken('tenant-b'),
    ]);
    expect((await callApi('POST', '/v1/inventory/sync', adminToken)).status).toBe(200);
    // The VNF's constraints, as Doctor's sample VNF manager sets them.
    const group = `mme-${suffix}`;
    for (const server of [active, standby]) {
      const put = await callApi('PUT', `/v1/instance/${server.id}`, tokenA, {
        instance_id: server.id,
        project_id: tenantA,
        group_id: group,
        migration_type: 'LIVE_MIGRATE',
        max_interruption_time: 0,
        lead_time: 0,
      });
      expect(put.status).toBe(200);
    }
    const groupPut = await callApi('PUT', `/v1/instance_group/${group}`, tokenA, {
      group_id: group,
      project_id: tenantA,
      anti_affinity_group: true,
      max_impacted_members: 1,
      recovery_time: 1,
    });
    expect(groupPut.status).toBe(200);
    subscriber = await SnsHttpSubscriber.start(awsClients().sns, onMessage);
    for (const [name, id, token] of [
      ['tenant-a', tenantA, tokenA],
      ['tenant-b', tenantB, tokenB],
    ] as const) {
      const topic = await callApi('GET', `/v1/tenants/${id}/topic`, token);
      await subscriber.subscribe(String(topic.body.topicArn), name);
    }
    await subscriber.subscribe(config().adminTopicArn, 'admin');
    injector = new FaultInjector(awsClients().eventBridge, config().eventBusName);
    sweeper = (async () => {
      while (sweeping) {
        await invokeFunction('maintenanceSweeper').catch((error: unknown) => problems.push(String(error)));
        await sleep(2000);
      }
    })();
  }, 180_000);

  afterAll(async () => {
    sweeping = false;
    await sweeper;
    await work;
    const nova = cloud.nova();
    await cloud.deleteAll([active, standby, web].filter(Boolean));
    await Promise.all([HOST_1, HOST_2, SPARE].map((h) => nova.setServiceEnabled(h, true)));
    if (aggregateId) await nova.deleteAggregate(aggregateId);
    await subscriber?.close();
  }, 120_000);

  describe('a session over two hosts that the tenants let through', () => {
    let sessionId: string;
    let waited: string[];

    beforeAll(async () => {
      vnfm = new SampleVnfManager(
        httpMaintenanceApi(async () => tokenA),
        { active: active.id, standby: standby.id },
        { action: 'LIVE_MIGRATE' },
      );
      sessionId = await createSession();
      waited = await followToEnd(sessionId);
    }, 200_000);

    it('ends MAINTENANCE_DONE with both hosts maintained and nothing gone wrong', async () => {
      const session = await sessionOf(sessionId);
      expect(problems).toEqual([]);
      expect(sessionActions.filter((a) => a.startsWith(sessionId))).toEqual([`${sessionId} pre`, `${sessionId} post`]);
      expect(session).toMatchObject({
        state: 'MAINTENANCE_DONE',
        hosts: { [HOST_1]: 'MAINTENANCE_COMPLETE', [HOST_2]: 'MAINTENANCE_COMPLETE' },
      });
    });

    it('hands each host to the operator empty and disabled with the session named, then enables it', async () => {
      const ours = handOvers.filter((h) => h.session_id === sessionId);
      expect(ours.map((h) => h.host).sort()).toEqual([HOST_1, HOST_2]);
      for (const h of ours) {
        expect(h.serversOnHost).toEqual([]);
        expect(h.status).toBe('disabled');
        expect(h.disabledReason).toContain(sessionId);
      }
      for (const host of [HOST_1, HOST_2]) expect((await cloud.computeService(host)).status).toBe('enabled');
    });

    it('moves every instance off the hosts through Nova, keeping the pair on different hosts', async () => {
      const placed = await Promise.all([active, standby, web].map(hostOf));
      expect(placed[0]).not.toBe(placed[1]);
      const moved = new Set(
        adminEvents(sessionId, 'maintenance.host')
          .filter((m) => m.state === 'IN_MAINTENANCE')
          .map((m) => m.host),
      );
      expect(moved).toEqual(new Set([HOST_1, HOST_2]));
      const b = subscriber.from('tenant-b').filter((m) => m.message.state === 'INSTANCE_ACTION_DONE');
      expect(b.map((m) => m.message.instance_ids)).toEqual([[web.id]]);
    });

    it('lets the VNF manager switch its pair over before the active instance is moved', () => {
      expect(vnfm.switchOvers).toBe(1);
      expect(movedWhileActive).toEqual([]);
      expect(vnfm.moved.sort()).toEqual([active.id, standby.id].sort());
    });

    it('drains one host at a time here, because anti-affinity leaves the pair one spare host, and says so', async () => {
      const history = ((await sessionOf(sessionId)).history as { to: string }[]).map((h) => h.to);
      expect(history).toEqual([
        'MAINTENANCE',
        'PREPARE_MAINTENANCE',
        'START_MAINTENANCE',
        'PLANNED_MAINTENANCE',
        'START_MAINTENANCE',
        'MAINTENANCE_COMPLETE',
        'MAINTENANCE_DONE',
      ]);
      expect(waited.join('\n')).toMatch(new RegExp(`${HOST_1}: .*anti-affinity`));
    });

    it('tells the admin of every session state and every host', () => {
      const states = new Set(adminEvents(sessionId, 'maintenance.session').map((m) => m.state));
      expect(states).toEqual(
        new Set([
          'MAINTENANCE',
          'PREPARE_MAINTENANCE',
          'START_MAINTENANCE',
          'PLANNED_MAINTENANCE',
          'MAINTENANCE_COMPLETE',
          'MAINTENANCE_DONE',
        ]),
      );
      const hosts = adminEvents(sessionId, 'maintenance.host').map((m) => `${m.host} ${m.state}`);
      expect(new Set(hosts)).toEqual(
        new Set([HOST_1, HOST_2].flatMap((h) => [`${h} IN_MAINTENANCE`, `${h} MAINTENANCE_COMPLETE`])),
      );
    });

    it('gives a tenant that never answers the default action, and asks it only about its own instance', () => {
      const scheduled = subscriber.from('tenant-b').map((m) => m.message);
      expect(scheduled.length).toBeGreaterThan(0);
      for (const m of scheduled) expect(m.project_id).toBe(tenantB);
      expect(JSON.stringify(scheduled)).not.toContain(active.id);
      expect(JSON.stringify(scheduled)).not.toContain(standby.id);
    });

    it('tells the admin of a fault on a host in maintenance, takes no VIM fault action, and tells no tenant', () => {
      expect(faultCheck).toEqual({ host: expect.any(String), forcedDown: false, tenantAlarms: 0 });
    });

    it("keeps tenants out of each other's part of the session", async () => {
      const aPath = `/v1/maintenance/${sessionId}/${tenantA}`;
      expect((await callApi('GET', aPath, tokenB)).status).toBe(403);
      expect((await callApi('PUT', aPath, tokenB, { state: 'NACK_MAINTENANCE_COMPLETE' })).status).toBe(403);
      expect((await callApi('GET', `/v1/maintenance/${sessionId}`, tokenA)).status).toBe(403);
      expect((await callApi('GET', '/v1/maintenance', tokenB)).status).toBe(403);
      const own = await callApi('GET', `/v1/maintenance/${sessionId}/${tenantB}`, tokenB);
      expect(own).toEqual({ status: 200, body: { instance_ids: [web.id] } });
    });

    it('quarantines a malformed operator answer with the reason, and the session stays as it was', async () => {
      const marker = `no-host-${Date.now()}`;
      await awsClients().eventBridge.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: config().eventBusName,
              Source: 'nfvi.operator',
              DetailType: 'HostMaintenanceCompleted',
              Detail: JSON.stringify({ session_id: sessionId, note: marker }),
            },
          ],
        }),
      );
      const kept = async () => {
        const { Items = [] } = await awsClients().dynamo.send(new ScanCommand({ TableName: config().quarantineTable }));
        return Items.filter((i) => i.source === 'maintenance-workflow' && String(i.payload).includes(marker));
      };
      await eventually(async () => (await kept()).length === 1, 'the quarantined answer');
      expect((await kept())[0]?.reason).toMatch(/host/);
      expect((await sessionOf(sessionId)).state).toBe('MAINTENANCE_DONE');
    });

    it('lists the session for the admin', async () => {
      const list = await callApi('GET', '/v1/maintenance', adminToken);
      expect(list.body.sessions).toEqual(
        expect.arrayContaining([expect.objectContaining({ session_id: sessionId, state: 'MAINTENANCE_DONE' })]),
      );
    });
  });

  describe('a session a tenant refuses', () => {
    let sessionId: string;
    let before: (string | null)[];
    let waited: string[];

    beforeAll(async () => {
      before = await Promise.all([active, standby, web].map(hostOf));
      vnfm = new SampleVnfManager(
        httpMaintenanceApi(async () => tokenA),
        { active: vnfm.active, standby: vnfm.active === active.id ? standby.id : active.id },
        { action: 'LIVE_MIGRATE', nackAt: 'PLANNED_MAINTENANCE' },
      );
      sessionId = await createSession();
      waited = await followToEnd(sessionId);
      await eventually(
        async () =>
          subscriber
            .from('tenant-a')
            .some((m) => m.message.session_id === sessionId && m.message.state === 'MAINTENANCE_FAILED'),
        "tenant-a's notice of the failure",
      );
      await work;
    }, 200_000);

    it('ends MAINTENANCE_FAILED naming the refusal, with every host back in service', async () => {
      const session = await sessionOf(sessionId);
      expect(problems).toEqual([]);
      expect(session.state).toBe('MAINTENANCE_FAILED');
      expect(session.reason).toContain('NACK_PLANNED_MAINTENANCE');
      expect(Object.values(session.hosts as Record<string, string>).sort()).toEqual([
        'BACK_IN_SERVICE',
        'MAINTENANCE_COMPLETE',
      ]);
      for (const host of [HOST_1, HOST_2]) expect((await cloud.computeService(host)).status).toBe('enabled');
    });

    it('tells the admin why the session failed, and why a host had waited', () => {
      const failed = adminEvents(sessionId, 'maintenance.session').find((m) => m.state === 'MAINTENANCE_FAILED');
      expect(failed?.reason).toContain('NACK_PLANNED_MAINTENANCE');
      expect(waited.join('\n')).toMatch(new RegExp(`${HOST_2}: .*anti-affinity`));
    });

    it('tells the refusing tenant the session failed and moves none of its instances', async () => {
      expect(vnfm.failure).toContain('NACK_PLANNED_MAINTENANCE');
      expect(await Promise.all([active, standby].map(hostOf))).toEqual(before.slice(0, 2));
    });
  });
});
