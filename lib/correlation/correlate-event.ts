import { needsRepublish, type FaultRecord } from '../alarms/fault-record';
import { decide, type AlarmContext, type IgnoreReason } from '../alarms/lifecycle';
import { deliveriesOf } from '../alarms/notifications';
import { faultEventOf } from '../faults/fault-events';
import { faultSignalOf } from '../faults/fault-signal';
import type { HostInventory } from '../inventory/inventory';
import { parseCollectorEvent } from '../southbound/collector-events';
import {
  ConcurrentUpdateError,
  type FaultEventPublisher,
  type FaultStore,
  type InventoryReader,
  type Notifier,
  type Quarantine,
} from './ports';

export type CorrelatorSettings = Omit<AlarmContext, 'now'>;

export interface CorrelatorDeps {
  faults: FaultStore;
  inventory: InventoryReader;
  notifier: Notifier;
  faultEvents: FaultEventPublisher;
  quarantine: Quarantine;
  settings: CorrelatorSettings;
  clock: () => Date;
}

export type CorrelationOutcome =
  | { outcome: 'quarantined'; reason: string; quarantineId: string }
  | { outcome: 'no-fault'; reason: string }
  | { outcome: 'ignored'; reason: IgnoreReason; republished: number }
  | { outcome: 'recorded'; republished: number }
  | { outcome: 'RAISED' | 'UPDATED' | 'CLEARED'; notifications: number; republished: number };

const MAX_ATTEMPTS = 5;
const NO_INVENTORY: HostInventory = { known: true, instances: [] };

/**
 * Correlates one southbound event. Primary course:
 * 1. validate it against the southbound contract; quarantine it with the reason if it fails;
 * 2. map it through the fault catalogue to a fault signal;
 * 3. read the fault's record and, when an alarm may be raised, the host's instances;
 *    finish publishing a transition whose publisher failed or ended without publishing;
 * 4. decide the alarm transition and store it with a conditional write (re-read on conflict);
 * 5. publish the admin and tenant notifications, then FaultConfirmed/FaultCleared on the bus;
 * 6. mark the transition published, so that a duplicate event publishes nothing again.
 */
export async function correlateEvent(
  raw: unknown,
  deps: CorrelatorDeps,
  invocation: { deadline: Date },
): Promise<CorrelationOutcome> {
  const parsed = parseCollectorEvent(raw);
  if (!parsed.ok) {
    const quarantineId = await deps.quarantine.put({
      source: 'correlator',
      reason: parsed.reason,
      payload: raw,
      receivedAt: deps.clock().toISOString(),
    });
    return { outcome: 'quarantined', reason: parsed.reason, quarantineId };
  }
  const signal = faultSignalOf(parsed.event);
  if (signal.kind === 'none') return { outcome: 'no-fault', reason: signal.reason };
  const mayRaise = signal.kind === 'boot' || signal.active;

  let republished = 0;
  for (let attempt = 1; ; attempt++) {
    const [stored, inventory] = await Promise.all([
      deps.faults.get(signal.host, signal.faultKey),
      mayRaise ? deps.inventory.hostInventory(signal.host) : Promise.resolve(NO_INVENTORY),
    ]);
    let current = stored;
    if (current && needsRepublish(current, deps.clock())) {
      republished += await publish(current, deps);
      current = { ...current, publishedSeq: current.transitionSeq };
    }
    const decision = decide(current, signal, inventory, { ...deps.settings, now: deps.clock().toISOString() });
    if (decision.kind === 'ignore') return { outcome: 'ignored', reason: decision.reason, republished };
    const record = decision.transition
      ? { ...decision.record, publishBy: invocation.deadline.toISOString() }
      : decision.record;
    try {
      await deps.faults.save(record, current?.version);
    } catch (error) {
      if (error instanceof ConcurrentUpdateError && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
    if (!decision.transition) return { outcome: 'recorded', republished };
    const notifications = await publish(record, deps);
    return { outcome: decision.transition, notifications, republished };
  }
}

async function publish(record: FaultRecord, deps: CorrelatorDeps): Promise<number> {
  const deliveries = deliveriesOf(record);
  try {
    await deps.notifier.publish(deliveries);
    const event = faultEventOf(record);
    if (event) await deps.faultEvents.emit(event);
  } catch (error) {
    // Let the retry of this or any later event take over at once.
    await deps.faults.markPublishFailed(record.host, record.faultKey, record.transitionSeq).catch(() => undefined);
    throw error;
  }
  await deps.faults.markPublished(record.host, record.faultKey, record.transitionSeq);
  return deliveries.length;
}
