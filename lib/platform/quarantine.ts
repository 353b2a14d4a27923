/** Input that was refused, with the reason, as operators find it in the quarantine. */
export interface QuarantineEntry {
  source: string;
  reason: string;
  payload: unknown;
  receivedAt: string;
}

/** Where refused input is kept, with its reason: nothing malformed is silently dropped. */
export interface Quarantine {
  put(entry: QuarantineEntry): Promise<string>;
}

export interface Quarantined {
  outcome: 'quarantined';
  reason: string;
  quarantineId: string;
}

/** Keeps refused input with its reason: the one way every function quarantines. */
export async function quarantined(
  quarantine: Quarantine,
  entry: { source: string; reason: string; payload: unknown; receivedAt: Date },
): Promise<Quarantined> {
  const quarantineId = await quarantine.put({ ...entry, receivedAt: entry.receivedAt.toISOString() });
  return { outcome: 'quarantined', reason: entry.reason, quarantineId };
}
