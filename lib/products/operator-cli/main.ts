#!/usr/bin/env node
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CommanderError } from 'commander';
import { randomUUID } from 'node:crypto';
import type { Agent } from 'node:https';
import { DynamoDbInventory } from '../../adapters/dynamodb/dynamodb-inventory';
import { FaultInjector } from '../../adapters/eventbridge/fault-injector';
import { TenantNotificationResources } from '../../adapters/sns/tenant-resources';
import { DeadLetters } from '../../adapters/sqs/dead-letters';
import { awsClients, destroyAwsClients } from '../../platform/aws-clients';
import { localAwsEnvironment } from '../../platform/local-stack/local-endpoints';
import { localSnsCertificateAgent } from '../../platform/local-stack/local-sns-certificate';
import { stageNames } from '../../platform/stage-names';
import { API_HTTP } from './api-client';
import { CliError } from './cli-error';
import type { AwsTarget, CliAdapters, CliContext } from './command-kit';
import { cliProgram } from './program';

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
  const extra: { sqs?: SQSClient; lambda?: LambdaClient } = {};
  return {
    inventory: (target) => new DynamoDbInventory(awsOf(target).dynamo, stageNames(target.stage).inventoryTable),
    faultInjector: (target) =>
      new FaultInjector(
        awsOf(target).eventBridge,
        stageNames(target.stage).eventBus,
        `nfvi-doctor-cli-${randomUUID()}`,
      ),
    deadLetters: (target) => {
      const { sns, eventBridge } = awsOf(target);
      extra.sqs ??= new SQSClient({});
      extra.lambda ??= new LambdaClient({});
      return new DeadLetters({ sqs: extra.sqs, lambda: extra.lambda, sns, eventBridge }, target.stage);
    },
    tenants: (target) => {
      const { dynamo, sns } = awsOf(target);
      const names = stageNames(target.stage);
      return new TenantNotificationResources(dynamo, sns, {
        tenants: names.tenantsTable,
        subscriptions: names.subscriptionsTable,
      });
    },
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
      extra.sqs?.destroy();
      extra.lambda?.destroy();
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
