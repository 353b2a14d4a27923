/**
 * The nfvi-doctor CLI run in-process for its unit tests: a fake Keystone issues the token, a
 * fake API (node:http on port 0) answers as each test tells it and records what it was asked,
 * and the AWS side is handed in as stand-ins. A run gives back its exit code, stdout and stderr.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Agent } from 'node:https';
import { FaultInjector } from '../../../../lib/adapters/eventbridge/fault-injector';
import type { TenantResources } from '../../../../lib/adapters/sns/tenant-resources';
import type { DeadLetter, DeadLetterKind } from '../../../../lib/adapters/sqs/dead-letters';
import type { HostSummary } from '../../../../lib/inventory/inventory';
import { stageNames } from '../../../../lib/platform/stage-names';
import type { CliAdapters, DeadLetterQueues, HostLister } from '../../../../lib/products/operator-cli/command-kit';
import { run } from '../../../../lib/products/operator-cli/main';
import {
  FAST_HTTP,
  FakeEndpoint,
  FakeKeystone,
  type Handler,
  type RecordedRequest,
} from '../../adapters/openstack/fake-openstack';

export const STAGE = 'test';
export const EVENT_BUS = stageNames(STAGE).eventBus;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A request to the fake API, its path and query apart. */
export interface ApiCall {
  method: string;
  path: string;
  query: Record<string, string>;
  token: string | undefined;
  body: unknown;
}

const callOf = (request: RecordedRequest): ApiCall => {
  const url = new URL(request.url, 'http://api');
  return {
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    token: request.headers['x-auth-token'] as string | undefined,
    body: request.body === '' ? undefined : JSON.parse(request.body),
  };
};

export class CliHarness {
  /** The hosts the inventory stand-in lists. */
  hosts: HostSummary[] = [];
  /** A tenant's notification resources, as the stand-in finds them. */
  tenantResources = (tenantId: string): TenantResources => ({
    tenantId,
    topicArn: null,
    createdAt: null,
    topicSubscriptions: [],
    apiSubscriptions: [],
  });
  readonly removedTenants: string[] = [];
  /** The dead letters the queues' stand-in holds; a redrive removes them and records where they went. */
  deadLetters: DeadLetter[] = [];
  readonly redriven: { kind: DeadLetterKind; id: string }[] = [];
  /** Where the fault injector puts its events (FakeEventBus.endpoint), when a test injects. */
  eventBusEndpoint = 'http://127.0.0.1:9';
  /** Downloads the signing certificate of the test's SNS (tail). */
  certificateAgent: Agent | undefined;
  /** Sleeps the CLI asked for (maintenance watch), in ms. */
  readonly sleeps: number[] = [];
  /** Ctrl-C. */
  readonly interrupt: () => void;
  private readonly interruption: Promise<void>;
  private handler: Handler = () => ({ status: 500, body: 'no answer set for this test' });
  private inventoryFailure: unknown;

  private constructor(
    readonly keystone: FakeKeystone,
    readonly api: FakeEndpoint,
  ) {
    let interrupt = () => {};
    this.interruption = new Promise((resolve) => (interrupt = resolve));
    this.interrupt = interrupt;
  }

  static async start(): Promise<CliHarness> {
    const keystone = await FakeKeystone.start();
    let harness: CliHarness | undefined;
    const api = await FakeEndpoint.start((request) => (harness as CliHarness).handler(request));
    harness = new CliHarness(keystone, api);
    return harness;
  }

  /** The inventory stand-in fails as the DynamoDB adapter would. */
  listHostsFails(error: unknown): void {
    this.inventoryFailure = error;
  }

  /** How the fake API answers from now on. */
  answer(handler: Handler): void {
    this.handler = handler;
  }

  /** What the CLI asked the API, in order. */
  get apiCalls(): ApiCall[] {
    return this.api.requests.map(callOf);
  }

  /** The token the fake Keystone issued to the CLI. */
  get token(): string | undefined {
    return this.keystone.issued[0];
  }

  /** An administrator's openrc, pointed at the fakes. */
  env(changes: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    return {
      NFVI_API_URL: this.api.url,
      OS_AUTH_URL: this.keystone.authUrl,
      OS_USERNAME: 'admin',
      OS_PASSWORD: 'secret',
      OS_PROJECT_NAME: 'admin',
      NFVI_STAGE: STAGE,
      ...changes,
    };
  }

  /** Runs `nfvi-doctor <argv...>` with this environment (an administrator's, by default). */
  async run(argv: string[], env: NodeJS.ProcessEnv = this.env()): Promise<CliRun> {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const inventory: HostLister = {
      listHosts: async () => {
        if (this.inventoryFailure) throw this.inventoryFailure;
        return this.hosts;
      },
    };
    const deadLetters: DeadLetterQueues = {
      list: async (kind) => this.deadLetters.filter((l) => l.kind === kind),
      redrive: async (kind, ids) => {
        const chosen = this.deadLetters.filter((l) => l.kind === kind && (ids === 'all' || ids.includes(l.id)));
        this.deadLetters = this.deadLetters.filter((l) => !chosen.includes(l));
        this.redriven.push(...chosen.map((l) => ({ kind, id: l.id })));
        const missing = ids === 'all' ? [] : ids.filter((id) => !chosen.some((l) => l.id === id));
        return { redriven: chosen.map((l) => ({ id: l.id, to: l.target })), missing };
      },
    };
    let eventBridge: EventBridgeClient | undefined;
    const adapters: CliAdapters = {
      inventory: () => inventory,
      deadLetters: () => deadLetters,
      tenants: () => ({
        show: async (tenantId) => this.tenantResources(tenantId),
        remove: async (tenantId) => {
          this.removedTenants.push(tenantId);
          return this.tenantResources(tenantId);
        },
      }),
      faultInjector: ({ stage }) => {
        eventBridge = new EventBridgeClient({
          region: 'us-east-1',
          endpoint: this.eventBusEndpoint,
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
          maxAttempts: 1,
        });
        return new FaultInjector(eventBridge, stageNames(stage).eventBus, 'nfvi-doctor-cli-test');
      },
      snsCertificateAgent: () => this.certificateAgent,
      close: () => eventBridge?.destroy(),
    };
    const code = await run(argv, {
      env,
      stdout: { write: (text: string) => stdout.push(text) },
      stderr: { write: (text: string) => stderr.push(text) },
      adapters,
      http: FAST_HTTP,
      clock: () => new Date('2026-11-25T10:00:00.000Z'),
      sleep: async (ms) => {
        this.sleeps.push(ms);
      },
      interrupted: () => this.interruption,
    });
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  }

  async stop(): Promise<void> {
    await Promise.all([this.keystone.stop(), this.api.stop()]);
  }
}

/** The one JSON document a --json run printed. */
export const jsonOf = (result: CliRun): unknown => JSON.parse(result.stdout);

/** The JSON lines a streaming --json run printed. */
export const jsonLinesOf = (result: CliRun): unknown[] =>
  result.stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line));

/** The table row that starts with `first` (its cells, trimmed); fails the test if there is none. */
export function rowOf(table: string, first: string): string[] {
  const row = table
    .split('\n')
    .map((line) => line.split('│').map((cell) => cell.trim()))
    .find((cells) => cells[1] === first);
  if (!row) throw new Error(`no row for ${first} in:\n${table}`);
  return row.slice(1, -1);
}
