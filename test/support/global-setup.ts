import { createAdminTopic } from '../../infra/local/bootstrap';
import { registerVnffmCatalogEntry } from '../../infra/local/keystone-catalog';
import { useLocalEnvironment } from '../../infra/local/local-env';
import { KEYSTONE_PORT, startOpenStack } from '../../infra/local/openstack';
import { isListening, startLocalStack, type LocalStack } from '../../infra/local/stack';
import { destroyAwsClients } from '../../lib/platform/aws-clients';
import { localApiUrl } from '../../lib/platform/local-stack/local-endpoints';
import { COMPUTE_HOSTS } from './openstack';

declare global {
  var nfviLocalStack: LocalStack | undefined;
  var nfviStartedOpenStack: boolean | undefined;
}

/**
 * Starts, once for all integration tests, the local OpenStack (installed on first use) and the
 * local stack, or reuses running ones.
 */
export default async function globalSetup(): Promise<void> {
  useLocalEnvironment();
  // Keystone answering means someone else runs the cloud: leave it running afterwards.
  globalThis.nfviStartedOpenStack = !(await isListening(KEYSTONE_PORT));
  const cloud = await startOpenStack(COMPUTE_HOSTS);
  globalThis.nfviLocalStack = await startLocalStack();
  // SOL 003 clients (Tacker's) find the fault-management binding in Keystone's catalog.
  await registerVnffmCatalogEntry(cloud, localApiUrl(globalThis.nfviLocalStack.ports));
  await createAdminTopic();
  destroyAwsClients();
}
