import { faultConfirmed } from '../contracts/bus-events';
import { quorumOf, type QuorumSettings } from '../inspector/peer-quorum';
import { type Quarantine } from '../platform/quarantine';
import type { Bmc } from './bmc';
import { decideFencing, type FenceRecord, type FencingDecision } from './fencing';
import {
  ConcurrentFencingError,
  type BmcDirectory,
  type FenceStore,
  type FencingEvents,
  type HostMaintenance,
  type PeerVoteReader,
} from './ports';

export interface FencingSettings {
  quorum: QuorumSettings;
  /** Power-off attempts before the fencing is declared failed. */
  attempts: number;
  /** How long to wait for the power state to read back off after each power-off. */
  readBackS: number;
  pollMs: number;
}

export interface FencerDeps {
  records: FenceStore;
  votes: PeerVoteReader;
  maintenance: HostMaintenance;
  bmcs: BmcDirectory;
  events: FencingEvents;
  quarantine: Quarantine;
  settings: FencingSettings;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
}

export type FencingOutcome =
  | { outcome: 'rejected'; reason: string }
  | { outcome: 'skipped'; reason: Extract<FencingDecision, { kind: 'skip' }>['reason'] }
  | { outcome: 'fenced'; host: string; method: Bmc['method']; attempts: number; fencedAt: string }
  | { outcome: 'failed'; host: string; reason: string; attempts: number };

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Fences a host whose death the correlator confirmed (FaultConfirmed of the peers' host-down).
 * Primary course:
 * 1. read the event (a malformed one is quarantined with the reason);
 * 2. count the host's quorum again from the stored votes and decide (never without quorum);
 * 3. claim the fencing with a conditional write, so one invocation fences;
 * 4. power the host off through its BMC and read the power state back until it is off,
 *    up to `attempts` times;
 * 5. record FENCED and put HostFenced on the bus, or record FAILED and put HostFencingFailed
 *    (an administrator alarm; recovery that needs fencing keeps waiting).
 */
export async function fenceHost(event: { detail: unknown }, deps: FencerDeps): Promise<FencingOutcome> {
  const parsed = faultConfirmed.safeParse(event.detail);
  if (!parsed.success) {
    const reason = parsed.error.message;
    await deps.quarantine.put({ source: 'fencer', reason, payload: event, receivedAt: deps.clock().toISOString() });
    return { outcome: 'rejected', reason };
  }
  const confirmed = parsed.data;
  const { host } = confirmed;
  const [record, votes, inMaintenance] = await Promise.all([
    deps.records.get(host),
    deps.votes.votes(host),
    deps.maintenance.inMaintenance(host),
  ]);
  const now = deps.clock();
  const decision = decideFencing({
    event: confirmed,
    verdict: quorumOf(votes, now, deps.settings.quorum),
    record,
    inMaintenance,
    now,
    staleAfterS: deps.settings.attempts * (deps.settings.readBackS + 30),
  });
  if (decision.kind === 'skip') return { outcome: 'skipped', reason: decision.reason };

  const claimed: FenceRecord = {
    host,
    hostAlarmId: confirmed.hostAlarmId,
    state: 'FENCING',
    attempts: 0,
    startedAt: now.toISOString(),
    version: (record?.version ?? 0) + 1,
  };
  try {
    await deps.records.save(claimed, record?.version);
  } catch (error) {
    if (error instanceof ConcurrentFencingError) return { outcome: 'skipped', reason: 'in-progress' };
    throw error;
  }
  const bmc = deps.bmcs(host);
  const result = bmc
    ? await powerOff(bmc, deps)
    : { ok: false as const, attempts: 0, reason: `no BMC credentials for host ${host} in the secret store` };
  const at = deps.clock().toISOString();
  if (result.ok) {
    const method = (bmc as Bmc).method;
    await deps.records.save(
      { ...claimed, state: 'FENCED', method, attempts: result.attempts, fencedAt: at, version: claimed.version + 1 },
      claimed.version,
    );
    await deps.events.emit({
      detailType: 'HostFenced',
      detail: {
        host,
        hostAlarmId: confirmed.hostAlarmId,
        method,
        powerState: 'off',
        fencedAt: at,
        confirmedAt: confirmed.confirmedAt,
      },
    });
    return { outcome: 'fenced', host, method, attempts: result.attempts, fencedAt: at };
  }
  await deps.records.save(
    { ...claimed, state: 'FAILED', attempts: result.attempts, error: result.reason, version: claimed.version + 1 },
    claimed.version,
  );
  await deps.events.emit({
    detailType: 'HostFencingFailed',
    detail: {
      host,
      hostAlarmId: confirmed.hostAlarmId,
      reason: result.reason,
      attempts: result.attempts,
      failedAt: at,
    },
  });
  return { outcome: 'failed', host, reason: result.reason, attempts: result.attempts };
}

type PowerOffResult = { ok: true; attempts: number } | { ok: false; attempts: number; reason: string };

async function powerOff(bmc: Bmc, deps: FencerDeps): Promise<PowerOffResult> {
  const { attempts, readBackS, pollMs } = deps.settings;
  let reason = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      // A host already off (it died of power loss) needs no command: the read-back is what counts.
      if ((await bmc.powerState()) === 'off') return { ok: true, attempts: attempt };
      await bmc.powerOff();
      const until = deps.clock().getTime() + readBackS * 1000;
      for (;;) {
        if ((await bmc.powerState()) === 'off') return { ok: true, attempts: attempt };
        if (deps.clock().getTime() >= until) break;
        await deps.sleep(pollMs);
      }
      reason = `power state still on ${readBackS} s after the power-off through ${bmc.method}`;
    } catch (error) {
      reason = `${bmc.method}: ${errorText(error)}`;
    }
  }
  return { ok: false, attempts, reason: `${reason} (after ${attempts} attempts)` };
}
