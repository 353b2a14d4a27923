import { join } from 'node:path';
import { createAdminTopic } from '../../infra/local/bootstrap';
import { localEnvironment } from '../../infra/local/local-env';
import { STATE_DIR, startLocalStack, type LocalStack } from '../../infra/local/stack';
import { destroyAwsClients } from '../../lib/platform/aws-clients';
import { localPorts, portVariables, type LocalPorts } from '../../lib/platform/local-stack/local-endpoints';

/** The usual ports, each moved by `offset`. */
export const portsMovedBy = (offset: number): LocalPorts =>
  Object.fromEntries(
    Object.entries(localPorts()).map(([name, port]) => [name, port + offset]),
  ) as unknown as LocalPorts;

/**
 * Runs `use` against a local stack of its own beside the usual one: durable (DynamoDB Local on
 * disk), on ports moved by `offset`, its state in .local/<name>; this process's clients point at
 * it meanwhile and at the usual stack again afterwards.
 */
export async function withOwnStack<T>(
  name: string,
  offset: number,
  use: (stack: LocalStack) => Promise<T>,
  environment: Record<string, string> = {},
): Promise<T> {
  const ports = portsMovedBy(offset);
  const stack = await startLocalStack({ ports, stateDir: join(STATE_DIR, name), durable: true, environment });
  const saved = { ...process.env };
  Object.assign(process.env, localEnvironment(ports), portVariables(ports));
  destroyAwsClients();
  try {
    await createAdminTopic();
    return await use(stack);
  } finally {
    destroyAwsClients();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await stack.stop();
  }
}
