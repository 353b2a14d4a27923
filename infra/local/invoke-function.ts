import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { config } from '../../lib/platform/config';
import { localPorts, type LocalPorts } from '../../lib/platform/local-stack/local-endpoints';

/** Invokes a function of the local stack now (a scheduled one, instead of waiting for its schedule). */
export async function invokeFunction(name: string, ports: LocalPorts = localPorts()): Promise<unknown> {
  const lambda = new LambdaClient({ endpoint: `http://127.0.0.1:${ports.lambda}` });
  try {
    const result = await lambda.send(new InvokeCommand({ FunctionName: `nfvi-doctor-${config().stage}-${name}` }));
    const payload = Buffer.from(result.Payload ?? []).toString();
    if (result.FunctionError) throw new Error(`${name} failed: ${payload}`);
    return payload ? JSON.parse(payload) : undefined;
  } finally {
    lambda.destroy();
  }
}
