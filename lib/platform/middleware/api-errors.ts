import type middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../observability';

/**
 * Every API route's error handling: a refusal (an error with a statusCode below 500, such as
 * HttpError) answers its status with `{"message": ...}` and is logged as a refusal; any other
 * error is logged whole and answers 500 `{"message": "internal error"}`, its details kept from
 * the caller. Every error body is JSON.
 */
export function apiErrors(): middy.MiddlewareObj<unknown, APIGatewayProxyResult> {
  return {
    onError: (request) => {
      if (request.response !== undefined) return;
      const error = request.error as (Error & { statusCode?: number; expose?: boolean }) | undefined;
      const refusal = error?.statusCode !== undefined && error.statusCode < 500 && error.expose !== false;
      if (refusal) logger.info('request refused', { error });
      else logger.error('request failed', { error });
      request.response = {
        statusCode: refusal ? (error.statusCode as number) : 500,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: refusal ? error.message : 'internal error' }),
      };
    },
  };
}
