import type middy from '@middy/core';
import ssm from '@middy/ssm';
import type { Context } from 'aws-lambda';
import { readFile } from 'node:fs/promises';
import { observedClient } from '../aws-clients';

/**
 * Puts a secret JSON on the context under `key`: from SSM Parameter Store (decrypted, cached for
 * 15 minutes) on AWS, or from a file on the local stack (read at each invocation, so a test or an
 * operator may change it while the stack runs).
 */
export function secretMiddleware<C extends Context>(
  key: string,
  source: { parameter: string | undefined; file: string | undefined; missingFileOk?: boolean },
): middy.MiddlewareObj<unknown, unknown, Error, C> {
  if (source.parameter) {
    return ssm({
      fetchData: { [key]: source.parameter },
      setToContext: true,
      cacheExpiry: 15 * 60 * 1000,
      // Fetched within the invocation, so that the call is traced and attributed to the function.
      disablePrefetch: true,
      awsClientCapture: observedClient,
    }) as middy.MiddlewareObj<unknown, unknown, Error, C>;
  }
  return {
    before: async (request) => {
      if (!source.file) return;
      try {
        (request.context as Record<string, unknown>)[key] = await readFile(source.file, 'utf8');
      } catch (error) {
        if (!(source.missingFileOk && (error as NodeJS.ErrnoException).code === 'ENOENT')) throw error;
      }
    },
  };
}
