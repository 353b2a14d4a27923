import { openstackScript } from '../../infra/local/openstack';

export default async function globalTeardown(): Promise<void> {
  await globalThis.nfviLocalStack?.stop();
  if (globalThis.nfviStartedOpenStack) await openstackScript('stop');
}
