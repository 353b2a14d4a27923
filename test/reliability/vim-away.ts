import { invokeFunction } from '../../infra/local/invoke-function';
import { callApi } from '../../infra/local/local-cloud';
import { openstackScript } from '../../infra/local/openstack';
import { SnsHttpSubscriber } from '../../infra/local/sns-http-subscriber';
import { DynamoDbFaultActions } from '../../lib/adapters/dynamodb/dynamodb-fault-actions';
import { FaultInjector } from '../../lib/adapters/eventbridge/fault-injector';
import type { Server } from '../../lib/adapters/openstack/nova';
import { alarmNotification } from '../../lib/contracts/etsi-alarm';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { HOSTS, localCloud } from '../support/openstack';
import { sleep } from '../support/world';
import { expectThat, until, type Scenario } from './scenario';

const SIZES = {
  full: { serversPerHost: 8, awayS: 60 },
  ci: { serversPerHost: 2, awayS: 20 },
};
const PROJECTS = ['tenant-a', 'tenant-b'] as const;

/**
 * 4. The VIM away. nova-api stops, then a rack fails (every host of it loses its management
 * link) and stays down while nova-api is away: the tenants are told as fast as ever, the VIM
 * actions wait as pending and complete once nova-api is back (the vimRetry schedule at full scale,
 * one invocation of it in CI), and nothing is left pending; the rack's recovery then undoes
 * every force-down.
 */
export const vimAway: Scenario = {
  id: 'vim-away',
  title: 'The VIM away',
  proves:
    'a VIM that does not answer delays no notification and loses no VIM action: the actions complete when it returns, and none is left pending',
  async run(scale) {
    const size = SIZES[scale];
    const rack: string[] = [...HOSTS.reliability.rack];
    const cloud = localCloud();
    const nova = cloud.nova();
    const actions = new DynamoDbFaultActions(awsClients().dynamo, config().vim.actionsTable as string);
    const servers: Server[] = [];
    const subscriber = await SnsHttpSubscriber.start(awsClients().sns);
    const injector = new FaultInjector(awsClients().eventBridge, config().eventBusName);
    const failures: string[] = [];
    try {
      for (const host of rack) {
        for (const [i, project] of PROJECTS.entries()) {
          const count = i === 0 ? Math.ceil(size.serversPerHost / 2) : Math.floor(size.serversPerHost / 2);
          const names = Array.from({ length: count }, (_, n) => `rel4-${host}-${project}-${n}`);
          servers.push(...(await cloud.boot(project, host, names)));
        }
      }
      const sync = await callApi('POST', '/v1/inventory/sync', await cloud.adminToken());
      if (sync.status !== 200) throw new Error(`inventory sync answered ${sync.status}`);
      for (const project of PROJECTS) {
        const topic = await callApi(
          'GET',
          `/v1/tenants/${cloud.projectId(project)}/topic`,
          await cloud.memberToken(project),
        );
        await subscriber.subscribe(String(topic.body.topicArn), cloud.projectId(project));
      }
      const ours = new Set(servers.map((s) => s.id));
      /** The instances whose tenants were notified of an alarm since the `from`-th delivery. */
      const notifiedSince = (from: number) =>
        new Set(
          subscriber.received
            .slice(from)
            .map((m) => alarmNotification.safeParse(m.message))
            .filter((n) => n.success && ours.has(n.data.alarm.managedObjectId))
            .map((n) => n.data?.alarm.managedObjectId),
        );
      const pendingOfRack = async () => (await actions.pendingHosts()).filter((h) => rack.includes(h));
      const statuses = async () => Promise.all(servers.map(async (s) => (await nova.getServer(s.id)).status));
      const forcedDown = async () => Promise.all(rack.map(async (h) => (await cloud.computeService(h)).forcedDown));
      const actedOn = async () =>
        (await pendingOfRack()).length === 0 &&
        (await forcedDown()).every(Boolean) &&
        (await statuses()).every((s) => s === 'ERROR');
      /** The rack fails: how long until every tenant heard, or NaN. */
      const rackFails = async () => {
        const from = subscriber.received.length;
        const sentAt = await injector.put(rack.map((host) => injector.link(host, 'down')));
        const heard = await until(() => notifiedSince(from).size === servers.length, 30_000, 20);
        return { sentAt, from, notifiedMs: heard ? Date.now() - sentAt : Number.NaN };
      };
      const rackRecovers = async () => {
        await injector.put(rack.map((host) => injector.link(host, 'up')));
        return until(async () => (await forcedDown()).every((down) => !down), 60_000, 500);
      };

      // The same rack fault with nova-api up first, for comparison.
      const withVim = await rackFails();
      await until(actedOn, 60_000, 500);
      await rackRecovers();
      await nova.resetStateAll(
        servers.map((s) => s.id),
        'active',
      );

      await openstackScript('stop-service', 'nova-api');
      let away = { sentAt: 0, from: 0, notifiedMs: Number.NaN };
      let pendingDuringOutage: string[] = [];
      try {
        away = await rackFails();
        await until(async () => (pendingDuringOutage = await pendingOfRack()).length === rack.length, 30_000, 500);
        await sleep(Math.max(0, size.awayS * 1000 - (Date.now() - away.sentAt)));
      } finally {
        await openstackScript('start-service', 'nova-api');
      }
      const backAt = Date.now();
      // At full scale the vimRetry schedule (every minute) completes them; CI invokes it once.
      if (scale === 'ci') await invokeFunction('vimRetry');
      const converged = await until(actedOn, scale === 'full' ? 150_000 : 60_000, 1000);
      const convergedS = (Date.now() - backAt) / 1000;
      const leftPending = await pendingOfRack();
      const restored = await rackRecovers();
      const notified = notifiedSince(away.from);

      expectThat(
        failures,
        notified.size === servers.length,
        `${servers.length - notified.size} of ${servers.length} instances' tenants were not notified while nova-api was away`,
      );
      expectThat(
        failures,
        pendingDuringOutage.length === rack.length,
        `the VIM actions of ${rack.length - pendingDuringOutage.length} hosts were not recorded as pending while nova-api was away`,
      );
      expectThat(failures, converged, 'the VIM actions did not complete after nova-api came back');
      expectThat(failures, leftPending.length === 0, `VIM actions left pending for ${leftPending.join(', ')}`);
      expectThat(failures, restored, "the rack's recovery did not undo every force-down");
      return {
        figures: {
          hosts: rack.length,
          instances: servers.length,
          'nova-api away s': size.awayS,
          'tenants notified': notified.size,
          'last notification ms, VIM up': withVim.notifiedMs,
          'last notification ms, VIM away': away.notifiedMs,
          'pending during outage': pendingDuringOutage.length,
          'converged after return s': Math.round(convergedS),
          'left pending': leftPending.length,
        },
        failures,
      };
    } finally {
      await openstackScript('start-service', 'nova-api');
      await subscriber.close();
      await cloud.deleteAll(servers);
      await Promise.all(rack.map((h) => nova.forceDown(h, false)));
    }
  },
};
