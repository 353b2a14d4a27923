#!/usr/bin/env node
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import type { Agent } from 'node:https';
import { DynamoDbInventory } from '../../adapters/dynamodb/dynamodb-inventory';
import { FaultInjector } from '../../adapters/eventbridge/fault-injector';
import type { HttpOptions } from '../../adapters/openstack/http';
import { perceivedSeverity } from '../../contracts/etsi-alarm';
import { awsClients, destroyAwsClients } from '../../platform/aws-clients';
import { localAwsEnvironment } from '../../platform/local-stack/local-endpoints';
import { localSnsCertificateAgent } from '../../platform/local-stack/local-sns-certificate';
import { stageNames } from '../../platform/stage-names';
import { acknowledgeAlarm, listAlarms } from './alarms';
import { API_HTTP, ApiClient } from './api-client';
import { withAws } from './aws-failure';
import { CliError, UsageError } from './cli-error';
import { showHosts, type HostLister } from './hosts';
import { faultMenu, injectableFaults, injectFault } from './inject';
import { keystoneLogin } from './keystone-login';
import { createSession, deleteSession, listSessions, showSession, watchSession } from './maintenance';
import type { Output, Writer } from './render';
import { readSettings, type ApiSettings } from './settings';
import { tail } from './tail';

/** Where the AWS side of a command is: the stage's resources, on AWS or on the local stack. */
export interface AwsTarget {
  stage: string;
  local: boolean;
}

/** The adapters a command uses, built from the settings; the unit tests hand in stand-ins. */
export interface CliAdapters {
  inventory(target: AwsTarget): HostLister;
  faultInjector(target: AwsTarget): FaultInjector;
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

const collect = (value: string, previous: string[] = []) => [...previous, value];

const keyValues = (pairs: string[]): Record<string, string> =>
  Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`--metadata ${pair}: expected key=value`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );

const seconds = (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected seconds');
  return n;
};

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('expected a port number');
  return n;
};

/** The nfvi-doctor command line, its actions bound to the context; `exit` receives a command's exit code. */
export function cliProgram(context: CliContext, exit: (code: number) => void): Command {
  const program = new Command('nfvi-doctor');
  program
    .description('Operate nfvi-doctor: hosts, alarms, fault injection, planned maintenance, live notifications.')
    .option('--json', 'machine-readable output on stdout (errors stay on stderr)')
    .option(
      '--local',
      "the local stack of `npm start`: its API, the local OpenStack's admin and stage local, instead of the environment",
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Settings come from the environment, as an openrc file sets them for the openstack CLI:
  NFVI_API_URL            the stage's API base URL (API Gateway, or a custom domain)
  OS_AUTH_URL             Keystone (with or without /v3)
  OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME ("Default")
    or OS_APPLICATION_CREDENTIAL_ID, OS_APPLICATION_CREDENTIAL_SECRET
  NFVI_STAGE              the stage (hosts, inject), with the usual AWS variables (AWS_REGION, AWS_PROFILE, ...)`,
    );

  const globals = (command: Command): GlobalOptions => command.optsWithGlobals<GlobalOptions>();
  const output = (command: Command): Output => ({
    json: globals(command).json === true,
    stdout: context.stdout,
    stderr: context.stderr,
  });
  const apiClient = (api: ApiSettings) =>
    new ApiClient(api.apiUrl, keystoneLogin(api.credentials, context.http), context.http);
  const apiOf = (command: Command) =>
    apiClient(readSettings(context.env, globals(command).local === true, ['api']).api);

  program
    .command('hosts')
    .description('every host: instances, tenants, maintenance mark and active faults')
    .action(async (_options, command: Command) => {
      const local = globals(command).local === true;
      const { api, stage } = readSettings(context.env, local, ['api', 'stage']);
      const table = stageNames(stage).inventoryTable;
      const inventory = context.adapters.inventory({ stage, local });
      await showHosts(
        { listHosts: () => withAws(`the inventory table ${table}`, () => inventory.listHosts()) },
        apiClient(api),
        output(command),
      );
    });

  const alarms = program
    .command('alarms')
    .description('alarms (Doctor FaultQuery): active ones by default')
    .option('--tenant <project>', "a tenant's alarms (administrators)")
    .option('--resource <id>', 'alarms of an instance or a host')
    .option('--fault-type <type>', 'e.g. compute.host.down')
    .addOption(
      new Option('--min-severity <severity>', 'this severity or worse').choices(
        perceivedSeverity.exclude(['CLEARED']).options,
      ),
    )
    .option('--since <iso>', 'active at some time since')
    .option('--until <iso>', 'active at some time until')
    .option('--all', 'cleared alarms too')
    .action(async (options, command: Command) => {
      await listAlarms(apiOf(command), output(command), options);
    });
  alarms
    .command('ack <alarmId>')
    .description("acknowledge an alarm (its id, or the first characters the table shows; with --tenant, a tenant's)")
    .action(async (alarmId: string, _options, command: Command) => {
      // --tenant belongs to `alarms`: commander gives it to the parent wherever it appears.
      const { tenant } = command.optsWithGlobals<{ tenant?: string }>();
      await acknowledgeAlarm(apiOf(command), output(command), alarmId, tenant);
    });

  program
    .command('inject')
    .description("put a test fault on the bus, as the host's collector would report it")
    .argument('<host>', 'the compute host')
    .addArgument(new Argument('<fault>', 'the fault (below)').choices(Object.keys(injectableFaults)))
    .option('--clear', 'report the recovery instead')
    .addHelpText('after', () => `\nFaults:\n${faultMenu()}`)
    .action(async (host: string, fault: string, options: { clear?: boolean }, command: Command) => {
      const local = globals(command).local === true;
      const { stage } = readSettings(context.env, local, ['stage']);
      const bus = stageNames(stage).eventBus;
      const injector = context.adapters.faultInjector({ stage, local });
      await withAws(`the event bus ${bus}`, () =>
        injectFault(injector, bus, output(command), { host, fault, clear: options.clear === true }),
      );
    });

  const maintenance = program.command('maintenance').description('planned maintenance sessions (Fenix API)');
  maintenance
    .command('create')
    .description('ask for hosts to be emptied and maintained')
    .requiredOption('--hosts <hosts>', 'comma-separated compute hosts')
    .option('--at <iso>', 'when maintenance may start (default: now)')
    .option('--in <seconds>', 'when maintenance may start, in seconds from now', seconds)
    .option('--workflow <name>', 'the workflow', 'default')
    .option('--metadata <key=value>', 'session metadata (repeatable)', collect, [])
    .action(
      async (
        options: { hosts: string; at?: string; in?: number; workflow: string; metadata: string[] },
        command: Command,
      ) => {
        await createSession(
          apiOf(command),
          output(command),
          {
            hosts: options.hosts.split(',').map((h) => h.trim()),
            ...(options.at !== undefined && { at: options.at }),
            ...(options.in !== undefined && { inSeconds: options.in }),
            workflow: options.workflow,
            metadata: keyValues(options.metadata),
          },
          context.clock(),
        );
      },
    );
  maintenance
    .command('list')
    .description('every session')
    .action(async (_options, command: Command) => listSessions(apiOf(command), output(command)));
  maintenance
    .command('show <sessionId>')
    .description("a session's state, hosts, replies, moves and history")
    .action(async (sessionId: string, _options, command: Command) =>
      showSession(apiOf(command), output(command), sessionId),
    );
  maintenance
    .command('watch <sessionId>')
    .description('follow a session until it ends: exit 0 when MAINTENANCE_DONE, 1 when MAINTENANCE_FAILED')
    .option('--interval <seconds>', 'between polls', seconds, 2)
    .action(async (sessionId: string, options: { interval: number }, command: Command) => {
      exit(
        await watchSession(apiOf(command), output(command), sessionId, {
          intervalMs: options.interval * 1000,
          sleep: context.sleep,
          clock: context.clock,
        }),
      );
    });
  maintenance
    .command('delete <sessionId>')
    .description('cancel a session: it fails cleanly, its hosts back in service')
    .action(async (sessionId: string, _options, command: Command) =>
      deleteSession(apiOf(command), output(command), sessionId),
    );

  program
    .command('tail')
    .description('print notifications as they arrive, through a subscription of this listener, until Ctrl-C')
    .option('--tenant <project>', "a tenant's notifications (administrators)")
    .option('--endpoint <url>', 'the public URL at which SNS reaches this listener (with --local: its own address)')
    .option('--port <port>', 'the port to listen on (default: any free one)', port, 0)
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

  return program;
}

/** Runs one command line (without `node` and the script); resolves to the exit code. */
export async function run(argv: string[], context: CliContext): Promise<number> {
  let code = 0;
  try {
    await cliProgram(context, (c) => (code = c)).parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    // Commander has printed its own message; help and --version end with 0, a wrong command line with 2.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliError) {
      context.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    context.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    context.adapters.close();
  }
}

/** The AWS clients of the environment, or of the local stack, whatever the shell's AWS variables say. */
function awsOf(target: AwsTarget) {
  if (target.local) Object.assign(process.env, localAwsEnvironment());
  return awsClients();
}

function productionAdapters(): CliAdapters {
  let agent: Agent | undefined;
  return {
    inventory: (target) => new DynamoDbInventory(awsOf(target).dynamo, stageNames(target.stage).inventoryTable),
    faultInjector: (target) =>
      new FaultInjector(
        awsOf(target).eventBridge,
        stageNames(target.stage).eventBus,
        `nfvi-doctor-cli-${randomUUID()}`,
      ),
    snsCertificateAgent: (local) => {
      if (!local) return undefined;
      try {
        agent = localSnsCertificateAgent();
      } catch (error) {
        throw new CliError(
          `--local: no signing certificate of the local SNS (${(error as Error).message}); \`npm start\` creates it`,
        );
      }
      return agent;
    },
    close: () => {
      agent?.destroy();
      destroyAwsClients();
    },
  };
}

if (require.main === module) {
  // The SDK's notice about future Node.js versions is not the operator's business on every command.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // `nfvi-doctor alarms | head`: the reader has gone, which is no error of ours.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  void run(process.argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    adapters: productionAdapters(),
    http: API_HTTP,
    clock: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    interrupted: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  }).then((code) => {
    process.exitCode = code;
  });
}
