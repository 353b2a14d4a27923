import { parse as uuidParse, v5 as uuidv5 } from 'uuid';
import type { Alarm } from '../contracts/etsi-alarm';
import type { CatalogueEntry } from '../contracts/fault-catalogue';
import { catalogueEntry, type FaultType } from '../contracts/fault-catalogue';
import { type InventoryInstance } from '../contracts/inventory';
import type { Observation } from '../contracts/southbound';
import { type HostInventory } from '../inventory/inventory';
import type { FaultRecord, Transition } from './fault-record';
import type { FaultSignal } from './fault-signal';
import { FENCING_DETAIL_PREFIX } from './fencing-signals';
import { flapAfter, flapAt, releasedAt, type FlapDamping } from './flap-damping';

/**
 * Alarm ids are derived, not random, so that a retried decision yields the same alarms. The
 * namespace is parsed once: v5 would parse a string again for every id (the correlator's hot path).
 */
const ALARM_ID_NAMESPACE = uuidParse('08a3861d-1f45-4081-9c9f-f50d4daf34ac');

export interface AlarmContext {
  now: string;
  vimConnectionId: string;
  adminProjectId: string;
  /** A fresh random id, given to a record this decision creates (its alarms' ids derive from it). */
  epoch: string;
  damping: FlapDamping;
}

export type IgnoreReason = 'duplicate' | 'stale' | 'unchanged';

export type Decision =
  | { kind: 'ignore'; reason: IgnoreReason }
  /** Store the record; with a transition, its notifications must be published. */
  | { kind: 'store'; record: FaultRecord; transition?: Transition };

export type ActionableSignal = Exclude<FaultSignal, { kind: 'vote' }>;

/**
 * Where a new observation stands against the last one applied to the fault. One collector's are
 * ordered by its seq; another collector's by time, where the last one counts as no later than
 * when it was applied, so that a collector whose clock runs ahead never holds a fault against
 * the others.
 */
export function orderOf(last: FaultRecord['lastObservation'] | undefined, next: Observation): 'new' | IgnoreReason {
  if (!last) return 'new';
  if (last.collectorId === next.collectorId) {
    if (next.seq === last.seq) return 'duplicate';
    return next.seq < last.seq ? 'stale' : 'new';
  }
  const lastAt = Math.min(Date.parse(last.observedAt), Date.parse(last.appliedAt ?? last.observedAt));
  return Date.parse(next.observedAt) < lastAt ? 'stale' : 'new';
}

/**
 * The alarm lifecycle: given the fault's current record, one signal and the host's
 * inventory, decide what changes. Raise on a new fault, update an active alarm whose
 * severity or type changed, clear when the fault ends; ignore duplicates and anything
 * older than the state it would change.
 */
export function decide(
  current: FaultRecord | undefined,
  signal: ActionableSignal,
  inventory: HostInventory,
  ctx: AlarmContext,
): Decision {
  if (signal.kind === 'fenced') return decideFenced(current, signal, ctx);
  if (signal.kind === 'settle') return decideSettle(current, ctx);
  const ordered = signal.kind === 'boot' || signal.ordered !== false;
  const order = ordered ? orderOf(current?.lastObservation, signal.observation) : 'new';
  if (order !== 'new') return { kind: 'ignore', reason: order };
  return signal.kind === 'boot'
    ? decideBoot(current, signal, inventory, ctx)
    : decideCondition(current, signal, inventory, ctx);
}

/**
 * The alarm of a fenced host is updated once to say so, in place of its fencing line. A fencing
 * of an earlier death (another host alarm) or of an alarm cleared meanwhile changes nothing.
 */
function decideFenced(
  current: FaultRecord | undefined,
  signal: Extract<ActionableSignal, { kind: 'fenced' }>,
  ctx: AlarmContext,
): Decision {
  const alarm = current?.hostAlarm;
  if (!current || current.status !== 'ACTIVE' || alarm?.id !== signal.hostAlarmId)
    return { kind: 'ignore', reason: 'stale' };
  if (alarm.faultDetails.includes(signal.detail)) return { kind: 'ignore', reason: 'duplicate' };
  const fault = { ...catalogueEntry(alarm.faultType as FaultType), perceivedSeverity: alarm.perceivedSeverity };
  const faultDetails = [...alarm.faultDetails.filter((line) => !line.startsWith(FENCING_DETAIL_PREFIX)), signal.detail];
  const condition = {
    kind: 'condition' as const,
    host: current.host,
    faultKey: current.faultKey,
    active: true,
    fault,
    faultDetails,
    // The fencing changes what the alarm says, not which observation it stands on.
    observation: current.lastObservation,
  };
  const decision = update(current, condition, { known: true, instances: [] }, ctx);
  if (decision.kind === 'store') decision.record.fencedSeq = decision.record.transitionSeq;
  return decision;
}

/**
 * A reported condition, damped when it flaps (./flap-damping.ts) if its monitor does not damp
 * itself: a flapping fault stays raised, and its clear is held until it has been stable long
 * enough (the sweeper applies it then). Collectors damp their links before they report.
 */
function decideCondition(
  current: FaultRecord | undefined,
  signal: Extract<ActionableSignal, { kind: 'condition' }>,
  inventory: HostInventory,
  ctx: AlarmContext,
): Decision {
  const flap = signal.damp ? flapAfter(current?.flap, signal.active, ctx.now, ctx.damping) : undefined;
  const held = flap?.holding === true && !signal.active && current?.status === 'ACTIVE';
  const decision = held ? observe(current, signal, ctx) : decideState(current, signal, inventory, ctx);
  if (!flap || decision.kind !== 'store') return decision;
  const dueAt = flap.holding ? releasedAt(flap, ctx.damping) : decision.record.dueAt;
  return { ...decision, record: { ...decision.record, flap, dueAt } };
}

/** The sweeper's look at a fault: a clear held while it flapped is applied once it has been stable long enough. */
function decideSettle(current: FaultRecord | undefined, ctx: AlarmContext): Decision {
  if (!current) return { kind: 'ignore', reason: 'unchanged' };
  // Nothing held: the look was for a publication, done by now; the record needs no more looks.
  if (!current.flap?.holding) {
    return current.dueAt === undefined
      ? { kind: 'ignore', reason: 'unchanged' }
      : { kind: 'store', record: { ...current, version: current.version + 1, dueAt: undefined } };
  }
  const flap = flapAt(current.flap, ctx.now, ctx.damping);
  if (flap.holding)
    return {
      kind: 'store',
      record: { ...current, version: current.version + 1, flap, dueAt: releasedAt(flap, ctx.damping) },
    };
  const released = { ...current, flap, dueAt: undefined };
  if (!flap.observedActive && current.status === 'ACTIVE') {
    return clear(
      released,
      { kind: 'settle', host: current.host, faultKey: current.faultKey, observation: current.lastObservation },
      ctx,
    );
  }
  return { kind: 'store', record: { ...released, version: current.version + 1 } };
}

function decideState(
  current: FaultRecord | undefined,
  signal: Extract<ActionableSignal, { kind: 'condition' }>,
  inventory: HostInventory,
  ctx: AlarmContext,
): Decision {
  const active = current?.status === 'ACTIVE';
  if (signal.active && !active) return raise(current, signal, signal.fault, signal.faultDetails, inventory, ctx);
  if (signal.active && current && active) {
    const alarm = current.hostAlarm;
    const changed =
      alarm?.perceivedSeverity !== signal.fault.perceivedSeverity || alarm?.faultType !== signal.fault.faultType;
    if (changed) return update(current, signal, inventory, ctx);
    return signal.ordered === false ? { kind: 'ignore', reason: 'unchanged' } : observe(current, signal, ctx);
  }
  if (!signal.active && current && active) return clear(current, signal, ctx);
  // A derived condition is re-evaluated on every vote: only its transitions are worth a write.
  if (signal.ordered === false) return { kind: 'ignore', reason: 'unchanged' };
  return observe(current, signal, ctx);
}

function decideBoot(
  current: FaultRecord | undefined,
  signal: Extract<ActionableSignal, { kind: 'boot' }>,
  inventory: HostInventory,
  ctx: AlarmContext,
): Decision {
  // First sight of the host: remember its boot id, nothing to report.
  if (!current?.bootId) return observe(current, signal, ctx, { bootId: signal.bootId });
  const rebooted = current.bootId !== signal.bootId;
  if (rebooted && current.status === 'CLEARED') {
    const details = [`boot id changed from ${current.bootId} to ${signal.bootId}, up ${signal.uptimeS} s`];
    return raise(current, signal, catalogueEntry('compute.host.reboot'), details, inventory, ctx, {
      bootId: signal.bootId,
    });
  }
  if (rebooted) return observe(current, signal, ctx, { bootId: signal.bootId });
  // The host reports again from the same boot: it is back and stable.
  if (current.status === 'ACTIVE') return clear(current, signal, ctx);
  return { kind: 'ignore', reason: 'unchanged' };
}

const observe = (
  current: FaultRecord | undefined,
  signal: Exclude<ActionableSignal, { kind: 'settle' }>,
  ctx: AlarmContext,
  extra: Partial<FaultRecord> = {},
): Decision => ({
  kind: 'store',
  record: {
    ...(current ?? emptyRecord(signal, ctx)),
    ...extra,
    version: (current?.version ?? 0) + 1,
    lastObservation: applied(signal.observation, ctx),
  },
});

/** An observation as the correlator applies it, with its own time beside the collector's. */
const applied = (observation: Observation, ctx: AlarmContext): FaultRecord['lastObservation'] => ({
  collectorId: observation.collectorId,
  seq: observation.seq,
  observedAt: observation.observedAt,
  appliedAt: ctx.now,
});

const emptyRecord = (signal: Exclude<ActionableSignal, { kind: 'settle' }>, ctx: AlarmContext): FaultRecord => ({
  host: signal.host,
  faultKey: signal.faultKey,
  epoch: ctx.epoch,
  status: 'CLEARED',
  version: 0,
  transitionSeq: 0,
  publishedSeq: 0,
  raisedSeq: 0,
  lastObservation: signal.observation,
  instanceAlarms: [],
});

const alarmIdOf = (
  record: Pick<FaultRecord, 'host' | 'faultKey' | 'epoch'>,
  raisedSeq: number,
  managedObjectId: string,
) =>
  uuidv5(
    [record.host, record.faultKey, ...(record.epoch ? [record.epoch] : []), raisedSeq, managedObjectId].join('|'),
    ALARM_ID_NAMESPACE,
  );

function alarmFields(fault: CatalogueEntry, faultDetails: string[]) {
  return {
    perceivedSeverity: fault.perceivedSeverity,
    eventType: fault.eventType,
    faultType: fault.faultType,
    probableCause: fault.probableCause,
    faultDetails,
  };
}

function instanceAlarm(
  host: string,
  instance: InventoryInstance,
  id: string,
  hostAlarmId: string,
  fault: CatalogueEntry,
  faultDetails: string[],
  eventTime: string,
  ctx: AlarmContext,
): Alarm {
  return {
    id,
    managedObjectId: instance.id,
    tenantId: instance.tenantId,
    rootCauseFaultyResource: {
      faultyResource: { vimConnectionId: ctx.vimConnectionId, resourceId: host },
      faultyResourceType: fault.faultyResourceType,
    },
    alarmRaisedTime: ctx.now,
    ackState: 'UNACKNOWLEDGED',
    eventTime,
    isRootCause: false,
    correlatedAlarmIds: [hostAlarmId],
    ...alarmFields(fault, [`instance ${instance.name || instance.id} on host ${host}`, ...faultDetails]),
  };
}

/** Instance alarms for the instances that have none yet. */
function newInstanceAlarms(
  record: Pick<FaultRecord, 'host' | 'faultKey' | 'epoch' | 'raisedSeq' | 'instanceAlarms'>,
  hostAlarmId: string,
  inventory: HostInventory,
  fault: CatalogueEntry,
  faultDetails: string[],
  eventTime: string,
  ctx: AlarmContext,
): Alarm[] {
  const alarmed = new Set(record.instanceAlarms.map((a) => a.managedObjectId));
  return inventory.instances
    .filter((instance) => !alarmed.has(instance.id))
    .map((instance) =>
      instanceAlarm(
        record.host,
        instance,
        alarmIdOf(record, record.raisedSeq, instance.id),
        hostAlarmId,
        fault,
        faultDetails,
        eventTime,
        ctx,
      ),
    );
}

function hostDetails(faultDetails: string[], inventory: HostInventory): string[] {
  return inventory.known ? faultDetails : [...faultDetails, 'host is not in the inventory: no tenant notified'];
}

function raise(
  current: FaultRecord | undefined,
  signal: Exclude<ActionableSignal, { kind: 'settle' }>,
  fault: CatalogueEntry,
  faultDetails: string[],
  inventory: HostInventory,
  ctx: AlarmContext,
  extra: Partial<FaultRecord> = {},
): Decision {
  const base = current ?? emptyRecord(signal, ctx);
  const transitionSeq = base.transitionSeq + 1;
  const raisedSeq = transitionSeq;
  const eventTime = signal.observation.observedAt;
  const hostAlarmId = alarmIdOf(base, raisedSeq, signal.host);
  const instanceAlarms = newInstanceAlarms(
    { host: signal.host, faultKey: signal.faultKey, epoch: base.epoch, raisedSeq, instanceAlarms: [] },
    hostAlarmId,
    inventory,
    fault,
    faultDetails,
    eventTime,
    ctx,
  );
  const hostAlarm: Alarm = {
    id: hostAlarmId,
    managedObjectId: signal.host,
    tenantId: ctx.adminProjectId,
    rootCauseFaultyResource: {
      faultyResource: { vimConnectionId: ctx.vimConnectionId, resourceId: signal.host },
      faultyResourceType: fault.faultyResourceType,
    },
    alarmRaisedTime: ctx.now,
    ackState: 'UNACKNOWLEDGED',
    eventTime,
    isRootCause: true,
    correlatedAlarmIds: instanceAlarms.map((a) => a.id),
    ...alarmFields(fault, hostDetails(faultDetails, inventory)),
  };
  return {
    kind: 'store',
    transition: 'RAISED',
    record: {
      ...base,
      ...extra,
      status: 'ACTIVE',
      version: base.version + 1,
      transitionSeq,
      raisedSeq,
      lastTransition: 'RAISED',
      transitionAt: ctx.now,
      lastObservation: applied(signal.observation, ctx),
      impact: fault.impact,
      hostAlarm,
      instanceAlarms,
    },
  };
}

function update(
  current: FaultRecord,
  signal: Extract<ActionableSignal, { kind: 'condition' }>,
  inventory: HostInventory,
  ctx: AlarmContext,
): Decision {
  const { fault, faultDetails } = signal;
  const changed = (alarm: Alarm, details: string[]): Alarm => ({
    ...alarm,
    ...alarmFields(fault, details),
    rootCauseFaultyResource: { ...alarm.rootCauseFaultyResource, faultyResourceType: fault.faultyResourceType },
    alarmChangedTime: ctx.now,
  });
  const hostAlarm = current.hostAlarm as Alarm;
  const existing = current.instanceAlarms.map((a) => changed(a, [a.faultDetails[0] ?? '', ...faultDetails]));
  const added = newInstanceAlarms(
    current,
    hostAlarm.id,
    inventory,
    fault,
    faultDetails,
    signal.observation.observedAt,
    ctx,
  );
  const instanceAlarms = [...existing, ...added];
  return {
    kind: 'store',
    transition: 'UPDATED',
    record: {
      ...current,
      version: current.version + 1,
      transitionSeq: current.transitionSeq + 1,
      lastTransition: 'UPDATED',
      transitionAt: ctx.now,
      lastObservation: applied(signal.observation, ctx),
      impact: fault.impact,
      hostAlarm: {
        ...changed(hostAlarm, hostDetails(faultDetails, inventory)),
        correlatedAlarmIds: instanceAlarms.map((a) => a.id),
      },
      instanceAlarms,
    },
  };
}

function clear(current: FaultRecord, signal: ActionableSignal, ctx: AlarmContext): Decision {
  const cleared = (alarm: Alarm): Alarm => ({ ...alarm, perceivedSeverity: 'CLEARED', alarmClearedTime: ctx.now });
  return {
    kind: 'store',
    transition: 'CLEARED',
    record: {
      ...current,
      status: 'CLEARED',
      version: current.version + 1,
      transitionSeq: current.transitionSeq + 1,
      lastTransition: 'CLEARED',
      transitionAt: ctx.now,
      lastObservation: applied(signal.observation, ctx),
      hostAlarm: current.hostAlarm && cleared(current.hostAlarm),
      instanceAlarms: current.instanceAlarms.map(cleared),
    },
  };
}
