import pLimit from 'p-limit';

/** How an invocation ended, as an asynchronous caller (EventBridge, SNS) sees it. */
export type InvocationResult =
  | { kind: 'ok'; payload: string }
  /** The handler threw or the function reported an error: it counts toward the function's retries. */
  | { kind: 'function-error'; message: string }
  /** The Lambda service could not be reached (the local runtime is down or restarting): try again later. */
  | { kind: 'unreachable'; message: string };

export type Invoke = (functionName: string, event: unknown) => Promise<InvocationResult>;

/**
 * Invokes functions on the local Lambda runtime (serverless-offline's Invoke API), waiting for
 * the result, as the Lambda service does for an asynchronous invocation before it decides on
 * retries. At most `concurrency` invocations of one function run at once and the others wait
 * their turn, as Lambda's queue for asynchronous invocations holds events while a function is
 * at its concurrency: the local runtime is one process, and a burst let in all at once would
 * spend the functions' timeouts waiting for the CPU.
 */
export function lambdaInvoker(
  endpoint: string,
  timeoutMs: (functionName: string) => number,
  concurrency: number,
): Invoke {
  const limits = new Map<string, pLimit.Limit>();
  const limitOf = (name: string) => {
    let limit = limits.get(name);
    if (!limit) limits.set(name, (limit = pLimit(concurrency)));
    return limit;
  };
  return (functionName, event) => limitOf(functionName)(() => invokeOnce(endpoint, timeoutMs, functionName, event));
}

async function invokeOnce(
  endpoint: string,
  timeoutMs: (functionName: string) => number,
  functionName: string,
  event: unknown,
): Promise<InvocationResult> {
  let response: Response;
  try {
    response = await fetch(`${endpoint}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`, {
      method: 'POST',
      headers: { 'x-amz-invocation-type': 'RequestResponse' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs(functionName) + 5_000),
    });
  } catch (error) {
    return { kind: 'unreachable', message: (error as Error).message };
  }
  const payload = await response.text().catch(() => '');
  if (response.status >= 500) return { kind: 'unreachable', message: `${response.status} ${payload.slice(0, 200)}` };
  if (response.status === 404) return { kind: 'unreachable', message: `no function ${functionName} (yet)` };
  if (response.headers.get('x-amz-function-error') || response.status >= 400) {
    return { kind: 'function-error', message: payload.slice(0, 2000) };
  }
  return { kind: 'ok', payload };
}
