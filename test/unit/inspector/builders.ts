/** Builders shared by the unit tests: collector events, signals, inventories and replayed alarm histories. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCollectorEvent, type CollectorEvent } from '../../../lib/contracts/southbound';
import {
  decide,
  type ActionableSignal,
  type AlarmContext,
  type Decision,
} from '../../../lib/inspector/alarm-lifecycle';
import type { FaultRecord } from '../../../lib/inspector/fault-record';
import { faultSignalOf, type FaultSignal } from '../../../lib/inspector/fault-signal';
import { FLAP_DAMPING } from '../../../lib/inspector/flap-damping';
import { type HostInventory } from '../../../lib/inventory/inventory';

import { COLLECTOR_SOURCE } from '../../../lib/contracts/bus-events';
import { type InventoryInstance } from '../../../lib/contracts/inventory';
// ---- fixtures --------------------------------------------------------------------------

const FIXTURES = join(__dirname, '../../fixtures/collector');

export const fixtureNames: string[] = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .sort();

/** A real EventBridge event as a collector puts it on the bus. */
export function fixture(
  name: string,
): { 'detail-type': string; detail: Record<string, unknown> } & Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

/** A fixture validated against the southbound contract; fails the test if it is not valid. */
export function fixtureEvent(name: string): CollectorEvent {
  const parsed = parseCollectorEvent(fixture(name));
  if (!parsed.ok) throw new Error(`fixture ${name} is invalid: ${parsed.reason}`);
  return parsed.event;
}

// ---- collector events ------------------------------------------------------------------

export const HOST = 'compute-1';
export const COLLECTOR = 'collector-compute-1';
const EPOCH = Date.parse('2026-11-25T10:00:00.000Z');

/** The ISO time (with ms) of the n-th second after the tests' epoch. */
export const secondsAfterEpoch = (n: number): string => new Date(EPOCH + n * 1000).toISOString();

export type DetailType = CollectorEvent['detail-type'];
export type EventOf<K extends DetailType> = Extract<CollectorEvent, { 'detail-type': K }>;
export type DetailOf<K extends DetailType> = EventOf<K>['detail'];
type Payload<K extends DetailType> = Omit<DetailOf<K>, 'host' | 'collectorId' | 'seq' | 'observedAt'>;

const payloads: { [K in DetailType]: Payload<K> } = {
  'link.state': { interface: 'eno1', state: 'down', carrier: false, role: 'management' },
  'host.heartbeat': { uptimeS: 120, bootId: 'boot-1' },
  'peer.reachability': { peer: 'compute-2', reachable: false, lossPct: 100, rttMs: null },
  'hardware.event': { component: 'psu', sensor: 'PS2 Status', state: 'critical', message: 'PS2 failure detected' },
  'hypervisor.state': { process: 'libvirtd', state: 'down' },
  'fault.report': { faultType: 'compute.host.down', active: true, origin: 'doctor', message: 'monitor_sample: down' },
  'failure.prediction': {
    indicator: 'disk',
    subject: '/dev/sda',
    predicted: true,
    severity: 'MAJOR',
    probableCause: 'Disk failure predicted: reallocated sectors growing',
    evidence: ['reallocated sectors 8 -> 24 in 3600 s'],
  },
};

/**
 * A valid collector event of host compute-1; `seq` defaults to 1 and `observedAt` to `seq`
 * seconds after the epoch, so that a later seq is also a later observation.
 */
export function collectorEvent<K extends DetailType>(detailType: K, detail: Partial<DetailOf<K>> = {}): EventOf<K> {
  const seq = detail.seq ?? 1;
  const observation = { host: HOST, collectorId: COLLECTOR, seq, observedAt: secondsAfterEpoch(seq) };
  const fields = { ...observation, ...payloads[detailType], ...detail };
  return { source: COLLECTOR_SOURCE, 'detail-type': detailType, detail: fields } as unknown as EventOf<K>;
}

/** The event with some detail fields replaced, valid or not. */
export function withDetail(event: { detail: object }, changes: Record<string, unknown>): unknown {
  return { ...event, detail: { ...event.detail, ...changes } };
}

export const linkDown = (seq = 1, more: Partial<DetailOf<'link.state'>> = {}) =>
  collectorEvent('link.state', { seq, state: 'down', carrier: false, ...more });
export const linkUp = (seq = 2, more: Partial<DetailOf<'link.state'>> = {}) =>
  collectorEvent('link.state', { seq, state: 'up', carrier: true, ...more });
/** Observer `observer` says whether it reaches `peer` (host compute-1's collector by default). */
export const peerReport = (observer: string, peer: string, reachable: boolean, seq: number, observedAt?: string) =>
  collectorEvent('peer.reachability', {
    host: observer,
    collectorId: `collector-${observer}`,
    peer,
    reachable,
    lossPct: reachable ? 0 : 100,
    rttMs: reachable ? 0.4 : null,
    seq,
    ...(observedAt ? { observedAt } : {}),
  });
export const hardware = (
  component: DetailOf<'hardware.event'>['component'],
  state: DetailOf<'hardware.event'>['state'],
  seq = 1,
  more: Partial<DetailOf<'hardware.event'>> = {},
) => collectorEvent('hardware.event', { component, state, seq, ...more });
export const heartbeat = (bootId: string, seq: number) => collectorEvent('host.heartbeat', { bootId, seq });

// ---- signals -----------------------------------------------------------------------------

export type ConditionSignal = Extract<FaultSignal, { kind: 'condition' }>;

export function actionableSignal(event: CollectorEvent): ActionableSignal {
  const signal = faultSignalOf(event);
  if (signal.kind === 'vote') throw new Error('a peer vote is no fault signal on its own');
  return signal;
}

export function conditionSignal(event: CollectorEvent): ConditionSignal {
  const signal = faultSignalOf(event);
  if (signal.kind !== 'condition') throw new Error(`expected a condition signal, got ${signal.kind}`);
  return signal;
}

// ---- inventory and alarm context ----------------------------------------------------------

export const ADMIN_PROJECT = 'admin-project';
export const VIM = 'vim-regionone';

export const vmA1: InventoryInstance = { id: 'vm-a1', name: 'mme-active', tenantId: 'tenant-a' };
export const vmA2: InventoryInstance = { id: 'vm-a2', name: 'sgw-active', tenantId: 'tenant-a' };
export const vmB1: InventoryInstance = { id: 'vm-b1', name: '', tenantId: 'tenant-b' };

export const inventoryOf = (...instances: InventoryInstance[]): HostInventory => ({ known: true, instances });
export const unknownHost: HostInventory = { known: false, instances: [] };
export const twoTenants = inventoryOf(vmA1, vmA2, vmB1);

/** The correlator's clock reads 50 ms after the observation it handles. */
export const nowFor = (event: CollectorEvent): string =>
  new Date(Date.parse(event.detail.observedAt) + 50).toISOString();

export const contextFor = (event: CollectorEvent): AlarmContext => ({
  now: nowFor(event),
  vimConnectionId: VIM,
  adminProjectId: ADMIN_PROJECT,
  epoch: 'epoch-1',
  damping: FLAP_DAMPING,
});

// ---- alarm histories -------------------------------------------------------------------

export interface History {
  record: FaultRecord | undefined;
  decisions: Decision[];
  last: Decision;
}

/** Applies the events in order to one fault, storing each decision's record as the correlator does. */
export function replay(events: CollectorEvent[], inventory: HostInventory = twoTenants, from?: FaultRecord): History {
  let record = from;
  const decisions = events.map((event) => {
    const decision = decide(record, actionableSignal(event), inventory, contextFor(event));
    if (decision.kind === 'store') record = decision.record;
    return decision;
  });
  const last = decisions.at(-1);
  if (!last) throw new Error('replay needs at least one event');
  return { record, decisions, last };
}

/** The record a history ended with; fails the test if nothing was stored. */
export function recordOf(history: History): FaultRecord {
  if (!history.record) throw new Error('no record was stored');
  return history.record;
}

/** The record stored by a decision; fails the test if the decision ignored the event. */
export function storedBy(decision: Decision): FaultRecord {
  if (decision.kind !== 'store') throw new Error(`expected a store decision, got ignore (${decision.reason})`);
  return decision.record;
}

/** The host alarm of a record; fails the test if it has none. */
export function hostAlarmOf(record: FaultRecord) {
  if (!record.hostAlarm) throw new Error('the record has no host alarm');
  return record.hostAlarm;
}
