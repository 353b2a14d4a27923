import { z } from 'zod';
import { PEERS_FAULT_KEY } from '../inspector/peer-quorum';
import type { Caller } from '../platform/auth/keystone-authorizer';
import { type Outcome } from '../platform/outcome';
import type { FenceRecord } from './fencing';
import { ConcurrentFencingError, type FaultRecords, type FenceStore, type FencingEvents } from './ports';

/** The body of PUT /v1/hosts/{host}/fencing: an administrator confirms the dead host is powered off. */
export const fencingConfirmation = z.strictObject({ state: z.literal('FENCED') });

export interface ConfirmFencingDeps {
  records: FenceStore;
  faults: FaultRecords;
  events: FencingEvents;
  clock: () => Date;
}

/**
 * Manual fencing: when a dead host's BMC cannot power it off (unreachable with the host's power
 * feed, wrong credentials), an administrator who made sure the host is off says so, and what
 * waited for fencing (evacuation) goes on, exactly as after HostFenced from the fencer. Only for
 * a host its peers confirmed dead, and only administrators.
 */
export class ConfirmFencing {
  constructor(private readonly deps: ConfirmFencingDeps) {}

  async confirm(caller: Caller, host: string, body: unknown): Promise<Outcome> {
    if (!caller.isAdmin)
      return { kind: 'forbidden', message: 'only an administrator may confirm that a host is fenced' };
    const parsed = fencingConfirmation.safeParse(body);
    if (!parsed.success) return { kind: 'invalid', message: z.prettifyError(parsed.error) };
    const death = await this.deps.faults.get(host, PEERS_FAULT_KEY);
    const alarm = death?.status === 'ACTIVE' ? death.hostAlarm : undefined;
    if (!alarm)
      return { kind: 'conflict', message: `host ${host} is not confirmed dead by its peers: nothing to fence` };
    for (;;) {
      const current = await this.deps.records.get(host);
      if (current?.hostAlarmId === alarm.id && current.state === 'FENCED') return { kind: 'ok', body: current };
      const at = this.deps.clock().toISOString();
      const record: FenceRecord = {
        host,
        hostAlarmId: alarm.id,
        state: 'FENCED',
        method: 'manual',
        attempts: current?.hostAlarmId === alarm.id ? current.attempts : 0,
        startedAt: at,
        fencedAt: at,
        version: (current?.version ?? 0) + 1,
      };
      try {
        await this.deps.records.save(record, current?.version);
      } catch (error) {
        if (error instanceof ConcurrentFencingError) continue;
        throw error;
      }
      await this.deps.events.emit({
        detailType: 'HostFenced',
        detail: {
          host,
          hostAlarmId: alarm.id,
          method: 'manual',
          powerState: 'off',
          fencedAt: at,
          confirmedAt: alarm.alarmRaisedTime,
        },
      });
      return { kind: 'ok', body: record };
    }
  }
}
