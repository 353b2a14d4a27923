import { vimConnection } from '../adapters/openstack/vim-connection';
import { KeystoneAuthorizer } from '../platform/auth/keystone-authorizer';
import { config } from '../platform/config';

let authorizer: KeystoneAuthorizer | undefined;

/** The authorizer, kept for the life of the container: its cache of validated tokens is the point. */
export function keystoneAuthorizer(credentials: unknown): KeystoneAuthorizer {
  authorizer ??= new KeystoneAuthorizer(vimConnection(credentials, config().vim).keystone);
  return authorizer;
}
