import { z } from 'zod';
import type { Caller } from '../auth/keystone-authorizer';
import type { FaultStore } from '../correlation/ports';
import { PEERS_FAULT_KEY } from '../correlation/peer-quorum';
import type { ApiOutcome } from '../http/api-outcome';
import type { FenceRecord } from './fencing';
import { ConcurrentFencingError, type FenceStore, type FencingEvents } from './ports';

/** The body of PUT /v1/hosts/{host}/fencing: an administrator confirms the dead host is powered off. */
export const fencingConfirmation = z.strictObject({ state: z.literal('FENCED') });

export interface ConfirmFencingDeps {
  records: FenceStore;
  faults: Pick<FaultStore, 'get'>;
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

  async confirm(caller: Caller, host: string, body: unknown): Promise<ApiOutcome> {
    if (!caller.isAdmin) return { status: 403, message: 'only an administrator may confirm that a host is fenced' };
    const parsed = fencingConfirmation.safeParse(body);
    if (!parsed.success) return { status: 400, message: z.prettifyError(parsed.error) };
    const death = await this.deps.faults.get(host, PEERS_FAULT_KEY);
    const alarm = death?.status === 'ACTIVE' ? death.hostAlarm : undefined;
    if (!alarm) return { status: 409, message: `host ${host} is not confirmed dead by its peers: nothing to fence` };
    for (;;) {
      const current = await this.deps.records.get(host);
      if (current?.hostAlarmId === alarm.id && current.state === 'FENCED') return { status: 200, body: current };
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
      return { status: 200, body: record };
    }
  }
}
