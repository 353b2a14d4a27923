import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Receipt, SnsConsumer } from './consumer';

export interface SnsHttpListenerOptions {
  /** Every delivery's fate, e.g. for a log line; a rejected delivery carries its reason. */
  onReceipt?(receipt: Receipt): void;
  /** A delivery that failed on this side (the handler, a certificate or SubscribeURL out of reach); SNS retries it. */
  onError?(error: unknown): void;
  /** SNS messages are at most 256 KiB; the envelope and its attributes add a little. */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const answer = (res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(`${text}\n`);

/**
 * A Node request listener for SNS HTTP(S) subscriptions: `http.createServer(snsHttpListener(consumer))`.
 * Answers 200 once the delivery is handled (duplicates and confirmations included), 400 or
 * 403 with the reason for a rejected one, 405 and 413 for what SNS never sends, and 500 when
 * handling failed, so that SNS delivers again.
 */
export function snsHttpListener(
  consumer: Pick<SnsConsumer, 'receive'>,
  options: SnsHttpListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const deliver = async (body: string, req: IncomingMessage, res: ServerResponse) => {
    let receipt: Receipt;
    try {
      receipt = await consumer.receive(body, req.headers);
    } catch (error) {
      answer(res, 500, 'the delivery could not be handled; SNS will retry it');
      options.onError?.(error);
      return;
    }
    if (receipt.outcome === 'rejected') answer(res, receipt.status, receipt.reason);
    else answer(res, 200, receipt.outcome);
    options.onReceipt?.(receipt);
  };
  return (req, res) => {
    if (req.method !== 'POST') {
      req.resume();
      answer(res, 405, 'SNS deliveries are POSTed', { allow: 'POST' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('error', (error) => options.onError?.(error));
    req.on('end', () => {
      if (size > maxBodyBytes) answer(res, 413, `the body exceeds ${maxBodyBytes} bytes`);
      else void deliver(Buffer.concat(chunks).toString('utf8'), req, res);
    });
  };
}
