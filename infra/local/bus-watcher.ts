import { connect } from 'mqtt';
import { localPorts } from '../../lib/platform/local-stack/local-endpoints';

export interface BusEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  /** Date.now() when the entry was seen. */
  seenAt: number;
}

/** Watches everything put on the offline bus, through the MQTT feed the offline EventBridge republishes it on. */
export async function watchBus(): Promise<{ entries: BusEntry[]; close(): void }> {
  const entries: BusEntry[] = [];
  const client = connect(`mqtt://127.0.0.1:${localPorts().eventBridgePubSub}`);
  await new Promise<void>((done, fail) => {
    client.once('connect', () => client.subscribe('eventBridge', (err) => (err ? fail(err) : done())));
    client.once('error', fail);
  });
  client.on('message', (_topic, payload) => {
    const seenAt = Date.now();
    for (const entry of JSON.parse(payload.toString()) as Omit<BusEntry, 'seenAt'>[])
      entries.push({ ...entry, seenAt });
  });
  return { entries, close: () => client.end(true) };
}
