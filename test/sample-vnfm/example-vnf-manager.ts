import { createServer, type Server } from 'node:http';
import type { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { SnsConsumer, snsHttpListener, type Receipt, type ReceivedNotification } from '../../lib/products/consumer-kit';
import { authorizedCall } from './authorized-call';
import { httpMaintenanceApi } from './http-maintenance-api';
import { SampleVnfManager, type Handled, type SampleVnfManagerOptions } from './vnf-manager';

export interface ExampleVnfManagerOptions {
  /** nfvi-doctor's API (API Gateway) base URL. */
  apiUrl: string;
  /** The VNF's Keystone project, and a token of it (the VNF manager's own credentials). */
  projectId: string;
  token: () => Promise<string>;
  /** The active/standby pair, by Nova server id. */
  pair: { active: string; standby: string };
  maintenance?: SampleVnfManagerOptions;
  /** For downloading SNS signing certificates (the local stack's: localSnsCertificateAgent()). */
  requestAgent?: Agent;
  /** Where to listen (default 127.0.0.1, any port), and the URL SNS reaches it at (default that address). */
  listen?: { host: string; port: number };
  callbackUrl?: string;
  onEvent?: (event: VnfManagerEvent) => void;
}

/** What the VNF manager did with a delivery, and when (Date.now()). */
export type VnfManagerEvent =
  | { at: number; kind: 'handled'; notification: ReceivedNotification; handled: Handled }
  | { at: number; kind: 'rejected'; status: number; reason: string };

const topicAnswer = z.object({ topicArn: z.string() });
const CONFIRMATION_TIMEOUT_MS = 15_000;

const within = (promise: Promise<void>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, fail) =>
      setTimeout(() => fail(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms).unref(),
    ),
  ]);
const subscriptionAnswer = z.object({ id: z.string() });

/**
 * The example VNF manager as a VNF vendor would run it: an HTTP endpoint with the consumer kit
 * (SNS signatures verified, only its own tenant topic accepted, duplicates dropped), subscribed
 * through nfvi-doctor's subscription API with its own project's token, switching its
 * active/standby pair over on a fault and answering planned maintenance.
 */
export class ExampleVnfManager {
  private constructor(
    readonly events: readonly VnfManagerEvent[],
    readonly manager: SampleVnfManager,
    private readonly server: Server,
    private readonly options: ExampleVnfManagerOptions,
    readonly subscriptionId: string,
  ) {}

  static async start(options: ExampleVnfManagerOptions): Promise<ExampleVnfManager> {
    const authorized = authorizedCall(options.token);
    const call = (method: string, path: string, body?: unknown) => authorized(method, `${options.apiUrl}${path}`, body);
    const { topicArn } = topicAnswer.parse((await call('GET', `/v1/tenants/${options.projectId}/topic`)).body);
    const manager = new SampleVnfManager(
      httpMaintenanceApi(options.token),
      options.pair,
      options.maintenance ?? { action: 'LIVE_MIGRATE' },
    );
    const events: VnfManagerEvent[] = [];
    const record = (event: VnfManagerEvent) => {
      events.push(event);
      options.onEvent?.(event);
    };
    const consumer = new SnsConsumer({
      topicArns: [topicArn],
      requestAgent: options.requestAgent,
      onNotification: async (notification) => {
        const handled = await handle(manager, notification);
        record({ at: Date.now(), kind: 'handled', notification, handled });
      },
    });
    let confirm = () => {};
    const confirmed = new Promise<void>((resolve) => (confirm = resolve));
    const onReceipt = (receipt: Receipt) => {
      if (receipt.outcome === 'subscription-confirmed') confirm();
      if (receipt.outcome === 'rejected') {
        record({ at: Date.now(), kind: 'rejected', status: receipt.status, reason: receipt.reason });
      }
    };
    const server = createServer(snsHttpListener(consumer, { onReceipt }));
    const { host, port } = options.listen ?? { host: '127.0.0.1', port: 0 };
    await new Promise<void>((done) => server.listen(port, host, done));
    const address = server.address() as AddressInfo;
    const callbackUri = options.callbackUrl ?? `http://${address.address}:${address.port}/`;
    const created = await call('POST', '/v1/subscriptions', { callbackUri });
    const { id } = subscriptionAnswer.parse(created.body);
    // SNS delivers nothing before the endpoint confirmed a new subscription (the kit does it).
    if (created.status === 201) await within(confirmed, CONFIRMATION_TIMEOUT_MS, `SNS to confirm ${callbackUri}`);
    return new ExampleVnfManager(events, manager, server, options, id);
  }

  /** The endpoint SNS delivers to. */
  get url(): string {
    const address = this.server.address() as AddressInfo;
    return `http://${address.address}:${address.port}/`;
  }

  /** Deletes its subscription and stops listening. */
  async close(): Promise<void> {
    await authorizedCall(this.options.token)(
      'DELETE',
      `${this.options.apiUrl}/v1/subscriptions/${this.subscriptionId}`,
    ).catch(() => undefined);
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

async function handle(manager: SampleVnfManager, notification: ReceivedNotification): Promise<Handled> {
  switch (notification.kind) {
    case 'alarm':
    case 'alarm-cleared':
      return manager.onFault(notification.notification);
    case 'maintenance':
      return manager.handle(notification.notification);
    case 'unrecognised':
      return { outcome: 'ignored', reason: notification.reason };
    default:
      return { outcome: 'ignored', reason: `${notification.kind} is for administrators` };
  }
}
