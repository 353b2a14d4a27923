import { type EventType, type FaultyResourceType, type PerceivedSeverity } from './etsi-alarm';

/**
 * The fault catalogue, after OPNFV Doctor's requirements annex (fault table of the NFVI).
 *
 * Doctor's levels map to ETSI/X.733 severities by their X.733 meaning:
 * critical -> CRITICAL (service is lost), warning -> WARNING (a service-affecting fault
 * may follow), info -> MINOR (a fault that does not affect service yet, e.g. a disk lost
 * under RAID, that needs action before it becomes worse).
 *
 * `impact` tells the VIM adapter what the fault means for the instances on the host:
 * - host: the instances cannot run there (Doctor: force the compute service down, set them to error)
 * - nic: the data plane through one NIC is lost (Neutron port data_plane_status DOWN)
 * - degraded: the instances still run; nothing to do in the VIM
 * - predicted: the host is likely to fail soon; the instances still run. Per stage setting the
 *   VIM adapter disables the compute service so that nothing new is scheduled there.
 */
export const faultImpacts = ['host', 'nic', 'degraded', 'predicted'] as const;
export type FaultImpact = (typeof faultImpacts)[number];

export interface CatalogueEntry {
  faultType: FaultType;
  doctorLevel: 'critical' | 'warning' | 'info';
  perceivedSeverity: PerceivedSeverity;
  eventType: EventType;
  probableCause: string;
  faultyResourceType: FaultyResourceType;
  impact: FaultImpact;
}

export const faultTypes = [
  'compute.host.down',
  'compute.host.nic.error',
  'compute.host.cpu.error',
  'compute.host.memory.error',
  'compute.host.storage-controller.error',
  'compute.host.power.error',
  'compute.host.mainboard.error',
  'compute.host.os.crash',
  'compute.host.reboot',
  'compute.hypervisor.down',
  'compute.host.power.degraded',
  'compute.host.fan.error',
  'compute.host.thermal.error',
  'compute.hypervisor.status.unknown',
  'compute.host.bmc.error',
  'compute.host.disk.error',
  'compute.host.failure.predicted',
  'compute.host.fencing.failed',
] as const;

export type FaultType = (typeof faultTypes)[number];

type Entry = Omit<CatalogueEntry, 'faultType' | 'perceivedSeverity'>;

const critical = (e: Omit<Entry, 'doctorLevel'>): Entry => ({ ...e, doctorLevel: 'critical' });
const warning = (e: Omit<Entry, 'doctorLevel'>): Entry => ({ ...e, doctorLevel: 'warning' });
const info = (e: Omit<Entry, 'doctorLevel'>): Entry => ({ ...e, doctorLevel: 'info' });

const entries: Record<FaultType, Entry> = {
  'compute.host.down': critical({
    eventType: 'COMMUNICATIONS_ALARM',
    probableCause: 'Compute host unreachable (management network lost)',
    faultyResourceType: 'COMPUTE',
    impact: 'host',
  }),
  'compute.host.nic.error': critical({
    eventType: 'COMMUNICATIONS_ALARM',
    probableCause: 'NIC failure (link down)',
    faultyResourceType: 'NETWORK',
    impact: 'nic',
  }),
  'compute.host.cpu.error': critical({
    eventType: 'EQUIPMENT_ALARM',
    probableCause: 'CPU failure',
    faultyResourceType: 'COMPUTE',
    impact: 'host',
  }),
  'compute.host.memory.error': critical({
    eventType: 'EQUIPMENT_ALARM',
    probableCause: 'Memory failure',
    faultyResourceType: 'COMPUTE',
    impact: 'host',
  }),
  'compute.host.storage-controller.error': critical({
    eventType: 'EQUIPMENT_ALARM',
    probableCause: 'Storage controller failure',
    faultyResourceType: 'STORAGE',
    impact: 'host',
  }),
  'compute.host.power.error': critical({
    eventType: 'EQUIPMENT_ALARM',
    probableCause: 'Power supply (PSU/PDU) failure',
    faultyResourceType: 'COMPUTE',
    impact: 'host',
  }),
  'compute.host.mainboard.error': critical({
    eventType: 'EQUIPMENT_ALARM',
    probableCause: 'Mainboard failure',
    faultyResourceType: 'COMPUTE',
    impact: 'host',
  }),
  'compute.host.os.crash': critical({
    eventType: 'PROCESSING_ERROR_ALARM',
    probableCause: 'Host operating system crash',
    faultyResourceType: 'COMPUTE',
    impact: 'host',
  }),
  'compute.host.reboot': critical({
    eventType: 'PROCESSING_ERROR_ALARM',
    probableCause: 'Host system restarted',
    faultyResourceType: 'COMPUTE',
    impact: 'host',
  }),
  'compute.hypervisor.down': critical({
    eventType: 'PROCESSING_ERROR_ALARM',
    probableCause: 'Hypervisor down',
    faultyResourceType: 'COMPUTE',
    impact: 'host',
  }),
  'compute.host.power.degraded': warning({
    eventType: 'EQUIPMENT_ALARM',
    probableCause: 'Power degradation (redundancy lost)',
    faultyResourceType: 'COMPUTE',
    impact: 'degraded',
  }),
  'compute.host.fan.error': warning({
    eventType: 'ENVIRONMENTAL_ALARM',
    probableCause: 'Chassis fan failure',
    faultyResourceType: 'COMPUTE',
    impact: 'degraded',
  }),
  'compute.host.thermal.error': warning({
    eventType: 'ENVIRONMENTAL_ALARM',
    probableCause: 'Temperature out of range',
    faultyResourceType: 'COMPUTE',
    impact: 'degraded',
  }),
  'compute.hypervisor.status.unknown': warning({
    eventType: 'PROCESSING_ERROR_ALARM',
    probableCause: 'Hypervisor status not retrievable',
    faultyResourceType: 'COMPUTE',
    impact: 'degraded',
  }),
  'compute.host.bmc.error': warning({
    eventType: 'EQUIPMENT_ALARM',
    probableCause: 'Baseboard management controller failure',
    faultyResourceType: 'COMPUTE',
    impact: 'degraded',
  }),
  'compute.host.disk.error': info({
    eventType: 'EQUIPMENT_ALARM',
    probableCause: 'Disk failure (RAID degraded)',
    faultyResourceType: 'STORAGE',
    impact: 'degraded',
  }),
  // Avoidance: the probable cause and severity (WARNING or MAJOR) come from the prediction.
  'compute.host.failure.predicted': warning({
    eventType: 'EQUIPMENT_ALARM',
    probableCause: 'Host failure predicted',
    faultyResourceType: 'COMPUTE',
    impact: 'predicted',
  }),
  // For the administrator only: a dead host could not be powered off, so recovery that needs it waits.
  'compute.host.fencing.failed': critical({
    eventType: 'PROCESSING_ERROR_ALARM',
    probableCause: 'Fencing failed: the host could not be powered off through its BMC',
    faultyResourceType: 'COMPUTE',
    impact: 'degraded',
  }),
};

const severityOfLevel: Record<Entry['doctorLevel'], PerceivedSeverity> = {
  critical: 'CRITICAL',
  warning: 'WARNING',
  info: 'MINOR',
};

export function catalogueEntry(faultType: FaultType): CatalogueEntry {
  const entry = entries[faultType];
  return { ...entry, faultType, perceivedSeverity: severityOfLevel[entry.doctorLevel] };
}

const lessSevere: Partial<Record<PerceivedSeverity, PerceivedSeverity>> = {
  CRITICAL: 'MAJOR',
  MAJOR: 'MINOR',
  MINOR: 'WARNING',
};

/** One step less severe, never below WARNING: a sensor's warning state of a critical-class fault. */
export function downgraded(severity: PerceivedSeverity): PerceivedSeverity {
  return lessSevere[severity] ?? severity;
}
