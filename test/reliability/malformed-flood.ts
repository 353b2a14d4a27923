import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { isListening } from '../../infra/local/stack';
import { DynamoDbFaultStore } from '../../lib/adapters/dynamodb/dynamodb-fault-store';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { localApiUrl, localPorts } from '../../lib/platform/local-stack/local-endpoints';
import { mapSettled } from '../../lib/platform/map-settled';
import { applicationCredential, basicAuth } from '../support/keystone';
import { localCloud } from '../support/openstack';
import { seeded } from '../support/seeded-random';
import { createWorld } from '../support/world';
import { collectorEntry, putAll } from './bus';
import { expectThat, until, type Scenario } from './scenario';

const SIZES = { full: { malformed: 10_000, valid: 200 }, ci: { malformed: 300, valid: 20 } };

type Input =
  | {
      path: 'bus';
      detailType: string;
      detail: string;
      source?: string;
      expect: 'refused' | 'quarantined' | 'valid';
      host?: string;
    }
  | { path: 'http'; method: string; route: string; auth: 'admin' | 'tenant' | 'basic'; body: string; what: string };

/**
 * 2. Malformed flood beside valid traffic. Malformed input on every ingest path (PutEvents with a
 * Detail that is no JSON object, unknown detail-types and sources, broken fields; Doctor's,
 * Vitrage's and Alertmanager's routes; maintenance replies, subscriptions, constraints, recovery
 * answers) interleaved with valid events: no process may fall over, every malformed input must be
 * refused with a reason or kept in the quarantine with one, and every valid neighbour processed.
 */
export const malformedFlood: Scenario = {
  id: 'malformed-flood',
  title: 'Malformed flood beside valid traffic',
  proves:
    'hostile or broken input on any path is refused with a reason or quarantined with one, crashes nothing, and costs no valid event its processing',
  async run(scale) {
    const size = SIZES[scale];
    const random = seeded(2);
    const run = randomUUID().slice(0, 8);
    const layout = Object.fromEntries(
      Array.from({ length: size.valid }, (_, i) => [`rel2-h${i}`, [{ name: 'vm', tenant: 'flood' }]]),
    );
    const world = await createWorld(layout);
    const cloud = localCloud();
    const tokens = { admin: await cloud.adminToken(), tenant: await cloud.memberToken('tenant-a') };
    const basic = basicAuth(await applicationCredential(tokens.admin));
    const tenantA = cloud.projectId('tenant-a');
    try {
      const inputs: Input[] = [];
      const kinds = malformedKinds(run, tenantA);
      for (let n = 0; n < size.malformed; n++) inputs.push(kinds[Math.floor(random() * kinds.length)]!(n));
      // Valid neighbours, spread through the flood.
      const hosts = Object.keys(layout).map(world.host);
      hosts.forEach((host, i) => {
        const at = Math.floor(((i + 1) * inputs.length) / (hosts.length + 1));
        const detail = {
          host,
          collectorId: `c-${host}`,
          seq: 1,
          observedAt: new Date().toISOString(),
          interface: 'eth1',
          role: 'data',
          state: 'down',
          carrier: false,
        };
        inputs.splice(at, 0, {
          path: 'bus',
          detailType: 'link.state',
          detail: JSON.stringify(detail),
          expect: 'valid',
          host,
        });
      });

      const busInputs = inputs.filter((i): i is Extract<Input, { path: 'bus' }> => i.path === 'bus');
      const httpInputs = inputs.filter((i): i is Extract<Input, { path: 'http' }> => i.path === 'http');
      const [busResults, httpResults] = await Promise.all([
        putAll(
          busInputs.map((i) => ({
            ...collectorEntry(i.detailType, {}),
            Detail: i.detail,
            Source: i.source ?? 'nfvi.collector',
          })),
          4,
        ),
        mapSettled(httpInputs, 6, async (input) => {
          const response = await fetch(`${localApiUrl()}${input.route}`, {
            method: input.method,
            headers: {
              'Content-Type': 'application/json',
              ...(input.auth === 'basic' ? { Authorization: basic } : { 'X-Auth-Token': tokens[input.auth] }),
            },
            body: input.body,
          });
          return {
            status: response.status,
            type: response.headers.get('content-type') ?? '',
            text: await response.text(),
          };
        }),
      ]);

      const failures: string[] = [];
      // PutEvents: a Detail that is no JSON object is refused per entry, as AWS refuses it.
      let refusedByBus = 0;
      busInputs.forEach((input, i) => {
        const result = busResults[i];
        if (input.expect === 'refused') {
          if (result?.ErrorCode === 'MalformedDetail') refusedByBus += 1;
          else failures.push(`PutEvents accepted a Detail that is no JSON object: ${input.detail.slice(0, 40)}`);
        } else if (result?.ErrorCode) {
          failures.push(
            `PutEvents refused ${result.ErrorCode} for an entry it should take: ${input.detail.slice(0, 60)}`,
          );
        }
      });
      // HTTP: every malformed request answered 4xx, with a reason in a JSON body.
      let refusedByApi = 0;
      httpResults.forEach((settled, i) => {
        const input = httpInputs[i] as Extract<Input, { path: 'http' }>;
        if (settled.status === 'rejected')
          return failures.push(`${input.what}: the request failed (${String(settled.reason)})`);
        const { status, type, text } = settled.value;
        let reason: unknown;
        try {
          const body = JSON.parse(text) as { message?: unknown; rejected?: { reason?: unknown }[] };
          reason = body.message ?? body.rejected?.[0]?.reason;
        } catch {
          reason = undefined;
        }
        if (status >= 400 && status < 500 && type.includes('json') && typeof reason === 'string' && reason.length > 0)
          refusedByApi += 1;
        else failures.push(`${input.what}: answered ${status} ${type} ${text.slice(0, 80)}`);
      });
      // The bus inputs the correlator must quarantine, each with a reason.
      const toQuarantine = busInputs.filter((i) => i.expect === 'quarantined').length;
      const quarantined = async () => (await quarantineEntries(run)).length;
      await until(async () => (await quarantined()) >= toQuarantine, 180_000, 2000);
      const kept = await quarantineEntries(run);
      const withoutReason = kept.filter((e) => typeof e.reason !== 'string' || e.reason.length === 0).length;
      expectThat(
        failures,
        kept.length >= toQuarantine,
        `${toQuarantine - kept.length} malformed events never reached the quarantine`,
      );
      expectThat(failures, withoutReason === 0, `${withoutReason} quarantined inputs have no reason`);
      // Every valid neighbour raised its alarm.
      const faults = new DynamoDbFaultStore(awsClients().dynamo, config().alarmsTable);
      const raised = async () =>
        (await Promise.all(hosts.map((host) => faults.get(host, 'link:eth1')))).filter((r) => r?.status === 'ACTIVE')
          .length;
      await until(async () => (await raised()) === hosts.length, 120_000, 2000);
      const processed = await raised();
      expectThat(
        failures,
        processed === hosts.length,
        `${hosts.length - processed} valid events among the flood were not processed`,
      );
      // Nothing fell over: every port of the stack answers, and so does the API.
      const ports = localPorts();
      const down = (
        await Promise.all(
          [ports.dynamodb, ports.sns, ports.eventBridge, ports.sqs, ports.lambda, ports.http].map(async (p) =>
            (await isListening(p)) ? [] : [p],
          ),
        )
      ).flat();
      expectThat(failures, down.length === 0, `ports ${down.join(', ')} no longer answer`);
      const alive = await fetch(`${localApiUrl()}/v1/alarms`, { headers: { 'X-Auth-Token': tokens.tenant } });
      expectThat(failures, alive.status === 200, `the API answered ${alive.status} after the flood`);
      return {
        figures: {
          malformed: size.malformed,
          'refused by PutEvents': refusedByBus,
          'refused by the API': refusedByApi,
          quarantined: kept.length,
          'valid neighbours processed': `${processed}/${hosts.length}`,
          'processes down': down.length,
        },
        failures: failures.slice(0, 20),
      };
    } finally {
      await world.close();
    }
  },
};

/** The quarantine's entries of this run (each malformed input carries the run's marker). */
async function quarantineEntries(run: string): Promise<{ reason?: string }[]> {
  const items: { reason?: string }[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await awsClients().dynamo.send(
      new ScanCommand({
        TableName: config().quarantineTable,
        FilterExpression: 'contains(payload, :run)',
        ExpressionAttributeValues: { ':run': run },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items ?? []) as { reason?: string }[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Makers of malformed input, one per kind; `n` makes each one unique (the quarantine keeps one copy of a repeat). */
function malformedKinds(run: string, tenantA: string): ((n: number) => Input)[] {
  const marker = (n: number) => `${run}-${n}`;
  const observation = (n: number) => ({
    host: `rel2-ghost-${marker(n)}`,
    collectorId: 'c',
    seq: n + 1,
    observedAt: new Date().toISOString(),
  });
  const bus = (detailType: string, detail: unknown, expect: 'refused' | 'quarantined', source?: string) => ({
    path: 'bus' as const,
    detailType,
    detail: typeof detail === 'string' ? detail : JSON.stringify(detail),
    expect,
    ...(source ? { source } : {}),
  });
  const http = (method: string, route: string, auth: 'admin' | 'tenant' | 'basic', body: string, what: string) => ({
    path: 'http' as const,
    method,
    route,
    auth,
    body,
    what,
  });
  const doctor = (n: number, patch: Record<string, unknown>) =>
    JSON.stringify([
      {
        time: '2026-11-25T10:04:00',
        type: 'compute.host.down',
        details: { hostname: `ghost-${marker(n)}`, status: 'down', monitor: 'flood' },
        ...patch,
      },
    ]);
  return [
    (n) => bus('link.state', `this is {not json ${marker(n)}`, 'refused'),
    (n) => bus('link.state', n % 2 ? 'true' : '12345', 'refused'),
    (n) => bus('link.state', `["${marker(n)}"]`, 'refused'),
    (n) => bus('link.sate', { ...observation(n), interface: 'eth1', state: 'down', carrier: false }, 'quarantined'),
    (n) =>
      bus('link.state', { ...observation(n), interface: 'eth1', state: 'sideways', carrier: false }, 'quarantined'),
    (n) =>
      bus(
        'hardware.event',
        { ...observation(n), component: 'toaster', state: 'critical', message: 'x' },
        'quarantined',
      ),
    (n) =>
      bus(
        'link.state',
        { ...observation(n), seq: 'one', interface: 'eth1', state: 'down', carrier: false },
        'quarantined',
      ),
    (n) =>
      bus(
        'link.state',
        { ...observation(n), interface: 'x'.repeat(300), state: 'down', carrier: false },
        'quarantined',
      ),
    (n) =>
      bus(
        'link.state',
        { ...observation(n), observedAt: '2099-01-01T00:00:00.000Z', interface: 'eth1', state: 'down', carrier: false },
        'quarantined',
      ),
    (n) =>
      bus(
        'link.state',
        { ...observation(n), interface: 'eth1', state: 'down', carrier: false },
        'quarantined',
        'nfvi.colector',
      ),
    (n) => http('PUT', '/events', 'admin', `not json ${marker(n)}`, 'PUT /events with a body that is not JSON'),
    (n) =>
      http(
        'POST',
        '/events',
        'admin',
        doctor(n, { type: 'compute.host.bored' }),
        'POST /events with an unknown fault type',
      ),
    (n) => http('PUT', '/events', 'admin', doctor(n, { time: 'yesterday' }), 'PUT /events with an unreadable time'),
    (n) =>
      http(
        'PUT',
        '/events',
        'admin',
        JSON.stringify({ not: 'an array', marker: marker(n) }),
        'PUT /events with an object',
      ),
    (n) =>
      http(
        'POST',
        '/v1/event',
        'admin',
        JSON.stringify({
          time: '2026-11-25T10:04:00',
          type: 'compute.host.down',
          details: { status: 'maybe', marker: marker(n) },
        }),
        'POST /v1/event with no hostname and a bad status',
      ),
    (n) =>
      http(
        'POST',
        '/v1/alertmanager',
        'basic',
        JSON.stringify({ version: '3', alerts: [], marker: marker(n) }),
        'POST /v1/alertmanager of another version',
      ),
    (n) =>
      http(
        'POST',
        '/v1/alertmanager',
        'basic',
        JSON.stringify({
          version: '4',
          receiver: 'r',
          alerts: [
            { status: 'firing', labels: { alertname: 'Boom', marker: marker(n) }, startsAt: '2026-11-25T10:04:00Z' },
          ],
        }),
        'POST /v1/alertmanager with an alert naming no host',
      ),
    (n) =>
      http(
        'PUT',
        '/events',
        'admin',
        JSON.stringify([{ cause: 'x'.repeat(300 * 1024), marker: marker(n) }]),
        'PUT /events with a 300 KB body',
      ),
    (n) =>
      http(
        'PUT',
        `/v1/maintenance/no-session-${marker(n)}/${tenantA}`,
        'tenant',
        JSON.stringify({ state: 'ACK_NOTHING' }),
        'a maintenance reply for no session',
      ),
    (n) =>
      http(
        'PUT',
        `/v1/maintenance/s-${marker(n)}/not a project`,
        'tenant',
        '{"state":"ACK_MAINTENANCE"}',
        'a maintenance reply with a project id that cannot be one',
      ),
    (n) =>
      http(
        'POST',
        '/v1/subscriptions',
        'tenant',
        JSON.stringify({ filter: { marker: marker(n) } }),
        'a subscription without a callbackUri',
      ),
    (n) =>
      http(
        'POST',
        '/v1/subscriptions',
        'tenant',
        JSON.stringify({ callbackUri: `http://169.254.169.254/${marker(n)}` }),
        'a subscription to the metadata service',
      ),
    (n) =>
      http(
        'PUT',
        `/v1/instance/i-${marker(n)}`,
        'tenant',
        JSON.stringify({ project_id: tenantA, lead_time: -1 }),
        'an instance constraint with a negative lead time',
      ),
    (n) =>
      http(
        'PUT',
        `/v1/instance_group/g-${marker(n)}`,
        'tenant',
        `{"broken": ${marker(n)}`,
        'a group constraint whose body is not JSON',
      ),
    (n) =>
      http(
        'PUT',
        `/v1/recoveries/r-${marker(n)}`,
        'tenant',
        JSON.stringify({ answer: 'MAYBE' }),
        'a recovery answer that is no answer',
      ),
  ];
}
