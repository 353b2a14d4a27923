import { InvalidArgumentError, type Command } from 'commander';
import type { Agent } from 'node:https';
import type { FaultInjector } from '../../adapters/eventbridge/fault-injector';
import type { HttpOptions } from '../../adapters/openstack/http';
import type { TenantResources } from '../../adapters/sns/tenant-resources';
import type { DeadLetter, DeadLetterKind, Redriven } from '../../adapters/sqs/dead-letters';
import type { HostSummary } from '../../inventory/inventory';
import { ApiClient } from './api-client';
import { UsageError } from './cli-error';
import { keystoneLogin } from './keystone-login';
import type { Output, Writer } from './render';
import { readSettings, type ApiSettings } from './settings';

/** Where the AWS side of a command is: the stage's resources, on AWS or on the local stack. */
export interface AwsTarget {
  stage: string;
  local: boolean;
}

/** The inventory as `hosts` reads it: the stage's table, or the unit tests' stand-in. */
export interface HostLister {
  listHosts(): Promise<HostSummary[]>;
}

/** The stage's dead-letter queues as `dead-letters` uses them (lib/adapters/sqs/dead-letters.ts, or a stand-in). */
export interface DeadLetterQueues {
  list(kind: DeadLetterKind): Promise<DeadLetter[]>;
  redrive(kind: DeadLetterKind, ids: string[] | 'all'): Promise<{ redriven: Redriven[]; missing: string[] }>;
}

/** A tenant's notification resources as `tenants` uses them (lib/adapters/sns/tenant-resources.ts, or a stand-in). */
export interface TenantResourceStore {
  show(tenantId: string): Promise<TenantResources>;
  remove(tenantId: string): Promise<TenantResources>;
}

/** The adapters a command uses, built from the settings; the unit tests hand in stand-ins. */
export interface CliAdapters {
  inventory(target: AwsTarget): HostLister;
  faultInjector(target: AwsTarget): FaultInjector;
  deadLetters(target: AwsTarget): DeadLetterQueues;
  tenants(target: AwsTarget): TenantResourceStore;
  /** Downloads SNS signing certificates: the local stack's with --local, Amazon's (the default agent) otherwise. */
  snsCertificateAgent(local: boolean): Agent | undefined;
  /** Releases what the adapters hold open, so that the process can exit. */
  close(): void;
}

export interface CliContext {
  env: NodeJS.ProcessEnv;
  stdout: Writer;
  stderr: Writer;
  adapters: CliAdapters;
  /** Timeouts and retries of the HTTP calls (Keystone and the API). */
  http: HttpOptions;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Resolves when the operator stops a command that runs until then (Ctrl-C). */
  interrupted: () => Promise<void>;
}

interface GlobalOptions {
  json?: boolean;
  local?: boolean;
}

/** What each command's actions are bound to: the context, and what they read of a parsed command line. */
export interface CommandKit {
  context: CliContext;
  /** Receives the exit code of a command that decides its own (`maintenance watch`). */
  exit: (code: number) => void;
  /** The program's options (--json, --local), wherever they appear on the command line. */
  globals(command: Command): GlobalOptions;
  output(command: Command): Output;
  apiClient(api: ApiSettings): ApiClient;
  /** The API that the settings (the environment's, or the local stack's with --local) name. */
  apiOf(command: Command): ApiClient;
}

export function commandKit(context: CliContext, exit: (code: number) => void): CommandKit {
  const globals = (command: Command): GlobalOptions => command.optsWithGlobals<GlobalOptions>();
  const apiClient = (api: ApiSettings) =>
    new ApiClient(api.apiUrl, keystoneLogin(api.credentials, context.http), context.http);
  return {
    context,
    exit,
    globals,
    output: (command) => ({ json: globals(command).json === true, stdout: context.stdout, stderr: context.stderr }),
    apiClient,
    apiOf: (command) => apiClient(readSettings(context.env, globals(command).local === true, ['api']).api),
  };
}

/** A repeatable option: every value given, in order. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `--metadata key=value` options as an object. */
export const keyValues = (pairs: string[]): Record<string, string> =>
  Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`--metadata ${pair}: expected key=value`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );

export const seconds = (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected seconds');
  return n;
};

export const portNumber = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('expected a port number');
  return n;
};
