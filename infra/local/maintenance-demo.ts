import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { httpMaintenanceApi } from '../../test/sample-vnfm/http-maintenance-api';
import { SampleVnfManager } from '../../test/sample-vnfm/vnf-manager';
import { invokeFunction } from './invoke-function';
import { callApi, type LocalCloud } from './local-cloud';
import { reportHostMaintained } from './operator-automation';
import { SnsHttpSubscriber, type ReceivedMessage } from './sns-http-subscriber';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface MaintenanceDemo {
  cloud: LocalCloud;
  /** The hosts to empty, and the tenant whose VNF manager answers (the other tenant stays silent). */
  hosts: string[];
  tenant: string;
  tenantTopic: string;
  /** The tenant's active/standby pair, by server name. */
  pair: { active: string; standby: string };
  say: (line?: string) => void;
}

/**
 * `npm start`, planned maintenance: an administrator empties two hosts through the Fenix API; the
 * sample VNF manager answers for its tenant over HTTP with its own token; the other tenant stays
 * silent and gets the default action; operator automation answers the maintenance hook on the
 * bus. The sweeper is invoked every 2 s here (every minute on AWS).
 */
export async function runMaintenanceDemo(demo: MaintenanceDemo): Promise<void> {
  const { cloud, hosts, say } = demo;
  const nova = cloud.nova();
  const servers = await nova.listServers();
  const idOf = (name: string) => servers.find((s) => s.name === name)?.id ?? name;
  const nameOf = (id: string) => servers.find((s) => s.id === id)?.name ?? id;
  const vnfm = new SampleVnfManager(
    httpMaintenanceApi(() => cloud.memberToken('tenant-a')),
    { active: idOf(demo.pair.active), standby: idOf(demo.pair.standby) },
    { action: 'LIVE_MIGRATE' },
  );
  let sessionId = '';
  const started = Date.now();
  const at = () => `+${((Date.now() - started) / 1000).toFixed(1)} s`;
  let work = Promise.resolve();
  const serially = (task: () => Promise<void>) => {
    work = work.then(task).catch((error: unknown) => say(`  ${at()} error: ${String(error)}`));
  };
  const onMessage = (m: ReceivedMessage) => {
    if (m.message.session_id !== sessionId) return;
    const n = m.message;
    if (m.subscription === 'vnfm') {
      serially(async () => {
        const handled = await vnfm.handle(n);
        const ids = Array.isArray(n.instance_ids) ? ` ${(n.instance_ids as string[]).map(nameOf).join(', ')}` : '';
        const answer =
          handled.outcome === 'replied'
            ? ` -> ${handled.state}${handled.switchedOver ? ' (switched over first)' : ''}`
            : '';
        say(`  ${at()} [VNF manager of ${demo.tenant}] ${n.state}${ids}${answer}`);
      });
    } else if (m.attributes.eventType === 'maintenance.session') {
      say(`  ${at()} [admin] session ${n.state}${n.reason ? `: ${n.reason}` : ''}`);
    } else if (m.attributes.eventType === 'maintenance.host') {
      say(`  ${at()} [admin] ${n.host} ${n.state}`);
      if (n.state === 'IN_MAINTENANCE') serially(() => maintain(String(n.host)));
    }
  };
  /** Operator automation: "maintains" the emptied host, then answers the hook on the bus. */
  const maintain = async (host: string) => {
    const left = await nova.listServers({ host });
    say(`  ${at()} [operator] ${host} handed over with ${left.length} servers on it; maintaining ...`);
    await sleep(1000);
    await reportHostMaintained(sessionId, host);
  };

  const subscriber = await SnsHttpSubscriber.start(awsClients().sns, onMessage);
  try {
    await subscriber.subscribe(demo.tenantTopic, 'vnfm');
    await subscriber.subscribe(config().adminTopicArn, 'admin');
    const adminToken = await cloud.adminToken();
    // Tenants need reply_timeout_s (6 s) before maintenance_at; the first POST, a cold start
    // that lists Nova's hosts, can take seconds on this machine.
    const maintenanceAt = new Date(Date.now() + 12_000).toISOString().slice(0, 19).replace('T', ' ');
    const created = await callApi('POST', '/v1/maintenance', adminToken, {
      hosts,
      state: 'MAINTENANCE',
      maintenance_at: maintenanceAt,
      workflow: 'default',
      metadata: { change: 'demo' },
      // The operator hook (the demo's stand-in automation) maintains each emptied host.
      actions: [{ plugin: 'firmware-upgrade', type: 'host' }],
      reply_timeout_s: 6,
    });
    if (created.status !== 200)
      throw new Error(`POST /v1/maintenance answered ${created.status}: ${JSON.stringify(created.body)}`);
    sessionId = String(created.body.session_id);
    say(
      `  ${demo.tenant}'s sample VNF manager answers; the other tenant stays silent, so its instance gets the default action (MIGRATE) at reply_at`,
    );
    say(
      `  POST /v1/maintenance {hosts: ${hosts.join(', ')}, maintenance_at: "${maintenanceAt}"} -> session ${sessionId}`,
    );
    let session: Record<string, unknown> = {};
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      session = (await callApi('GET', `/v1/maintenance/${sessionId}`, adminToken)).body;
      if (session.state === 'MAINTENANCE_DONE' || session.state === 'MAINTENANCE_FAILED') break;
      await invokeFunction('maintenanceSweeper');
      await sleep(2000);
    }
    await sleep(1500);
    await work;
    say(`  GET /v1/maintenance/${sessionId}: ${session.state}, hosts ${JSON.stringify(session.hosts)}`);
    for (const s of await nova.listServers())
      if (s.name.startsWith('demo-')) say(`  Nova: ${s.name} on ${s.host} (${s.status})`);
  } finally {
    await subscriber.close();
  }
}
