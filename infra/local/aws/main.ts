import { createServer, type RequestListener, type Server } from 'node:http';
import { join } from 'node:path';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  LOCAL_STAGE,
  localPorts,
} from '../../../lib/platform/local-stack/local-endpoints';
import { snsSigningIdentity, startSnsCertificateServer } from '../sns-signing';
import { LOCAL_PACING, LocalEventBus } from './event-bus';
import { busListener, snsListener } from './http-listeners';
import { lambdaInvoker } from './lambda-invoker';
import { readServiceDefinition } from './service-definition';
import { LocalSns } from './sns';
import { LocalSqs, sqsRequestListener } from './sqs';

/*
 * The local AWS services of the local stack, in a process of their own: EventBridge, SNS and SQS
 * as their APIs answer the SDK, durable across a crash of this process, and apart from the
 * Lambda runtime, so that a runtime that dies leaves the events in flight to be delivered again.
 * Bound to 127.0.0.1. State: NFVI_LOCAL_AWS_STATE (default .local/aws).
 */

const PROJECT_ROOT = join(__dirname, '..', '..', '..');

const listen = (listener: RequestListener, port: number) =>
  new Promise<Server>((done, fail) => {
    const server = createServer(listener);
    server.keepAliveTimeout = 65_000;
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done(server));
  });

const log = (message: string) => process.stdout.write(`${new Date().toISOString()} ${message}\n`);

async function main(): Promise<void> {
  const ports = localPorts();
  const stateDir = process.env.NFVI_LOCAL_AWS_STATE ?? join(PROJECT_ROOT, '.local', 'aws');
  const service = readServiceDefinition(join(PROJECT_ROOT, 'serverless.yml'), LOCAL_STAGE);
  const timeouts = new Map(service.functions.map((fn) => [fn.name, fn.timeoutS * 1000]));
  const invoke = lambdaInvoker(
    `http://127.0.0.1:${ports.lambda}`,
    (name) => timeouts.get(name) ?? 30_000,
    Number(process.env.NFVI_LOCAL_LAMBDA_CONCURRENCY ?? 8),
  );
  const common = { region: LOCAL_REGION, account: LOCAL_ACCOUNT, log };

  const sqs = await LocalSqs.open({
    ...common,
    endpoint: `http://127.0.0.1:${ports.sqs}`,
    stateDir: join(stateDir, 'sqs'),
  });
  for (const name of service.queues.values()) await sqs.createQueue(name);
  const queueName = (arnOrName: string) => arnOrName.split(':').pop() as string;

  const identity = await snsSigningIdentity();
  const sns = await LocalSns.open({
    ...common,
    endpoint: `http://127.0.0.1:${ports.sns}`,
    stateDir: join(stateDir, 'sns'),
    identity,
    invoke,
    sendToQueue: async (queueArn, body, attributes) => {
      await sqs.sendMessage(queueName(queueArn), body, attributes);
    },
    retryScale: Number(process.env.NFVI_LOCAL_SNS_RETRY_SCALE ?? 1),
  });
  for (const name of service.topics.values()) sns.createTopic(name);

  const bus = await LocalEventBus.open({
    ...common,
    busName: service.busName,
    functions: service.functions,
    invoke,
    journalFile: join(stateDir, 'event-bus.journal'),
    // AWS retries a failed asynchronous invocation after about 1 minute, then 2; locally after
    // NFVI_LOCAL_LAMBDA_RETRY_S (default 1) seconds, then twice that.
    pacing: { ...LOCAL_PACING, functionRetryMs: Number(process.env.NFVI_LOCAL_LAMBDA_RETRY_S ?? 1) * 1000 },
    onFailure: async (queueLogicalId, record) => {
      await sqs.sendMessage(service.queues.get(queueLogicalId) ?? queueLogicalId, JSON.stringify(record));
    },
  });
  bus.startSchedules();

  const servers = await Promise.all([
    listen(busListener(bus, { projectRoot: PROJECT_ROOT }, log), ports.eventBridge),
    listen(snsListener(sns), ports.sns),
    listen(sqsRequestListener(sqs), ports.sqs),
  ]);
  const certificates = await startSnsCertificateServer(identity, ports.snsCertificate);
  log(`local AWS ready: EventBridge ${ports.eventBridge}, SNS ${ports.sns}, SQS ${ports.sqs}, state ${stateDir}`);

  const stop = async () => {
    for (const server of servers) {
      server.close();
      server.closeAllConnections();
    }
    await certificates.close();
    await Promise.all([bus.close(), sns.close(), sqs.close()]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: Error) => {
  log(`local AWS failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
