import { callApi } from '../../infra/local/local-cloud';
import { alarmClearedNotification, alarmNotification, type Alarm } from '../../lib/contracts/etsi-alarm';
import { mapSettled } from '../../lib/platform/map-settled';
import { keystoneTenants, type KeystoneTenant } from '../support/keystone';
import { seeded } from '../support/seeded-random';
import { createWorld, sleep } from '../support/world';
import { collectorEntry, putAll } from './bus';
import { expectThat, type Scenario } from './scenario';

const SIZES = {
  full: { events: 10_000, hosts: 100, tenants: 20, calls: 2_000 },
  ci: { events: 400, hosts: 16, tenants: 5, calls: 200 },
};

/**
 * 3. Tenants apart, at random. Events over hosts whose instances belong to many tenants, placed at
 * random, while every tenant calls the APIs at random, its own resources and the others': no
 * tenant may receive a notification, read a thing or change a thing of another tenant's.
 */
export const tenantsApart: Scenario = {
  id: 'tenants-apart',
  title: 'Tenants apart, at random',
  proves:
    "no tenant receives, reads or changes another tenant's alarms, subscriptions, topics, recoveries or maintenance replies, whatever it asks",
  async run(scale) {
    const size = SIZES[scale];
    const random = seeded(3);
    const tenants = await keystoneTenants(Array.from({ length: size.tenants }, (_, i) => `rel-tenant-${i}`));
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
    const layout: Record<string, { name: string; tenant: string }[]> = {};
    for (let h = 0; h < size.hosts; h++) {
      layout[`rel3-h${h}`] = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => ({
        name: `vm${i}`,
        tenant: pick(tenants).name,
      }));
    }
    const world = await createWorld(layout, [], Object.fromEntries(tenants.map((t) => [t.name, t.projectId])));
    try {
      const hosts = Object.keys(layout).map(world.host);
      const seq = new Map<string, number>();
      const events = Array.from({ length: size.events }, () => {
        const host = pick(hosts);
        const n = (seq.get(host) ?? 0) + 1;
        seq.set(host, n);
        const down = random() < 0.6;
        return collectorEntry('link.state', {
          host,
          collectorId: `c-${host}`,
          seq: n,
          observedAt: new Date().toISOString(),
          interface: 'eth1',
          role: 'data',
          state: down ? 'down' : 'up',
          carrier: !down,
        });
      });
      const failures: string[] = [];
      const crossings: string[] = [];
      const acknowledgedBy = new Map<string, string>();

      const calls = async () => {
        const alarmsOf = new Map<string, Alarm[]>();
        const fetchAlarms = async (t: KeystoneTenant) => {
          const answer = await callApi('GET', '/v1/alarms?state=all', t.token);
          const alarms = (Array.isArray(answer.body) ? answer.body : []) as Alarm[];
          for (const a of alarms)
            if (a.tenantId !== t.projectId) crossings.push(`${t.name} read ${a.tenantId}'s alarm ${a.id}`);
          alarmsOf.set(t.projectId, alarms);
          return answer.status;
        };
        await mapSettled(Array.from({ length: size.calls }), 4, async () => {
          const caller = pick(tenants);
          const other = pick(tenants.filter((t) => t !== caller));
          const theirs = pick(alarmsOf.get(other.projectId) ?? [])?.id ?? 'no-alarm-yet';
          const mine = pick(alarmsOf.get(caller.projectId) ?? [])?.id;
          switch (Math.floor(random() * 8)) {
            case 0:
              return fetchAlarms(caller);
            case 1: {
              const read = await callApi('GET', `/v1/alarms/${theirs}`, caller.token);
              if (read.status !== 404) crossings.push(`${caller.name} read ${other.name}'s alarm: ${read.status}`);
              return;
            }
            case 2: {
              const ack = await callApi('PATCH', `/v1/alarms/${theirs}`, caller.token, { ackState: 'ACKNOWLEDGED' });
              if (ack.status !== 404)
                crossings.push(`${caller.name} acknowledged ${other.name}'s alarm: ${ack.status}`);
              return;
            }
            case 3: {
              if (!mine) return;
              const ack = await callApi('PATCH', `/v1/alarms/${mine}`, caller.token, { ackState: 'ACKNOWLEDGED' });
              if (ack.status === 200) acknowledgedBy.set(mine, caller.projectId);
              return;
            }
            case 4: {
              const sub = await callApi('POST', '/v1/subscriptions', caller.token, {
                callbackUri: `${world.subscriber.url}/spy-${caller.name}`,
                tenantId: other.projectId,
              });
              if (sub.status !== 403)
                crossings.push(`${caller.name} subscribed to ${other.name}'s notifications: ${sub.status}`);
              return;
            }
            case 5: {
              const topic = await callApi('GET', `/v1/tenants/${other.projectId}/topic`, caller.token);
              if (topic.status !== 403) crossings.push(`${caller.name} read ${other.name}'s topic: ${topic.status}`);
              return;
            }
            case 6: {
              const reply = await callApi('PUT', `/v1/maintenance/any-session/${other.projectId}`, caller.token, {
                state: 'ACK_MAINTENANCE',
              });
              if (reply.status !== 403) crossings.push(`${caller.name} replied for ${other.name}: ${reply.status}`);
              return;
            }
            default: {
              const listed = await callApi('GET', '/v1/subscriptions', caller.token);
              const foreign = (Array.isArray(listed.body) ? listed.body : []).filter(
                (s: { tenantId?: string }) => s.tenantId !== caller.projectId,
              );
              if (foreign.length > 0) crossings.push(`${caller.name} listed ${foreign.length} subscriptions of others`);
              return;
            }
          }
        });
        await Promise.all(tenants.map(fetchAlarms));
        return alarmsOf;
      };

      const [, alarmsOf] = await Promise.all([putAll(events, 4), calls()]);
      await sleep(scale === 'full' ? 20_000 : 8_000);

      // Notifications: each tenant's subscriber received only its own tenant's alarms.
      const raisedFor = new Map<string, string>();
      for (const m of world.subscriber.received) {
        const raised = alarmNotification.safeParse(m.message);
        if (raised.success) raisedFor.set(raised.data.alarm.id, raised.data.alarm.tenantId);
      }
      let notifications = 0;
      for (const t of tenants) {
        for (const m of world.subscriber.from(t.name)) {
          notifications += 1;
          const raised = alarmNotification.safeParse(m.message);
          const cleared = alarmClearedNotification.safeParse(m.message);
          const owner = raised.success
            ? raised.data.alarm.tenantId
            : cleared.success
              ? raisedFor.get(cleared.data.alarmId)
              : undefined;
          if (owner !== undefined && owner !== t.projectId)
            crossings.push(`${t.name} was notified of ${owner}'s alarm`);
        }
      }
      // Writes: every acknowledged alarm was acknowledged by its own tenant.
      for (const [, alarms] of alarmsOf) {
        for (const a of alarms) {
          if (a.ackState === 'ACKNOWLEDGED' && acknowledgedBy.get(a.id) !== a.tenantId)
            crossings.push(`alarm ${a.id} of ${a.tenantId} acknowledged by someone else`);
        }
      }
      expectThat(failures, notifications > 0, 'no tenant received any notification: the scenario proved nothing');
      expectThat(
        failures,
        crossings.length === 0,
        `${crossings.length} crossings between tenants, e.g. ${crossings[0]}`,
      );
      return {
        figures: {
          tenants: tenants.length,
          events: events.length,
          'API calls': size.calls,
          'notifications checked': notifications,
          'cross-tenant notifications, reads or writes': crossings.length,
        },
        failures,
      };
    } finally {
      await world.close();
    }
  },
};
