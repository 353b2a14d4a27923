import type { VimCredentials } from '../../adapters/openstack/credentials';
import { DEFAULT_HTTP_OPTIONS, type HttpOptions } from '../../adapters/openstack/http';
import { KeystoneSession } from '../../adapters/openstack/keystone';
import { VimError } from '../../adapters/openstack/vim-error';
import { CliError, networkFailureReason } from './cli-error';

/**
 * The caller's Keystone token, from its credentials: fetched on first use and renewed before it
 * expires (a long `maintenance watch` outlives a token), Keystone's refusals told plainly.
 */
export function keystoneLogin(
  credentials: VimCredentials,
  http: HttpOptions = DEFAULT_HTTP_OPTIONS,
): () => Promise<string> {
  const session = new KeystoneSession(credentials, http);
  return async () => {
    try {
      return await session.token();
    } catch (error) {
      if (!(error instanceof VimError)) throw error;
      if (error.status === undefined) {
        throw new CliError(
          `cannot reach Keystone at ${credentials.authUrl}: ${networkFailureReason(error.vimMessage)}`,
        );
      }
      if (error.status === 401) throw new CliError(`Keystone refused the credentials (401): ${error.vimMessage}`);
      throw new CliError(`Keystone failed to issue a token (${error.status}): ${error.vimMessage}`);
    }
  };
}
