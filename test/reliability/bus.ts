import { PutEventsCommand, type PutEventsRequestEntry, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { mapSettled } from '../../lib/platform/map-settled';

/** Puts entries on the stage's bus, ten per call, `concurrency` calls at a time; a result per entry. */
export async function putAll(entries: PutEventsRequestEntry[], concurrency = 8): Promise<PutEventsResultEntry[]> {
  const batches = Array.from({ length: Math.ceil(entries.length / 10) }, (_, i) => entries.slice(i * 10, i * 10 + 10));
  const results = await mapSettled(batches, concurrency, async (batch) => {
    const { Entries = [] } = await awsClients().eventBridge.send(
      new PutEventsCommand({ Entries: batch.map((e) => ({ EventBusName: config().eventBusName, ...e })) }),
    );
    return Entries;
  });
  return results.flatMap((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
}

/** A collector event entry with the observation fields the scenario chooses. */
export const collectorEntry = (detailType: string, detail: Record<string, unknown>): PutEventsRequestEntry => ({
  Source: 'nfvi.collector',
  DetailType: detailType,
  Detail: JSON.stringify(detail),
});
