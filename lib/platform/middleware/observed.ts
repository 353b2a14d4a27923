import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { callsBelongTo } from '../aws-call-log';
import { logger, metrics, tracer } from '../observability';

/** Marks the AWS calls of this invocation as its function's (the IAM simulation judges them per role). */
const awsCallsOfFunction = (): middy.MiddlewareObj<unknown, unknown, Error, Context> => ({
  before: (request) => callsBelongTo(request.context.functionName),
});

/**
 * What every handler starts with: a trace segment per invocation, logs with the invocation's
 * context, metrics flushed at its end (for handlers that emit any), and its AWS calls attributed
 * to its function.
 */
export const observed = ({ withMetrics = true } = {}) => [
  ...(tracer ? [captureLambdaHandler(tracer, { captureResponse: false })] : []),
  injectLambdaContext(logger),
  ...(withMetrics ? [logMetrics(metrics)] : []),
  awsCallsOfFunction(),
];
