import { DynamoDbFaultStore } from '../../lib/adapters/dynamodb/dynamodb-fault-store';
import { alarmClearedNotification, alarmNotification } from '../../lib/contracts/etsi-alarm';
import type { FaultRecord } from '../../lib/inspector/fault-record';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { seeded, shuffled } from '../support/seeded-random';
import { createWorld } from '../support/world';
import { collectorEntry, putAll } from './bus';
import { expectThat, until, type Scenario } from './scenario';

const SIZES = { full: { events: 10_000, hosts: 200, tenants: 20 }, ci: { events: 600, hosts: 20, tenants: 5 } };

interface ModelEvent {
  host: string;
  faultKey: string;
  seq: number;
  active: boolean;
  detailType: string;
  detail: Record<string, unknown>;
}

/**
 * 1. At least once, out of order. Southbound events over many hosts, each delivered one to three
 * times, all shuffled, so that older events of a fault arrive after newer ones (a clear older than
 * its raise): every fault must end in the state of its newest event, every alarm raised must have
 * reached its tenant (and its clear, when cleared), and no notification id may reach a subscriber twice.
 */
export const atLeastOnce: Scenario = {
  id: 'at-least-once',
  title: 'At least once, out of order',
  proves:
    'duplicated and reordered telemetry (SNS and EventBridge deliver at least once, in no order) ends in the right alarm states, loses no notification and repeats none',
  async run(scale) {
    const size = SIZES[scale];
    const random = seeded(1);
    const layout: Record<string, { name: string; tenant: string }[]> = {};
    for (let h = 0; h < size.hosts; h++) {
      layout[`rel1-h${h}`] = [0, 1].map((i) => ({ name: `vm${i}`, tenant: `t${Math.floor(random() * size.tenants)}` }));
    }
    const world = await createWorld(layout);
    try {
      const hosts = Object.keys(layout).map(world.host);
      const base = Date.now() - 60_000;
      // Each host's collector: link and PSU changes, seq and time increasing.
      const model: ModelEvent[] = [];
      const seqOf = new Map<string, number>();
      for (let n = 0; n < size.events; n++) {
        const host = hosts[Math.floor(random() * hosts.length)] as string;
        const seq = (seqOf.get(host) ?? 0) + 1;
        seqOf.set(host, seq);
        const active = random() < 0.5;
        const observation = {
          host,
          collectorId: `c-${host}`,
          seq,
          observedAt: new Date(base + seq * 10).toISOString(),
        };
        model.push(
          random() < 0.5
            ? {
                host,
                faultKey: 'link:eth1',
                seq,
                active,
                detailType: 'link.state',
                detail: {
                  ...observation,
                  interface: 'eth1',
                  role: 'data',
                  state: active ? 'down' : 'up',
                  carrier: !active,
                },
              }
            : {
                host,
                faultKey: 'hardware:psu:PS1',
                seq,
                active,
                detailType: 'hardware.event',
                detail: {
                  ...observation,
                  component: 'psu',
                  sensor: 'PS1',
                  state: active ? 'critical' : 'ok',
                  message: 'PS1',
                },
              },
        );
      }
      const deliveries = shuffled(
        model.flatMap((event) => Array.from({ length: 1 + Math.floor(random() * 3) }, () => event)),
        random,
      );
      const finalOf = new Map<string, ModelEvent>();
      for (const event of model) {
        const key = `${event.host}|${event.faultKey}`;
        if ((finalOf.get(key)?.seq ?? 0) < event.seq) finalOf.set(key, event);
      }

      const started = Date.now();
      const results = await putAll(deliveries.map((e) => collectorEntry(e.detailType, e.detail)));
      const refused = results.filter((r) => r.ErrorCode).length;

      const faults = new DynamoDbFaultStore(awsClients().dynamo, config().alarmsTable);
      const records = new Map<string, FaultRecord | undefined>();
      const wrongStates = async () => {
        const wrong: string[] = [];
        for (const [key, last] of finalOf) {
          const [host, faultKey] = key.split('|') as [string, string];
          const record = await faults.get(host, faultKey);
          records.set(key, record);
          const converged =
            record?.lastObservation.seq === last.seq &&
            (record.status === 'ACTIVE') === last.active &&
            record.publishedSeq >= record.transitionSeq;
          if (!converged) wrong.push(key);
        }
        return wrong;
      };
      let wrong: string[] = [];
      await until(async () => (wrong = await wrongStates()).length === 0, scale === 'full' ? 600_000 : 180_000, 2000);
      const convergedS = (Date.now() - started) / 1000;
      // The last deliveries of a converged record may still be on their way.
      const expectedDeliveries = [...records.values()].flatMap((record) =>
        record?.lastTransition
          ? record.instanceAlarms.map((a) => ({ alarm: a, cleared: record.status === 'CLEARED' }))
          : [],
      );
      const delivered = () => world.subscriber.received.filter((m) => m.subscription !== 'admin');
      const seenAlarm = (id: string, cleared: boolean) =>
        delivered().some((m) =>
          cleared
            ? alarmClearedNotification.safeParse(m.message).data?.alarmId === id
            : alarmNotification.safeParse(m.message).data?.alarm.id === id,
        );
      await until(() => expectedDeliveries.every((e) => seenAlarm(e.alarm.id, e.cleared)), 60_000, 1000);
      const lost = expectedDeliveries.filter((e) => !seenAlarm(e.alarm.id, e.cleared)).length;
      const ids = delivered().map((m) => `${m.subscription} ${String(m.message.id)}`);
      const duplicates = ids.length - new Set(ids).size;
      const foreign = delivered().filter((m) => m.attributes.tenantId !== world.tenant(m.subscription)).length;

      const failures: string[] = [];
      expectThat(failures, refused === 0, `${refused} valid entries were refused by PutEvents`);
      expectThat(
        failures,
        wrong.length === 0,
        `${wrong.length} faults did not end in their newest event's state (e.g. ${wrong[0]})`,
      );
      expectThat(failures, lost === 0, `${lost} notifications of the final alarms never reached their tenant`);
      expectThat(failures, duplicates === 0, `${duplicates} notification ids reached a subscriber twice`);
      expectThat(failures, foreign === 0, `${foreign} notifications reached another tenant`);
      return {
        figures: {
          events: model.length,
          deliveries: deliveries.length,
          hosts: hosts.length,
          faults: finalOf.size,
          'wrong final states': wrong.length,
          'notifications delivered': delivered().length,
          lost: lost,
          'duplicate ids': duplicates,
          'converged after s': Math.round(convergedS),
        },
        failures,
      };
    } finally {
      await world.close();
    }
  },
};
