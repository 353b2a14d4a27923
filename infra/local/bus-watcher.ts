import { localPorts } from '../../lib/platform/local-stack/local-endpoints';
import type { FeedEntry } from './aws/event-bus';

export type BusEntry = FeedEntry;

/** Watches everything put on the local bus, through the feed the local EventBridge serves (server-sent events). */
export async function watchBus(): Promise<{ entries: BusEntry[]; close(): void }> {
  const entries: BusEntry[] = [];
  const abort = new AbortController();
  const response = await fetch(`http://127.0.0.1:${localPorts().eventBridge}/feed`, { signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`the local EventBridge's feed answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffered = '';
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffered += value;
      const events = buffered.split('\n\n');
      buffered = events.pop() ?? '';
      for (const event of events) {
        const data = event.split('\n').find((line) => line.startsWith('data: '));
        if (data) entries.push(JSON.parse(data.slice('data: '.length)) as BusEntry);
      }
    }
  })();
  return { entries, close: () => abort.abort() };
}
