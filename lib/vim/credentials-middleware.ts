import type middy from '@middy/core';
import ssm from '@middy/ssm';
import { readFile } from 'node:fs/promises';
import type { Context } from 'aws-lambda';
import type { Config } from '../config';

export type VimContext = Context & { vimCredentials?: unknown };

/**
 * Puts the VIM credentials JSON on the context as `vimCredentials`: from SSM Parameter Store
 * (decrypted, cached for 15 minutes) on AWS, or from a file on the local stack.
 */
export function vimCredentialsMiddleware(cfg: Config['vim']): middy.MiddlewareObj<unknown, unknown, Error, VimContext> {
  if (cfg.credentialsParameter) {
    return ssm({
      fetchData: { vimCredentials: cfg.credentialsParameter },
      setToContext: true,
      cacheExpiry: 15 * 60 * 1000,
    }) as middy.MiddlewareObj<unknown, unknown, Error, VimContext>;
  }
  return {
    before: async (request) => {
      if (!cfg.credentialsFile) return;
      request.context.vimCredentials = await readFile(cfg.credentialsFile, 'utf8');
    },
  };
}
