import { appendFileSync } from 'node:fs';

/**
 * Which AWS calls each function makes, written to NFVI_AWS_CALL_LOG (the local stack sets it):
 * one JSON line per distinct call, with the inputs that name its resources. The IAM simulation
 * (test/integration/iam-simulation.test.ts) evaluates every recorded call against the role the
 * packaged template gives that function. Off unless the variable is set.
 */
export interface RecordedCall {
  function: string;
  /** The SDK client, e.g. DynamoDBClient. */
  client: string;
  /** The SDK command, e.g. QueryCommand. */
  command: string;
  /** The inputs that name the resources (table, index, topic, bus, parameter ...) and whether tags were given. */
  resources: Record<string, unknown>;
}

/**
 * The function whose calls these are: a Lambda container runs one function, and the local stack
 * builds each function into a bundle of its own, so this module's state is that one function's.
 */
let owner: string | undefined;
const written = new Set<string>();

/** Names the function this container runs (its handler's middleware does, at each invocation). */
export function callsBelongTo(functionName: string): void {
  if (process.env.NFVI_AWS_CALL_LOG) owner = functionName;
}

/** Each tenant's topic is alike to IAM (one grant covers them all): recorded once, not once per tenant. */
const tenantsAlike = (value: unknown): unknown =>
  typeof value === 'string' ? value.replace(/-tenant-[^:/]+/, '-tenant-{tenantId}') : value;

/** The inputs of a call that name what it acts on (never values or items). */
function resourcesOf(input: Record<string, unknown>): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  for (const key of [
    'TableName',
    'IndexName',
    'TopicArn',
    'TargetArn',
    'SubscriptionArn',
    'Name',
    'Names',
    'EventBusName',
    'QueueUrl',
    'QueueName',
    'ResourceArn',
  ]) {
    if (input[key] !== undefined) named[key] = tenantsAlike(input[key]);
  }
  if (input.RequestItems && typeof input.RequestItems === 'object') named.Tables = Object.keys(input.RequestItems);
  if (Array.isArray(input.TransactItems)) {
    named.TransactItems = input.TransactItems.map((item: Record<string, { TableName?: string }>) =>
      Object.fromEntries(Object.entries(item).map(([kind, op]) => [kind, op.TableName])),
    );
  }
  if (Array.isArray(input.Entries)) {
    named.EventBusNames = [
      ...new Set(input.Entries.map((e: { EventBusName?: string }) => e.EventBusName ?? 'default')),
    ];
  }
  if (Array.isArray(input.Tags) && input.Tags.length > 0) named.Tags = true;
  if (input.Attributes && typeof input.Attributes === 'object') named.Attributes = Object.keys(input.Attributes);
  if (input.WithDecryption !== undefined) named.WithDecryption = input.WithDecryption;
  return named;
}

interface MiddlewareStackHolder {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: { input: object }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** Records the calls a client makes while a function's invocation runs (when NFVI_AWS_CALL_LOG is set). */
export function logAwsCalls<C extends MiddlewareStackHolder>(client: C): C {
  const file = process.env.NFVI_AWS_CALL_LOG;
  if (!file) return client;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const fn = owner;
      if (fn) {
        const call: RecordedCall = {
          function: fn,
          client: context.clientName ?? 'unknown',
          command: context.commandName ?? 'unknown',
          resources: resourcesOf(args.input as Record<string, unknown>),
        };
        const line = JSON.stringify(call);
        if (!written.has(line)) {
          written.add(line);
          appendFileSync(file, `${line}\n`);
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'nfviAwsCallLog' },
  );
  return client;
}
