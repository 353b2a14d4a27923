import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Component, type LocalStack } from '../../infra/local/stack';
import { DynamoDbFaultStore } from '../../lib/adapters/dynamodb/dynamodb-fault-store';
import { alarmClearedNotification, alarmNotification } from '../../lib/contracts/etsi-alarm';
import type { FaultRecord } from '../../lib/inspector/fault-record';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { seeded, shuffled } from '../support/seeded-random';
import { createWorld, sleep, type World } from '../support/world';
import { collectorEntry, putAll } from './bus';
import { withOwnStack } from './own-stack';
import { expectThat, until, type Scenario } from './scenario';

const SIZES = {
  full: { hosts: 300, burstS: 90, killsPerComponent: 2 },
  ci: { hosts: 30, burstS: 30, killsPerComponent: 1 },
};
const COMPONENTS: Component[] = ['lambda', 'aws', 'dynamodb'];
/** The crash scenario's stack: beside the usual one, on ports moved by this much. */
const PORT_OFFSET = 200;
const LAMBDA_RETRY_S = 10;

/**
 * 7. Crashes. A burst of link faults over many hosts (each host's link going down and up one to
 * four times), while the Lambda runtime, the local AWS services and DynamoDB Local (on disk) are
 * each killed with SIGKILL at random points and started again: every fault ends in the state of
 * its last report, every final alarm reaches its tenant, and whatever reaches a tenant twice
 * carries the same notification id both times (so that the consumer kit drops it).
 */
export const crashes: Scenario = {
  id: 'crashes',
  title: 'Crashes',
  proves:
    'SIGKILL of the Lambda runtime, the event bus and SNS, or DynamoDB in the middle of a burst loses no fault, no alarm and no notification; a notification delivered twice carries the same id, which consumers drop',
  run: (scale) =>
    withOwnStack('crashes', PORT_OFFSET, (stack) => underCrashes(stack, scale), {
      // A failed invocation is retried after 10 s, then 20 s: AWS waits 1 minute, then 2.
      NFVI_LOCAL_LAMBDA_RETRY_S: String(LAMBDA_RETRY_S),
    }),
};

async function underCrashes(stack: LocalStack, scale: 'full' | 'ci') {
  const size = SIZES[scale];
  const random = seeded(7);
  const layout: Record<string, { name: string; tenant: string }[]> = {};
  for (let h = 0; h < size.hosts; h++) {
    layout[`rel7-h${h}`] = [0, 1].map((i) => ({ name: `vm${i}`, tenant: `t${Math.floor(random() * 5)}` }));
  }
  const world = await createWorld(layout);
  try {
    // Each host's collector reports its link changes in order; the hosts' reports interleave.
    const finalDown = new Map<string, boolean>();
    const perHost = Object.keys(layout).map((name) => {
      const host = world.host(name);
      const changes = 1 + Math.floor(random() * 4);
      finalDown.set(host, changes % 2 === 1);
      return Array.from({ length: changes }, (_, i) =>
        collectorEntry('link.state', {
          host,
          collectorId: `c-${host}`,
          seq: i + 1,
          observedAt: new Date(Date.now() + i).toISOString(),
          interface: 'eth1',
          role: 'data',
          state: i % 2 === 0 ? 'down' : 'up',
          carrier: i % 2 === 1,
        }),
      );
    });
    const entries = interleaved(perHost, random);

    const kills = shuffled(
      COMPONENTS.flatMap((c) => Array.from({ length: size.killsPerComponent }, () => c)),
      random,
    ).map((component) => ({ component, atMs: Math.floor(random() * size.burstS * 1000 * 0.8) }));
    kills.sort((a, b) => a.atMs - b.atMs);

    const started = Date.now();
    const restarts: string[] = [];
    const [sent] = await Promise.all([
      sendPaced(entries, size.burstS * 1000),
      (async () => {
        for (const kill of kills) {
          await sleep(kill.atMs - (Date.now() - started));
          await stack.kill(kill.component);
          await sleep(500 + Math.floor(random() * 2000));
          const restartedAt = Date.now();
          await stack.restart(kill.component);
          restarts.push(`${kill.component} ${((Date.now() - restartedAt) / 1000).toFixed(1)} s`);
        }
      })(),
    ]);

    const faults = new DynamoDbFaultStore(awsClients().dynamo, config().alarmsTable);
    const records = new Map<string, FaultRecord | undefined>();
    let wrong: string[] = [];
    const converged = await until(
      async () => {
        wrong = [];
        for (const [host, down] of finalDown) {
          const record = await faults.get(host, 'link:eth1');
          records.set(host, record);
          const right =
            (record?.status === 'ACTIVE') === down &&
            record !== undefined &&
            record.publishedSeq >= record.transitionSeq;
          if (!right) wrong.push(host);
        }
        return wrong.length === 0;
      },
      scale === 'full' ? 600_000 : 240_000,
      2000,
    );
    const convergedS = (Date.now() - started) / 1000;

    const expected = [...records.values()].flatMap((record) =>
      (record?.instanceAlarms ?? []).map((alarm) => ({ id: alarm.id, cleared: record?.status === 'CLEARED' })),
    );
    const deliveries = () => notificationsOf(world);
    const seen = (id: string, cleared: boolean) =>
      deliveries().some((d) => d.alarmId === id && d.kind === (cleared ? 'cleared' : 'raised'));
    await until(() => expected.every((e) => seen(e.id, e.cleared)), 120_000, 1000);
    const lost = expected.filter((e) => !seen(e.id, e.cleared)).length;

    // The same notification twice must carry the same id: group by what it says, count its ids.
    const idsOf = new Map<string, Set<string>>();
    for (const d of deliveries()) {
      const key = `${d.subscription} ${d.kind} ${d.alarmId}`;
      idsOf.set(key, (idsOf.get(key) ?? new Set()).add(d.id));
    }
    const reissued = [...idsOf.values()].filter((ids) => ids.size > 1).length;
    const repeats = deliveries().length - new Set(deliveries().map((d) => `${d.subscription} ${d.id}`)).size;
    const deadLettered = await failedInvocations();

    const failures: string[] = [];
    expectThat(failures, sent.refusedForGood === 0, `${sent.refusedForGood} events were refused by PutEvents`);
    expectThat(
      failures,
      converged,
      `${wrong.length} faults did not end in their last report's state (e.g. ${wrong[0]})`,
    );
    expectThat(failures, lost === 0, `${lost} notifications of the final alarms never reached their tenant`);
    expectThat(failures, reissued === 0, `${reissued} notifications reached a tenant again under another id`);
    expectThat(
      failures,
      deadLettered === 0,
      `${deadLettered} invocations failed for good (in the failed-invocations queue)`,
    );
    return {
      figures: {
        hosts: size.hosts,
        events: entries.length,
        'SIGKILL and restart': restarts.join(', '),
        'puts retried': sent.retries,
        'wrong final states': wrong.length,
        'notifications delivered': deliveries().length,
        lost,
        'repeated (same id, dropped by consumers)': repeats,
        'repeated under another id': reissued,
        'failed invocations': deadLettered,
        'converged after s': Math.round(convergedS),
      },
      failures,
    };
  } finally {
    await world.close();
  }
}

/** Each host's entries in their order, the hosts' interleaved at random. */
function interleaved(perHost: PutEventsRequestEntry[][], random: () => number): PutEventsRequestEntry[] {
  const queues = perHost.map((entries) => [...entries]);
  const out: PutEventsRequestEntry[] = [];
  for (;;) {
    const open = queues.filter((q) => q.length > 0);
    if (open.length === 0) return out;
    out.push((open[Math.floor(random() * open.length)] as PutEventsRequestEntry[]).shift() as PutEventsRequestEntry);
  }
}

/**
 * Sends the entries spread over `durationMs`, ten at a time, as a collector does: a batch that
 * fails (the bus is down) or an entry refused is sent again until it is taken.
 */
async function sendPaced(entries: PutEventsRequestEntry[], durationMs: number) {
  const batches = Array.from({ length: Math.ceil(entries.length / 10) }, (_, i) => entries.slice(i * 10, i * 10 + 10));
  const started = Date.now();
  let retries = 0;
  let refusedForGood = 0;
  for (const [i, batch] of batches.entries()) {
    await sleep(started + (i * durationMs) / batches.length - Date.now());
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const results = await putAll(pending).catch(() => undefined);
      if (results) {
        const failed = pending.filter((_, n) => results[n]?.ErrorCode);
        refusedForGood += failed.filter((_, n) => results[n]?.ErrorCode !== 'InternalFailure').length;
        pending = failed.filter((_, n) => results[n]?.ErrorCode === 'InternalFailure');
      }
      if (pending.length > 0) {
        retries += 1;
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  }
  return { retries, refusedForGood };
}

interface Delivery {
  subscription: string;
  id: string;
  kind: 'raised' | 'cleared';
  alarmId: string;
}

/** Every tenant delivery, as what it says. */
function notificationsOf(world: World): Delivery[] {
  return world.subscriber.received
    .filter((m) => m.subscription !== 'admin')
    .flatMap((m): Delivery[] => {
      const raised = alarmNotification.safeParse(m.message);
      if (raised.success)
        return [{ subscription: m.subscription, id: raised.data.id, kind: 'raised', alarmId: raised.data.alarm.id }];
      const cleared = alarmClearedNotification.safeParse(m.message);
      if (cleared.success)
        return [{ subscription: m.subscription, id: cleared.data.id, kind: 'cleared', alarmId: cleared.data.alarmId }];
      return [];
    });
}

/** Messages in the stage's failed-invocations queue (Lambda's onFailure destination). */
async function failedInvocations(): Promise<number> {
  const sqs = new SQSClient({});
  try {
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: `nfvi-doctor-${config().stage}-failed-invocations` }),
    );
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages ?? 0);
  } finally {
    sqs.destroy();
  }
}
