import { invokeFunction } from '../../infra/local/invoke-function';
import { callApi } from '../../infra/local/local-cloud';
import { DynamoDbFaultStore } from '../../lib/adapters/dynamodb/dynamodb-fault-store';
import { alarmClearedNotification, alarmNotification } from '../../lib/contracts/etsi-alarm';
import type { FaultRecord } from '../../lib/inspector/fault-record';
import { reportFaultKey } from '../../lib/inspector/fault-signal';
import { monitorId } from '../../lib/inspector/ingest/doctor-events';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { localApiUrl } from '../../lib/platform/local-stack/local-endpoints';
import { alertmanagerWebhook } from '../support/alertmanager-webhook';
import { applicationCredential, basicAuth } from '../support/keystone';
import { localCloud } from '../support/openstack';
import { createWorld, sleep } from '../support/world';
import { expectThat, until, type Scenario } from './scenario';

/** 10 Hz for 10 s, ending up: 100 reports per monitor. */
const CHANGES = 100;
const EVERY_MS = 100;
/** What the correlator's damping lets through per instance and flap episode: two raises and two clears. */
const BOUND = 4;

/**
 * 6. Flapping. Doctor's inspector API and Alertmanager's webhook each report a fault going and
 * coming back at 10 Hz for 10 s (reports that pass through no collector, so nothing damped them
 * before): the correlator's damping bounds what each instance's tenant hears, and once the
 * flapping has decayed the fault ends in its last reported state (cleared), which the tenant is
 * told last.
 */
export const flapping: Scenario = {
  id: 'flapping',
  title: 'Flapping',
  proves: `a fault reported going and coming back at 10 Hz reaches each instance's tenant as at most ${BOUND} notifications (not 100), and ends in its last reported state`,
  async run(scale) {
    const world = await createWorld({
      'rel6-doctor': [
        { name: 'mme', tenant: 'epc' },
        { name: 'cscf', tenant: 'ims' },
      ],
      'rel6-am': [
        { name: 'sgw', tenant: 'epc' },
        { name: 'pcscf', tenant: 'ims' },
      ],
    });
    try {
      const adminToken = await localCloud().adminToken();
      const alertmanager = basicAuth(await applicationCredential(adminToken));
      const monitor = `rel6-${world.id}`;
      const fingerprint = `rel6-fp-${world.id}`;
      const doctorHost = world.host('rel6-doctor');
      const amHost = world.host('rel6-am');
      const doctorTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000');
      const viaDoctor = (down: boolean, at: number) =>
        callApi('PUT', '/events', adminToken, [
          {
            id: `${monitor}-${at}`,
            time: doctorTime(at),
            type: 'compute.host.down',
            details: { hostname: doctorHost, status: down ? 'down' : 'up', monitor, monitor_event_id: String(at) },
          },
        ]);
      const viaAlertmanager = async (down: boolean, at: number) => {
        const response = await fetch(`${localApiUrl()}/v1/alertmanager`, {
          method: 'POST',
          headers: { Authorization: alertmanager, 'Content-Type': 'application/json' },
          body: JSON.stringify(
            alertmanagerWebhook({
              labels: { alertname: 'NodeNetworkInterfaceDown', instance: `${amHost}:9100`, device: 'eth1' },
              annotations: { summary: 'eth1 down' },
              startsAt: new Date(at - (down ? 0 : EVERY_MS)),
              ...(down ? {} : { resolvedAt: new Date(at) }),
              fingerprint,
            }),
          ),
        });
        return { status: response.status };
      };

      // Each report leaves at its time, whether or not the previous one was answered yet.
      const startAt = Date.now() + 200;
      const answers = await Promise.all(
        Array.from({ length: CHANGES }, async (_, i) => {
          const at = startAt + i * EVERY_MS;
          await sleep(at - Date.now());
          const down = i % 2 === 0;
          return Promise.all([viaDoctor(down, at), viaAlertmanager(down, at)]);
        }),
      );
      const refused = answers.flat().filter((a) => a.status !== 200).length;

      const faults = new DynamoDbFaultStore(awsClients().dynamo, config().alarmsTable);
      const keys: [string, string][] = [
        [doctorHost, reportFaultKey({ collectorId: monitorId('doctor', monitor), faultType: 'compute.host.down' })],
        [
          amHost,
          reportFaultKey({ collectorId: monitorId('alertmanager', fingerprint), faultType: 'compute.host.nic.error' }),
        ],
      ];
      await sleep(3000);
      const duringFlap = countsOf(
        notificationsByInstance(world.subscriber.received.filter((m) => m.subscription !== 'admin')),
      );
      // The held clears go out once the damping has decayed: the sweeper's schedule does it (every
      // minute); in CI the scenario invokes the sweeper as soon as the hold is due.
      const records: (FaultRecord | undefined)[] = [];
      const settled = await until(
        async () => {
          records.splice(0, records.length, ...(await Promise.all(keys.map(([h, k]) => faults.get(h, k)))));
          if (scale === 'ci' && records.some((r) => r?.dueAt && Date.parse(r.dueAt) <= Date.now()))
            await invokeFunction('correlatorSweeper');
          return records.every((r) => r?.status === 'CLEARED' && r.publishedSeq >= r.transitionSeq);
        },
        scale === 'full' ? 240_000 : 120_000,
        2000,
      );
      await sleep(2000);
      const notifications = notificationsByInstance(
        world.subscriber.received.filter((m) => m.subscription !== 'admin'),
      );
      const counts = countsOf(notifications);
      const most = Math.max(...counts.values());
      const endedRaised = [...new Map(notifications).entries()].filter(([, kind]) => kind !== 'cleared');

      const failures: string[] = [];
      expectThat(failures, refused === 0, `${refused} reports were refused`);
      expectThat(failures, counts.size === 4, `only ${counts.size} of 4 instances' tenants heard of the flapping`);
      expectThat(failures, most <= BOUND, `an instance's tenant received ${most} notifications (bound ${BOUND})`);
      expectThat(failures, settled, 'the faults did not end cleared once the flapping stopped');
      expectThat(
        failures,
        endedRaised.length === 0,
        `${endedRaised.length} instances were last told of a raise (e.g. ${endedRaised[0]?.[0]})`,
      );
      return {
        figures: {
          'reports per monitor': CHANGES,
          'reports per s': 1000 / EVERY_MS,
          'most notifications per instance, during the flap': Math.max(...duringFlap.values(), 0),
          'most notifications per instance, in all': most,
          bound: BOUND,
          'final state right': settled && endedRaised.length === 0 ? 'yes' : 'no',
        },
        failures,
      };
    } finally {
      await world.close();
    }
  },
};

type Kind = 'raised' | 'cleared';

/** Each tenant notification as [instance, raised or cleared], in order of receipt (a clear names its alarm's instance). */
function notificationsByInstance(messages: { message: Record<string, unknown> }[]): [string, Kind][] {
  const instanceOfAlarm = new Map<string, string>();
  return messages.flatMap((m): [string, Kind][] => {
    const raised = alarmNotification.safeParse(m.message);
    if (raised.success) {
      instanceOfAlarm.set(raised.data.alarm.id, raised.data.alarm.managedObjectId);
      return [[raised.data.alarm.managedObjectId, 'raised']];
    }
    const cleared = alarmClearedNotification.safeParse(m.message);
    const instance = cleared.success ? instanceOfAlarm.get(cleared.data.alarmId) : undefined;
    return instance ? [[instance, 'cleared']] : [];
  });
}

const countsOf = (notifications: [string, Kind][]) =>
  notifications.reduce(
    (counts, [instance]) => counts.set(instance, (counts.get(instance) ?? 0) + 1),
    new Map<string, number>(),
  );
