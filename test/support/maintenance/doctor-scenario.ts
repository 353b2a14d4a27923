import { invokeFunction } from '../../../infra/local/invoke-function';
import { callApi, type LocalCloud } from '../../../infra/local/local-cloud';
import { SnsHttpSubscriber, type ReceivedMessage } from '../../../infra/local/sns-http-subscriber';
import type { Server } from '../../../lib/adapters/openstack/nova';
import { tenantNotification, type TenantNotification } from '../../../lib/contracts/fenix';
import { awsClients } from '../../../lib/platform/aws-clients';
import { config } from '../../../lib/platform/config';
import { authorizedCall } from '../../sample-vnfm/authorized-call';
import { httpMaintenanceApi } from '../../sample-vnfm/http-maintenance-api';
import { SampleVnfManager } from '../../sample-vnfm/vnf-manager';
import { sleep } from '../world';

/** Doctor polls the session every 10 s, 90 times, and passes only on MAINTENANCE_DONE. */
export const DOCTOR_POLL_MS = 10_000;
export const DOCTOR_POLLS = 90;
/** The VNF's anti-affinity group. */
export const GROUP = { max_impacted_members: 1, recovery_time: 2 };

export type Workflow = 'default' | 'vnf';

/**
 * Fenix's sample VNF manager as it answers the vnf workflow (fenix/tools/vnfm.py, Doctor's
 * app_manager/vnfm.py): keeps its constraints itself, answers each notice about one instance with
 * `{session_id, state, instance_action}` at its reply_url, switches its pair over before its
 * active instance moves, and NACKs an instance it does not own.
 */
export class FenixSampleVnfm {
  readonly asked: string[] = [];
  readonly nacked: string[] = [];
  readonly moved: string[] = [];
  movedWhileActive: string[] = [];

  constructor(
    private readonly call: ReturnType<typeof authorizedCall>,
    private pair: { active: string; standby: string },
    private readonly own: Set<string>,
  ) {}

  get active() {
    return this.pair.active;
  }

  async handle(message: unknown): Promise<void> {
    const notice = tenantNotification.parse(message) as TenantNotification;
    if (notice.state === 'INSTANCE_ACTION_DONE') {
      this.moved.push(...notice.instance_ids);
      if (notice.instance_ids.includes(this.pair.active)) this.movedWhileActive.push(this.pair.active);
      return;
    }
    if (notice.state === 'MAINTENANCE_FAILED') return;
    const reply = { session_id: notice.session_id, state: `ACK_${notice.state}` } as Record<string, unknown>;
    if (Array.isArray(notice.instance_ids)) {
      const [instance] = notice.instance_ids as [string];
      this.asked.push(instance);
      if (!this.own.has(instance)) {
        this.nacked.push(instance);
        reply.state = `NACK_${notice.state}`;
      } else if (instance === this.pair.active) {
        this.pair = { active: this.pair.standby, standby: this.pair.active };
      }
      reply.instance_action = 'MIGRATE';
    }
    await this.call('PUT', notice.reply_url, reply);
  }
}

export interface DoctorScenarioResult {
  workflow: Workflow;
  sessionId: string;
  finalState: string;
  polls: number;
  /** From the session's creation to the poll that saw it end. */
  elapsedS: number;
  /** From maintenance_at to MAINTENANCE_DONE, by the session's own history (the hosts' part). */
  maintenanceS: number;
  /** Hosts maintained, instances moved. */
  hosts: number;
  moves: number;
  servers: Server[];
  /** What went wrong in the VNF manager or the sweeper. */
  problems: string[];
  /** Moments Nova showed the VNF's constraints broken. */
  violations: string[];
  /** `<host> <state>` of every maintenance.host the admin got. */
  hostNotices: Set<string>;
  /** The instance_ids of every per-instance notice the tenant got. */
  perInstanceNotices: string[][];
  doctorAppManager?: SampleVnfManager;
  fenixVnfm?: FenixSampleVnfm;
  /** Ends the watchers, deletes the session and the servers. */
  cleanUp(): Promise<void>;
}

/**
 * OPNFV Doctor's maintenance scenario (doctor_tests/scenario/maintenance.py) against the local
 * stack and the real Nova: a VNF (an anti-affinity pair and two more instances) of `project`, its
 * constraints set by its VNF manager; the administrator creates the session as Doctor does (every
 * compute host, maintenance 30 s ahead in Fenix's time format, no plug-in) and polls it as Doctor
 * does; the VNF manager behaves as Doctor's app manager (default workflow) or Fenix's sample VNFM
 * (vnf workflow). Nova is read every half second meanwhile, for the VNF's constraints.
 */
export async function runDoctorScenario(
  cloud: LocalCloud,
  workflow: Workflow,
  project: string,
  hosts: { ha: [string, string]; other: string },
): Promise<DoctorScenarioResult> {
  const nova = cloud.nova();
  const problems: string[] = [];
  const violations: string[] = [];
  const hostNotices = new Set<string>();
  const perInstanceNotices: string[][] = [];
  let sessionId = '';
  let watching = true;
  let work = Promise.resolve();
  let doctorAppManager: SampleVnfManager | undefined;
  let fenixVnfm: FenixSampleVnfm | undefined;
  const serially = (task: () => Promise<unknown>) => {
    work = work.then(task).then(
      () => undefined,
      (error: unknown) => void problems.push(String(error)),
    );
  };
  const onMessage = (m: ReceivedMessage) => {
    if (m.subscription === project && m.attributes.eventType === 'maintenance.scheduled') {
      if (Array.isArray(m.message.instance_ids) && m.message.state !== 'INSTANCE_ACTION_DONE')
        perInstanceNotices.push(m.message.instance_ids as string[]);
      serially(async () => (doctorAppManager ? doctorAppManager.handle(m.message) : fenixVnfm?.handle(m.message)));
    }
    if (
      m.subscription === 'admin' &&
      m.message.session_id === sessionId &&
      m.attributes.eventType === 'maintenance.host'
    )
      hostNotices.add(`${String(m.message.host)} ${String(m.message.state)}`);
  };

  const computeHosts = (await nova.listServices({ binary: 'nova-compute' })).map((s) => s.host);
  await Promise.all(computeHosts.map((h) => nova.setServiceEnabled(h, true)));
  const suffix = `${workflow}-${Date.now().toString(36)}`;
  const [[active], [standby], others] = (await Promise.all([
    cloud.boot(project, hosts.ha[0], [`doctor_ha_app_0-${suffix}`]),
    cloud.boot(project, hosts.ha[1], [`doctor_ha_app_1-${suffix}`]),
    cloud.boot(project, hosts.other, [`doctor_nonha_app_0-${suffix}`, `doctor_nonha_app_1-${suffix}`]),
  ])) as [[Server], [Server], Server[]];
  const servers = [active, standby, ...others];
  const [adminToken, token] = await Promise.all([cloud.adminToken(), cloud.memberToken(project)]);
  const projectId = cloud.projectId(project);
  const must = async (what: string, answer: Promise<{ status: number; body: unknown }>) => {
    const { status, body } = await answer;
    if (status !== 200) throw new Error(`${what} answered ${status}: ${JSON.stringify(body)}`);
  };
  await must('the inventory sync', callApi('POST', '/v1/inventory/sync', adminToken));
  // The VNF's constraints, kept by its VNF manager as Doctor's and Fenix's samples keep them.
  const group = `doctor-ha-${suffix}`;
  for (const server of servers) {
    const ha = server === active || server === standby;
    await must(
      `PUT /v1/instance/${server.id}`,
      callApi('PUT', `/v1/instance/${server.id}`, token, {
        instance_id: server.id,
        project_id: projectId,
        ...(ha ? { group_id: group } : {}),
        instance_name: server.name,
        migration_type: 'MIGRATE',
        max_interruption_time: ha ? 0 : 120,
        resource_mitigation: true,
        lead_time: ha ? 0 : 1,
      }),
    );
  }
  await must(
    `PUT /v1/instance_group/${group}`,
    callApi('PUT', `/v1/instance_group/${group}`, token, {
      group_id: group,
      project_id: projectId,
      group_name: 'doctor_ha_app_group',
      anti_affinity_group: true,
      max_instances_per_host: 0,
      ...GROUP,
      resource_mitigation: true,
    }),
  );
  if (workflow === 'default') {
    doctorAppManager = new SampleVnfManager(
      httpMaintenanceApi(async () => token),
      { active: active.id, standby: standby.id },
      { action: 'MIGRATE' },
    );
  } else {
    fenixVnfm = new FenixSampleVnfm(
      authorizedCall(async () => token),
      { active: active.id, standby: standby.id },
      new Set(servers.map((s) => s.id)),
    );
  }
  const subscriber = await SnsHttpSubscriber.start(awsClients().sns, onMessage);
  const topic = await callApi('GET', `/v1/tenants/${projectId}/topic`, token);
  await subscriber.subscribe(String(topic.body.topicArn), project);
  await subscriber.subscribe(config().adminTopicArn, 'admin');
  const background = Promise.all([
    // Nova's view every half second: the pair never on one host, at most max_impacted_members impacted.
    (async () => {
      while (watching) {
        const pair = await Promise.all([nova.getServer(active.id), nova.getServer(standby.id)]);
        const at = new Date().toISOString();
        if (pair[0].host && pair[0].host === pair[1].host) violations.push(`${at}: the pair shares ${pair[0].host}`);
        const impacted = pair.filter((s) => s.status !== 'ACTIVE');
        if (impacted.length > GROUP.max_impacted_members)
          violations.push(`${at}: ${impacted.length} members impacted (${impacted.map((s) => s.status).join(', ')})`);
        await sleep(500);
      }
    })(),
    // The sweeper runs every minute on AWS; here every 2 s, as Fenix's own timers would.
    (async () => {
      while (watching) {
        await invokeFunction('maintenanceSweeper').catch((error: unknown) => problems.push(String(error)));
        await sleep(2000);
      }
    })(),
  ]);

  // The administrator's side, as doctor_tests/scenario/maintenance.py runs it.
  const maintenanceAt = new Date(Date.now() + 30_000).toISOString().slice(0, 19).replace('T', ' ');
  const started = Date.now();
  const created = await callApi('POST', '/v1/maintenance', adminToken, {
    state: 'MAINTENANCE',
    maintenance_at: maintenanceAt,
    metadata: { openstack_version: 'Queens' },
    workflow,
    hosts: [],
  });
  if (created.status !== 200) throw new Error(`POST /v1/maintenance answered ${created.status}`);
  sessionId = String(created.body.session_id);
  let finalState = '';
  let polls = 0;
  for (polls = 1; polls <= DOCTOR_POLLS; polls++) {
    await sleep(DOCTOR_POLL_MS);
    finalState = String((await callApi('GET', `/v1/maintenance/${sessionId}`, adminToken)).body.state);
    if (['MAINTENANCE_DONE', 'MAINTENANCE_FAILED'].includes(finalState)) break;
  }
  const elapsedS = (Date.now() - started) / 1000;
  await work;
  const detail = (await callApi('GET', `/v1/maintenance/${sessionId}/detail`, adminToken)).body as {
    maintenance_at: string;
    hosts: Record<string, string>;
    history: { to: string; at: string }[];
  };
  const doneAt = detail.history.find((h) => h.to === finalState)?.at ?? new Date().toISOString();
  const maintenanceS = (Date.parse(doneAt) - Date.parse(detail.maintenance_at)) / 1000;
  return {
    workflow,
    sessionId,
    finalState,
    polls,
    elapsedS,
    maintenanceS,
    hosts: Object.keys(detail.hosts).length,
    moves: (doctorAppManager?.moved ?? fenixVnfm?.moved ?? []).length,
    servers,
    problems,
    violations,
    hostNotices,
    perInstanceNotices,
    ...(doctorAppManager ? { doctorAppManager } : {}),
    ...(fenixVnfm ? { fenixVnfm } : {}),
    cleanUp: async () => {
      watching = false;
      await background;
      await callApi('DELETE', `/v1/maintenance/${sessionId}`, adminToken);
      await cloud.deleteAll(servers);
      await subscriber.close();
    },
  };
}
