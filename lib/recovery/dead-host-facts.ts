import { PEERS_FAULT_KEY } from '../inspector/peer-quorum';
import type { DeadHostFacts, FaultRecords, FenceRecords } from './ports';

/** The dead host's facts from the fencer's record and the correlator's host-down record. */
export class StoredDeadHostFacts implements DeadHostFacts {
  constructor(
    private readonly fencing: FenceRecords,
    private readonly faults: FaultRecords,
  ) {}

  async fencedAt(host: string, hostAlarmId: string): Promise<string | undefined> {
    const record = await this.fencing.get(host);
    return record?.hostAlarmId === hostAlarmId && record.state === 'FENCED' ? record.fencedAt : undefined;
  }

  /** Back once the death's host-down alarm is cleared, or replaced by a later death's. */
  async backAt(host: string, hostAlarmId: string): Promise<string | undefined> {
    const record = await this.faults.get(host, PEERS_FAULT_KEY);
    if (!record?.hostAlarm) return undefined;
    if (record.hostAlarm.id !== hostAlarmId) return record.hostAlarm.alarmRaisedTime;
    return record.status === 'CLEARED' ? (record.hostAlarm.alarmClearedTime ?? record.transitionAt) : undefined;
  }
}
