import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Config } from '../config';
import { secretMiddleware } from './secret';

export type VimContext = Context & { vimCredentials?: unknown };

/** The VIM credentials JSON on the context as `vimCredentials`. */
export function vimCredentialsMiddleware(cfg: Config['vim']): middy.MiddlewareObj<unknown, unknown, Error, VimContext> {
  return secretMiddleware<VimContext>('vimCredentials', {
    parameter: cfg.credentialsParameter,
    file: cfg.credentialsFile,
  });
}
