import { faultNotification, type FaultNotification } from '../../../lib/contracts/etsi-alarm';
import { createSessionBody, type ReplyState } from '../../../lib/contracts/fenix';
import {
  projectInstanceIds,
  type Effect,
  type PlannedStep,
  type Session,
  type SessionEvent,
} from '../../../lib/maintenance/session/session';
import { step } from '../../../lib/maintenance/session/session-machine';
import { SampleVnfManager, type MaintenanceApi } from '../../sample-vnfm/vnf-manager';

/**
 * The sample VNF manager against the real session state machine: every notification it gets is
 * one the reducer emitted, every reply it sends goes back into the reducer. The VIM, the
 * planner and the operator are played by this harness: moves and maintenance succeed at once.
 */
const SID = '0c6d8f5e-2b1a-4c8e-9f3d-7a5b4c3d2e1f';
const T0 = Date.parse('2026-11-25T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
/** The VNF's active/standby pair, one instance on each host to maintain. */
const INSTANCES = [
  { instance_id: 'mme-1', project_id: 'tenant-a', host: 'host-1' },
  { instance_id: 'mme-2', project_id: 'tenant-a', host: 'host-2' },
];
/** Where the harness's planner moves instances: a host outside the session (anti-affinity kept). */
const SPARE_HOST = 'host-3';

function runSession(nackAt?: ReplyState) {
  let session: Session | undefined;
  let clock = 0;
  const events: SessionEvent[] = [];
  const api: MaintenanceApi = {
    instanceIds: async (url) => projectInstanceIds(session as Session, url.split('/').at(-1) as string) ?? [],
    reply: async (url, body) => {
      events.push({ type: 'tenant-reply', project_id: url.split('/').at(-1) as string, body, received_at: at(clock) });
    },
  };
  const vnfm = new SampleVnfManager(
    api,
    { active: 'mme-1', standby: 'mme-2' },
    { action: 'LIVE_MIGRATE', ...(nackAt ? { nackAt } : {}) },
  );
  const activeWhenMoved: Record<string, string> = {};
  const disabled = new Set<string>();
  const actions: Record<string, string> = {};
  const location = Object.fromEntries(INSTANCES.map((i) => [i.instance_id, i.host]));

  const react = async (effect: Effect) => {
    switch (effect.type) {
      case 'notify-tenant':
        await vnfm.handle(effect.payload);
        break;
      case 'plan-next-step': {
        const [host] = effect.request.pending_hosts;
        const plan: PlannedStep = host
          ? {
              kind: 'drain',
              hosts: [host],
              moves: INSTANCES.filter((i) => location[i.instance_id] === host).map((i) => ({
                instance_id: i.instance_id,
                project_id: i.project_id,
                from_host: host,
                to_host: SPARE_HOST,
              })),
            }
          : { kind: 'infeasible', reason: 'no host left' };
        events.push({ type: 'step-planned', seq: effect.request.seq, plan });
        break;
      }
      case 'disable-host':
        disabled.add(effect.host);
        break;
      case 'enable-host':
        disabled.delete(effect.host);
        break;
      case 'move-instance':
        actions[effect.instance_id] = effect.action;
        activeWhenMoved[effect.instance_id] = vnfm.active;
        location[effect.instance_id] = effect.to_host ?? 'elsewhere';
        events.push({ type: 'instance-action-done', instance_id: effect.instance_id });
        break;
      case 'await-host-empty':
        events.push({ type: 'host-drained', host: effect.host });
        break;
      case 'host-maintenance-hook':
        events.push({ type: 'host-maintenance-done', host: effect.host });
        break;
      default:
        break;
    }
  };

  return {
    vnfm,
    activeWhenMoved,
    disabled,
    actions,
    async run(): Promise<Session> {
      events.push({
        type: 'created',
        session_id: SID,
        request: createSessionBody.parse({
          hosts: ['host-1', 'host-2'],
          state: 'MAINTENANCE',
          maintenance_at: at(3600),
          workflow: 'default',
          metadata: {},
          reply_timeout_s: 300,
        }),
        instances: INSTANCES,
        admin_project_id: 'admin',
        api_url: 'https://nfvi-doctor.example/',
      });
      for (let i = 0; i < 200; i++) {
        const event = events.shift();
        if (!event) {
          // Nothing left but time: let the deadline the session waits for pass.
          if (!session?.deadline_at || session.state === 'MAINTENANCE_DONE') break;
          clock = (Date.parse(session.deadline_at) - T0) / 1000;
          events.push({ type: 'deadline-passed' });
          continue;
        }
        const decision = step(session, event, at(clock));
        if (decision.kind !== 'applied') continue;
        session = decision.session;
        for (const effect of decision.effects) await react(effect);
      }
      return session as Session;
    },
  };
}

describe('Sample VNF manager driving a maintenance session', () => {
  it('acknowledges every state and brings the session to MAINTENANCE_DONE, every host maintained and enabled', async () => {
    const harness = runSession();
    const session = await harness.run();
    expect(session.state).toBe('MAINTENANCE_DONE');
    expect(session.hosts).toEqual({ 'host-1': 'MAINTENANCE_COMPLETE', 'host-2': 'MAINTENANCE_COMPLETE' });
    expect([...harness.disabled]).toEqual([]);
  });

  it('switches its service over to the standby before the host under the active instance is emptied', async () => {
    const harness = runSession();
    await harness.run();
    expect(harness.vnfm.switchOvers).toBe(2);
    for (const [moved, active] of Object.entries(harness.activeWhenMoved)) expect(active).not.toBe(moved);
    expect(Object.keys(harness.activeWhenMoved).sort()).toEqual(['mme-1', 'mme-2']);
    expect(harness.vnfm.moved.sort()).toEqual(['mme-1', 'mme-2']);
  });

  it('has its instances moved the way it asked (live migration), when the state allows a choice', async () => {
    const harness = runSession();
    await harness.run();
    expect(harness.actions).toEqual({ 'mme-1': 'LIVE_MIGRATE', 'mme-2': 'LIVE_MIGRATE' });
  });

  it('refusing the preparation ends the session in MAINTENANCE_FAILED, and is told why', async () => {
    const harness = runSession('PREPARE_MAINTENANCE');
    const session = await harness.run();
    expect(session.state).toBe('MAINTENANCE_FAILED');
    expect(harness.vnfm.failure).toMatch(/NACK/);
    expect(harness.vnfm.switchOvers).toBe(0);
  });

  it('ignores a message that is not a maintenance notification, saying why', async () => {
    const vnfm = new SampleVnfManager(
      { instanceIds: async () => [], reply: async () => undefined },
      { active: 'a', standby: 'b' },
      { action: 'MIGRATE' },
    );
    expect(await vnfm.handle({ notificationType: 'AlarmNotification' })).toMatchObject({ outcome: 'ignored' });
  });
});

/** An instance alarm as the correlator notifies it (schema-checked). */
function alarmOn(
  instance: string,
  perceivedSeverity: 'CRITICAL' | 'WARNING',
  id = `alarm-${instance}`,
): FaultNotification {
  return faultNotification.parse({
    id: `notification-${id}`,
    notificationType: 'AlarmNotification',
    timeStamp: at(1),
    alarm: {
      id,
      managedObjectId: instance,
      tenantId: 'tenant-a',
      rootCauseFaultyResource: {
        faultyResource: { vimConnectionId: 'openstack', resourceId: 'host-1' },
        faultyResourceType: 'COMPUTE',
      },
      alarmRaisedTime: at(1),
      ackState: 'UNACKNOWLEDGED',
      perceivedSeverity,
      eventTime: at(0),
      eventType: 'COMMUNICATIONS_ALARM',
      faultType: 'compute.host.down',
      probableCause: 'Compute host unreachable',
      isRootCause: false,
      correlatedAlarmIds: ['host-alarm'],
      faultDetails: [],
    },
  });
}

const clearOf = (alarmId: string): FaultNotification => ({
  id: `clear-${alarmId}`,
  notificationType: 'AlarmClearedNotification',
  timeStamp: at(5),
  alarmId,
  alarmClearedTime: at(5),
});

describe('Sample VNF manager on a fault', () => {
  const pairManager = () =>
    new SampleVnfManager(
      { instanceIds: async () => [], reply: async () => undefined },
      { active: 'mme-1', standby: 'mme-2' },
      { action: 'MIGRATE' },
    );

  it("switches the service over to the standby when the active instance's host fails", () => {
    const vnfm = pairManager();
    expect(vnfm.onFault(alarmOn('mme-1', 'CRITICAL'))).toEqual({
      outcome: 'switched-over',
      from: 'mme-1',
      to: 'mme-2',
      alarmId: 'alarm-mme-1',
    });
    expect([vnfm.active, vnfm.standby, vnfm.switchOvers]).toEqual(['mme-2', 'mme-1', 1]);
  });

  it('does not switch over on a warning (the service still runs)', () => {
    const vnfm = pairManager();
    expect(vnfm.onFault(alarmOn('mme-1', 'WARNING'))).toMatchObject({ outcome: 'recorded' });
    expect([vnfm.active, vnfm.switchOvers]).toEqual(['mme-1', 0]);
  });

  it('keeps the active side when the standby fails, and does not switch to a standby that is down', () => {
    const vnfm = pairManager();
    expect(vnfm.onFault(alarmOn('mme-2', 'CRITICAL'))).toEqual({
      outcome: 'recorded',
      state: 'standby mme-2 unavailable',
    });
    expect(vnfm.onFault(alarmOn('mme-1', 'CRITICAL'))).toEqual({
      outcome: 'recorded',
      state: 'active and standby both unavailable',
    });
    expect([vnfm.active, vnfm.switchOvers]).toEqual(['mme-1', 0]);
  });

  it('switches over again once the standby has recovered', () => {
    const vnfm = pairManager();
    vnfm.onFault(alarmOn('mme-2', 'CRITICAL'));
    vnfm.onFault(clearOf('alarm-mme-2'));
    expect(vnfm.unavailable).toEqual([]);
    expect(vnfm.onFault(alarmOn('mme-1', 'CRITICAL'))).toMatchObject({ outcome: 'switched-over', to: 'mme-2' });
  });

  it("ignores another instance's alarm and a clear it never saw raised", () => {
    const vnfm = pairManager();
    expect(vnfm.onFault(alarmOn('hss-1', 'CRITICAL'))).toMatchObject({ outcome: 'ignored' });
    expect(vnfm.onFault(clearOf('unknown'))).toMatchObject({ outcome: 'ignored' });
    expect(vnfm.switchOvers).toBe(0);
  });
});
