import type middy from '@middy/core';
import type { Config } from '../config';

/**
 * The guard of every function that works on the VIM: with no VIM configured (NFVI_VIM=none) it
 * answers at once (`answer`, or what it makes of the event; it may throw a refusal), before any
 * VIM credentials are read, and the handler does not run.
 */
export function vimRequired<E>(vim: Config['vim'], answer: (event: E) => unknown): middy.MiddlewareObj<E> {
  return { before: ({ event }) => (vim.kind === 'none' ? answer(event) : undefined) };
}

/** What a function triggered by the bus or a schedule answers when there is no VIM. */
export const NO_VIM = () => ({ outcome: 'no-vim' });
