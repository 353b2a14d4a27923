import { destroyAwsClients } from '../../lib/aws/clients';
import { createAdminTopic } from '../../infra/local/bootstrap';
import { useLocalEnvironment } from '../../infra/local/local-env';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';

declare global {
  var nfviLocalStack: LocalStack | undefined;
}

/** Starts the local stack once for all integration tests (or reuses a running one). */
export default async function globalSetup(): Promise<void> {
  useLocalEnvironment();
  globalThis.nfviLocalStack = await startLocalStack();
  await createAdminTopic();
  destroyAwsClients();
}
