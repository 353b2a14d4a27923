import type middy from '@middy/core';
import { logger } from '../observability';
import { quarantined, type Quarantine } from '../quarantine';

export interface Invalid {
  kind: 'invalid';
  reason: string;
}

/**
 * Reads a bus event before the handler runs: one the function cannot read is kept in the
 * quarantine with the reason and answered at once (a redelivery would not make it readable);
 * a readable one is handed to the handler as its event.
 */
export function validEvent<T extends object>(
  source: string,
  read: (raw: unknown) => T | Invalid,
  quarantine: () => Quarantine,
): middy.MiddlewareObj {
  return {
    before: async (request) => {
      const event = read(request.event);
      if ('kind' in event && event.kind === 'invalid') {
        const { reason } = event as Invalid;
        logger.warn('event quarantined', { source, reason });
        return quarantined(quarantine(), { source, reason, payload: request.event, receivedAt: new Date() });
      }
      request.event = event;
      return undefined;
    },
  };
}
