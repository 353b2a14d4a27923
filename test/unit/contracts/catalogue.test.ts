import {
  eventType,
  faultyResourceType,
  perceivedSeverity,
  type PerceivedSeverity,
} from '../../../lib/contracts/etsi-alarm';
import {
  catalogueEntry,
  downgraded,
  faultTypes,
  type CatalogueEntry,
  type FaultType,
} from '../../../lib/contracts/fault-catalogue';

type DoctorLevel = CatalogueEntry['doctorLevel'];

/**
 * Doctor's requirements annex: the level of each fault (the BMC, a predicted failure and a failed
 * fencing, not in the annex, are a warning, a warning and critical here).
 */
const doctorLevelOf: Record<FaultType, DoctorLevel> = {
  'compute.host.down': 'critical',
  'compute.host.nic.error': 'critical',
  'compute.host.cpu.error': 'critical',
  'compute.host.memory.error': 'critical',
  'compute.host.storage-controller.error': 'critical',
  'compute.host.power.error': 'critical',
  'compute.host.mainboard.error': 'critical',
  'compute.host.os.crash': 'critical',
  'compute.host.reboot': 'critical',
  'compute.hypervisor.down': 'critical',
  'compute.host.power.degraded': 'warning',
  'compute.host.fan.error': 'warning',
  'compute.host.thermal.error': 'warning',
  'compute.hypervisor.status.unknown': 'warning',
  'compute.host.bmc.error': 'warning',
  'compute.host.disk.error': 'info',
  'compute.host.failure.predicted': 'warning',
  'compute.host.fencing.failed': 'critical',
};

const levelCases = Object.entries(doctorLevelOf) as [FaultType, DoctorLevel][];
const ofLevel = (...levels: DoctorLevel[]) => levelCases.filter(([, l]) => levels.includes(l)).map(([type]) => type);

describe('Fault catalogue', () => {
  it.each([...faultTypes])('has a complete ETSI entry for %s', (faultType) => {
    // Act
    const entry = catalogueEntry(faultType);

    // Assess
    expect(entry.faultType).toBe(faultType);
    expect(perceivedSeverity.safeParse(entry.perceivedSeverity).success).toBe(true);
    expect(eventType.safeParse(entry.eventType).success).toBe(true);
    expect(faultyResourceType.safeParse(entry.faultyResourceType).success).toBe(true);
    expect(entry.probableCause).not.toHaveLength(0);
  });

  it.each(levelCases)('gives %s the Doctor level %s', (faultType, level) => {
    expect(catalogueEntry(faultType).doctorLevel).toBe(level);
  });

  it.each<[DoctorLevel, PerceivedSeverity]>([
    ['critical', 'CRITICAL'],
    ['warning', 'WARNING'],
    ['info', 'MINOR'],
  ])('maps the Doctor level %s to the perceived severity %s', (level, severity) => {
    // Act
    const severities = new Set(ofLevel(level).map((type) => catalogueEntry(type).perceivedSeverity));

    // Assess
    expect([...severities]).toEqual([severity]);
  });

  it('maps a management link down to compute.host.down, CRITICAL, COMMUNICATIONS_ALARM', () => {
    expect(catalogueEntry('compute.host.down')).toMatchObject({
      perceivedSeverity: 'CRITICAL',
      eventType: 'COMMUNICATIONS_ALARM',
      faultyResourceType: 'COMPUTE',
      impact: 'host',
    });
  });

  it.each<[FaultType, string, string]>([
    ['compute.host.nic.error', 'COMMUNICATIONS_ALARM', 'NETWORK'],
    ['compute.host.fan.error', 'ENVIRONMENTAL_ALARM', 'COMPUTE'],
    ['compute.host.thermal.error', 'ENVIRONMENTAL_ALARM', 'COMPUTE'],
    ['compute.host.cpu.error', 'EQUIPMENT_ALARM', 'COMPUTE'],
    ['compute.host.memory.error', 'EQUIPMENT_ALARM', 'COMPUTE'],
    ['compute.host.power.error', 'EQUIPMENT_ALARM', 'COMPUTE'],
    ['compute.host.storage-controller.error', 'EQUIPMENT_ALARM', 'STORAGE'],
    ['compute.host.disk.error', 'EQUIPMENT_ALARM', 'STORAGE'],
    ['compute.hypervisor.down', 'PROCESSING_ERROR_ALARM', 'COMPUTE'],
    ['compute.host.os.crash', 'PROCESSING_ERROR_ALARM', 'COMPUTE'],
  ])('reports %s as an %s of a %s resource', (faultType, eventType, faultyResourceType) => {
    expect(catalogueEntry(faultType)).toMatchObject({ eventType, faultyResourceType });
  });

  it('tells the VIM that the instances cannot run on the host for every critical fault but a NIC failure and a failed fencing', () => {
    // Prepare
    const hostClass = ofLevel('critical').filter(
      (type) => type !== 'compute.host.nic.error' && type !== 'compute.host.fencing.failed',
    );

    // Act
    const impacts = new Set(hostClass.map((type) => catalogueEntry(type).impact));

    // Assess
    expect([...impacts]).toEqual(['host']);
    expect(catalogueEntry('compute.host.nic.error').impact).toBe('nic');
  });

  it('leaves the instances running for warning and info faults (impact degraded) and a predicted failure', () => {
    const impacts = new Set(
      ofLevel('warning', 'info')
        .filter((type) => type !== 'compute.host.failure.predicted')
        .map((type) => catalogueEntry(type).impact),
    );
    expect([...impacts]).toEqual(['degraded']);
    expect(catalogueEntry('compute.host.failure.predicted').impact).toBe('predicted');
  });

  it('asks nothing of the VIM when fencing failed: the administrator acts (impact degraded)', () => {
    expect(catalogueEntry('compute.host.fencing.failed').impact).toBe('degraded');
  });

  describe('downgraded()', () => {
    it.each<[PerceivedSeverity, PerceivedSeverity]>([
      ['CRITICAL', 'MAJOR'],
      ['MAJOR', 'MINOR'],
      ['MINOR', 'WARNING'],
      ['WARNING', 'WARNING'],
      ['INDETERMINATE', 'INDETERMINATE'],
      ['CLEARED', 'CLEARED'],
    ])('makes %s one step less severe: %s, never below WARNING', (severity, expected) => {
      expect(downgraded(severity)).toBe(expected);
    });
  });
});
