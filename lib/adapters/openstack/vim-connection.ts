import type { Config } from '../../platform/config';
import { vimCredentials } from './credentials';
import { KeystoneSession } from './keystone';
import { NeutronClient } from './neutron';
import { NovaClient } from './nova';

export interface VimConnection {
  keystone: KeystoneSession;
  nova: NovaClient;
  neutron: NeutronClient;
}

let cached: { raw: string; connection: VimConnection } | undefined;

/**
 * The OpenStack clients for the credentials (JSON) (from SSM or a file), created once per container
 * and kept while the credentials stay the same, so the Keystone token is reused across invocations.
 */
export function vimConnection(credentialsValue: unknown, cfg: Config['vim']): VimConnection {
  // middy's ssm middleware hands JSON values over parsed; a file gives text.
  const raw = typeof credentialsValue === 'string' ? credentialsValue : JSON.stringify(credentialsValue);
  if (cached?.raw === raw) return cached.connection;
  const credentials = vimCredentials.parse(JSON.parse(raw));
  const keystone = new KeystoneSession(credentials, undefined, cfg.endpointInterface);
  const connection = {
    keystone,
    nova: new NovaClient(keystone, {
      ...(cfg.maxMicroversion ? { maxMicroversion: cfg.maxMicroversion as `2.${number}` } : {}),
      ...(cfg.concurrency ? { resetConcurrency: cfg.concurrency } : {}),
    }),
    neutron: new NeutronClient(keystone),
  };
  cached = { raw, connection };
  return connection;
}
