import { Command } from 'commander';
import { createServer, type Server } from 'node:http';
import type { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { subscription, subscriptionFilter, type SubscriptionFilter } from '../../notifier/subscription';
import { SnsConsumer, snsHttpListener, type Receipt, type ReceivedNotification } from '../consumer-kit';
import type { ApiClient } from './api-client';
import { CliError, UsageError } from './cli-error';
import { collect, portNumber, type CommandKit } from './command-kit';
import { printLine, shortId, time, type Output } from './render';

/** `POST /v1/subscriptions` answers with the subscription; the CLI needs its id. */
const created = subscription.pick({ id: true, callbackUri: true });

/** `--filter <attribute>=<value>`: the message attribute and the FmNotificationsFilter list it fills. */
const filterLists = {
  eventType: 'eventTypes',
  perceivedSeverity: 'perceivedSeverities',
  notificationType: 'notificationTypes',
} as const satisfies Record<string, keyof SubscriptionFilter>;

/** The subscription's filter, checked by the API's own schema so that a wrong one fails before any call. */
export function filterOf(pairs: string[]): SubscriptionFilter | undefined {
  if (pairs.length === 0) return undefined;
  const lists: Record<string, string[]> = {};
  for (const pair of pairs) {
    const [attribute = '', value = ''] = pair.split('=', 2);
    const list = filterLists[attribute as keyof typeof filterLists];
    if (!list || value === '') {
      throw new UsageError(`--filter ${pair}: expected ${Object.keys(filterLists).join('|')}=<value>`);
    }
    lists[list] = [...(lists[list] ?? []), value];
  }
  const parsed = subscriptionFilter.safeParse(lists);
  if (!parsed.success) {
    throw new UsageError(`--filter: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** One line per notification, led by the time SNS accepted it. */
function lineOf(received: ReceivedNotification): string {
  const at = time(received.sns.timestamp);
  switch (received.kind) {
    case 'alarm': {
      const a = received.notification.alarm;
      const host = a.rootCauseFaultyResource.faultyResource.resourceId;
      // The administrator's alarm is on the host itself; a tenant's on one of its instances there.
      const instance = a.managedObjectId === host ? '' : `: instance ${a.managedObjectId} of ${a.tenantId}`;
      return `${at}  ALARM    ${a.perceivedSeverity} ${a.faultType} on ${host}${instance} (alarm ${shortId(a.id)})`;
    }
    case 'alarm-cleared': {
      const n = received.notification;
      const host = received.sns.attributes.host;
      return `${at}  CLEARED  alarm ${shortId(n.alarmId)}${host ? ` on ${host}` : ''} at ${time(n.alarmClearedTime)}`;
    }
    case 'maintenance': {
      const n = received.notification;
      const instances = Array.isArray(n.instance_ids) ? ` ${n.instance_ids.join(', ')}` : '';
      const reply = n.reply_at ? `, reply by ${time(n.reply_at)}` : '';
      return `${at}  MAINT    ${n.state}${instances} for ${n.project_id} (session ${shortId(n.session_id)}${reply})`;
    }
    case 'maintenance-host': {
      const n = received.notification;
      return `${at}  HOST     ${n.host} ${n.state} (session ${shortId(n.session_id)})`;
    }
    case 'maintenance-session': {
      const n = received.notification;
      const reason = n.reason ? `: ${n.reason}` : '';
      return `${at}  SESSION  ${n.state} from ${n.previous_state ?? '-'} (session ${shortId(n.session_id)})${reason}`;
    }
    case 'recovery': {
      const r = received.notification.recovery;
      const instances = r.instances.map((i) => `${i.instanceId} ${i.policy} ${i.state}`).join(', ');
      return `${at}  RECOVERY ${r.state} on ${r.host} for ${r.tenantId}: ${instances} (recovery ${shortId(r.recoveryId)})`;
    }
    case 'unrecognised':
      return `${at}  UNKNOWN  ${received.reason}`;
  }
}

export interface TailRequest {
  /** Another project's notifications (administrators). */
  tenant?: string;
  /** The URL at which SNS reaches this listener; with --local, the listener's own address. */
  endpoint?: string;
  port: number;
  filters: string[];
  local: boolean;
}

export interface TailDeps {
  api: ApiClient;
  output: Output;
  /** Downloads SNS signing certificates: the local stack's, with --local; Amazon's otherwise. */
  certificateAgent: Agent | undefined;
  /** Resolves when the operator stops (Ctrl-C). */
  interrupted: () => Promise<void>;
  /** The clock messages are judged fresh by. */
  clock: () => Date;
}

const listen = (server: Server, port: number, host: string | undefined) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });

const closed = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/**
 * `nfvi-doctor tail`. Primary course:
 * 1. listen for SNS deliveries on a local port (the consumer kit verifies, confirms, deduplicates, types);
 * 2. subscribe that listener's public URL through the fault API;
 * 3. print each notification as one line (a JSON line with --json) until the operator stops;
 * 4. delete the subscription.
 */
export async function tail(deps: TailDeps, request: TailRequest): Promise<void> {
  const { output } = deps;
  const filter = filterOf(request.filters);
  if (!request.local && request.endpoint === undefined) {
    throw new UsageError(
      '--endpoint is required: the public URL at which SNS reaches this listener (--port fixes the port it listens on)',
    );
  }
  const consumer = new SnsConsumer({
    onNotification: (received) => printLine(output, received, lineOf),
    requestAgent: deps.certificateAgent,
    clock: () => deps.clock().getTime(),
  });
  const report = (receipt: Receipt) => {
    if (receipt.outcome === 'rejected')
      output.stderr.write(`refused a delivery (${receipt.status}): ${receipt.reason}\n`);
    if (receipt.outcome === 'subscription-confirmed')
      output.stderr.write(`subscription confirmed (${receipt.topicArn})\n`);
  };
  const server = createServer(
    snsHttpListener(consumer, {
      onReceipt: report,
      onError: (error) => output.stderr.write(`a delivery failed, SNS will retry it: ${String(error)}\n`),
    }),
  );
  let port: number;
  try {
    // The local stack's SNS posts from this machine; SNS on AWS from anywhere.
    port = await listen(server, request.port, request.local ? '127.0.0.1' : undefined);
  } catch (error) {
    throw new CliError(`cannot listen on port ${request.port}: ${(error as Error).message}`);
  }
  try {
    const callbackUri = request.endpoint ?? `http://127.0.0.1:${port}`;
    const subscribed = await deps.api.post('/v1/subscriptions', created, {
      callbackUri,
      ...(filter && { filter }),
      ...(request.tenant !== undefined && { tenantId: request.tenant }),
    });
    output.stderr.write(
      `subscription ${subscribed.id}: SNS delivers to ${subscribed.callbackUri}, listening on port ${port}; Ctrl-C to stop\n`,
    );
    await deps.interrupted();
    await deps.api.delete(`/v1/subscriptions/${encodeURIComponent(subscribed.id)}`, z.undefined());
    output.stderr.write(`subscription ${subscribed.id} deleted\n`);
  } finally {
    await closed(server);
  }
}

/** `tail` listens until Ctrl-C, its SNS certificates the local stack's with --local. */
export function tailCommand({ context, globals, apiOf, output }: CommandKit): Command {
  return new Command('tail')
    .description('print notifications as they arrive, through a subscription of this listener, until Ctrl-C')
    .option('--tenant <project>', "a tenant's notifications (administrators)")
    .option('--endpoint <url>', 'the public URL at which SNS reaches this listener (with --local: its own address)')
    .option('--port <port>', 'the port to listen on (default: any free one)', portNumber, 0)
    .option(
      '--filter <attribute=value>',
      'eventType, perceivedSeverity or notificationType to receive (repeatable)',
      collect,
      [],
    )
    .action(
      async (options: { tenant?: string; endpoint?: string; port: number; filter: string[] }, command: Command) => {
        const local = globals(command).local === true;
        await tail(
          {
            api: apiOf(command),
            output: output(command),
            certificateAgent: context.adapters.snsCertificateAgent(local),
            interrupted: context.interrupted,
            clock: context.clock,
          },
          {
            ...(options.tenant !== undefined && { tenant: options.tenant }),
            ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
            port: options.port,
            filters: options.filter,
            local,
          },
        );
      },
    );
}
