import { type PerceivedSeverity } from '../contracts/etsi-alarm';
import { catalogueEntry, downgraded, type CatalogueEntry, type FaultType } from '../contracts/fault-catalogue';
import type { CollectorEvent, FaultReportDetail, HardwareComponent, Observation } from '../contracts/southbound';

/** One observer's latest word on whether it reaches a host. */
export interface PeerVote {
  host: string;
  observer: string;
  reachable: boolean;
  lossPct: number;
  rttMs: number | null;
  observation: Observation;
}

/**
 * What one collector event says about one fault of one host.
 * - condition: a fault that is present (active) or gone (not active)
 * - boot: the host's boot id, from which a restart is recognised
 * - vote: an observer's view of a peer; host-down needs a quorum of them (./peer-quorum.ts)
 * - fenced: the fencer powered off a dead host (lib/fencing)
 * A condition is `ordered` unless it is derived from several observers' votes: then it is
 * not one collector's sequence that orders it, and it is re-evaluated from all votes.
 */
export type FaultSignal =
  | {
      kind: 'condition';
      host: string;
      faultKey: string;
      active: boolean;
      fault: CatalogueEntry;
      faultDetails: string[];
      observation: Observation;
      ordered?: false;
      /** A fault of nfvi-doctor's own machinery (a failed fencing): told to the administrator only. */
      adminOnly?: true;
      /** Reported by a monitor that does not damp its flapping (Doctor, Vitrage, Alertmanager): damped here. */
      damp?: true;
    }
  | { kind: 'boot'; host: string; faultKey: string; bootId: string; uptimeS: number; observation: Observation }
  | { kind: 'vote'; vote: PeerVote }
  /** The host of an active host-down alarm was fenced: its alarm says so from now on. */
  | { kind: 'fenced'; host: string; faultKey: string; hostAlarmId: string; detail: string; observation: Observation }
  /** The correlator's sweeper looks at a fault again: a held clear may be due (./flap-damping.ts). */
  | { kind: 'settle'; host: string; faultKey: string; observation: Observation };

const hardwareFaults: Record<HardwareComponent, { critical: FaultType; warning: FaultType }> = {
  cpu: { critical: 'compute.host.cpu.error', warning: 'compute.host.cpu.error' },
  memory: { critical: 'compute.host.memory.error', warning: 'compute.host.memory.error' },
  psu: { critical: 'compute.host.power.error', warning: 'compute.host.power.degraded' },
  fan: { critical: 'compute.host.fan.error', warning: 'compute.host.fan.error' },
  thermal: { critical: 'compute.host.thermal.error', warning: 'compute.host.thermal.error' },
  disk: { critical: 'compute.host.disk.error', warning: 'compute.host.disk.error' },
  'storage-controller': {
    critical: 'compute.host.storage-controller.error',
    warning: 'compute.host.storage-controller.error',
  },
  mainboard: { critical: 'compute.host.mainboard.error', warning: 'compute.host.mainboard.error' },
  bmc: { critical: 'compute.host.bmc.error', warning: 'compute.host.bmc.error' },
};

const observationOf = ({ collectorId, seq, observedAt }: Observation): Observation => ({
  collectorId,
  seq,
  observedAt,
});

const condition = (
  detail: CollectorEvent['detail'],
  faultKey: string,
  active: boolean,
  fault: CatalogueEntry,
  faultDetails: string[],
): Extract<FaultSignal, { kind: 'condition' }> => ({
  kind: 'condition',
  host: detail.host,
  faultKey,
  active,
  fault,
  faultDetails,
  observation: observationOf(detail),
});

function withSeverity(entry: CatalogueEntry, perceivedSeverity: PerceivedSeverity): CatalogueEntry {
  return { ...entry, perceivedSeverity };
}

/** A monitor's report is a fault of its own: each monitor raises and clears its reports, apart from the collectors'. */
export const reportFaultKey = (d: Pick<FaultReportDetail, 'collectorId' | 'faultType'>) =>
  `report:${d.collectorId}:${d.faultType}`;

/** Maps a validated collector event through the fault catalogue. */
export function faultSignalOf(event: CollectorEvent): FaultSignal {
  switch (event['detail-type']) {
    case 'link.state': {
      const d = event.detail;
      // The management link carries the host's control plane: losing it is losing the host.
      const fault = catalogueEntry(d.role === 'management' ? 'compute.host.down' : 'compute.host.nic.error');
      const role = d.role ? ` (${d.role})` : '';
      return condition(d, `link:${d.interface}`, d.state === 'down', fault, [
        `interface ${d.interface}${role} ${d.state}, carrier ${d.carrier ? 'present' : 'lost'}`,
      ]);
    }
    case 'hypervisor.state': {
      const d = event.detail;
      return condition(d, `hypervisor:${d.process}`, d.state === 'down', catalogueEntry('compute.hypervisor.down'), [
        `${d.process} ${d.state}`,
      ]);
    }
    case 'hardware.event': {
      const d = event.detail;
      const types = hardwareFaults[d.component];
      const faultType = d.state === 'warning' ? types.warning : types.critical;
      const entry = catalogueEntry(faultType);
      const sameClass = types.warning === types.critical;
      const severity =
        d.state === 'warning' && sameClass ? downgraded(entry.perceivedSeverity) : entry.perceivedSeverity;
      const sensor = d.sensor ? ` sensor ${d.sensor}` : '';
      const reading = d.reading !== undefined ? ` reading ${d.reading}` : '';
      const details = [`${d.component}${sensor} ${d.state}${reading}`, d.message].filter((line) => line.length > 0);
      return condition(
        d,
        `hardware:${d.component}:${d.sensor ?? '*'}`,
        d.state !== 'ok',
        withSeverity(entry, severity),
        details,
      );
    }
    case 'fault.report': {
      const d = event.detail;
      return { ...condition(d, reportFaultKey(d), d.active, catalogueEntry(d.faultType), [d.message]), damp: true };
    }
    case 'failure.prediction': {
      const d = event.detail;
      const entry = catalogueEntry('compute.host.failure.predicted');
      const fault: CatalogueEntry = {
        ...entry,
        perceivedSeverity: d.severity,
        probableCause: d.probableCause,
        eventType: d.indicator === 'thermal' ? 'ENVIRONMENTAL_ALARM' : entry.eventType,
        faultyResourceType: d.indicator === 'disk' ? 'STORAGE' : entry.faultyResourceType,
      };
      return condition(d, `prediction:${d.indicator}:${d.subject}`, d.predicted, fault, [
        `${d.indicator} ${d.subject}: ${d.probableCause}`,
        ...d.evidence,
      ]);
    }
    case 'host.heartbeat': {
      const d = event.detail;
      return {
        kind: 'boot',
        host: d.host,
        faultKey: 'boot',
        bootId: d.bootId,
        uptimeS: d.uptimeS,
        observation: observationOf(d),
      };
    }
    case 'peer.reachability': {
      const d = event.detail;
      return {
        kind: 'vote',
        vote: {
          host: d.peer,
          observer: d.host,
          reachable: d.reachable,
          lossPct: d.lossPct,
          rttMs: d.rttMs,
          observation: observationOf(d),
        },
      };
    }
  }
}
