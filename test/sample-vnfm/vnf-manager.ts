import type { FaultNotification } from '../../lib/contracts/etsi-alarm';
import {
  tenantNotification,
  type InstanceAction,
  type ReplyState,
  type TenantNotification,
  type TenantReplyBody,
} from '../../lib/contracts/fenix';

/** What the VNF manager needs of nfvi-doctor's maintenance API, with its own project's token. */
export interface MaintenanceApi {
  /** GET the `instance_ids` URL of a notification: this project's instances in the session. */
  instanceIds(url: string): Promise<string[]>;
  /** PUT the reply to the notification's `reply_url`. */
  reply(url: string, body: TenantReplyBody): Promise<void>;
}

export interface SampleVnfManagerOptions {
  /** How the VNF wants its instances moved, when the state allows it. */
  action: Exclude<InstanceAction, 'OWN_ACTION'>;
  /** Refuse the session at this state (to exercise MAINTENANCE_FAILED). */
  nackAt?: ReplyState;
}

export type Handled =
  | { outcome: 'replied'; state: string; switchedOver: boolean }
  | { outcome: 'recorded'; state: string }
  | { outcome: 'switched-over'; from: string; to: string; alarmId: string }
  | { outcome: 'ignored'; reason: string };

/** Faults that take an instance's service down; a warning (fan, power redundancy) does not. */
const SERVICE_AFFECTING = new Set(['CRITICAL', 'MAJOR']);

/**
 * A VNF manager for an active/standby pair, the consumer of Doctor's use cases:
 * - fault management: when a fault hits the host under its active instance, it switches the
 *   service over to the standby at once (unless the standby is down too); a fault under the
 *   standby only leaves the pair unprotected until it clears;
 * - maintenance, as Doctor's sample answers Fenix: it acknowledges every state, and before the
 *   host under its active instance is emptied it switches over to the standby, so the VNF never
 *   loses its active side to the maintenance.
 */
export class SampleVnfManager {
  readonly moved: string[] = [];
  failure: string | undefined;
  switchOvers = 0;
  /** Instances under an active service-affecting alarm, by alarm id. */
  private readonly faulty = new Map<string, string>();

  constructor(
    private readonly api: MaintenanceApi,
    private pair: { active: string; standby: string },
    private readonly options: SampleVnfManagerOptions,
  ) {}

  get active(): string {
    return this.pair.active;
  }

  get standby(): string {
    return this.pair.standby;
  }

  /** Instances that have a service-affecting alarm now. */
  get unavailable(): string[] {
    return [...new Set(this.faulty.values())];
  }

  onFault(notification: FaultNotification): Handled {
    if (notification.notificationType === 'AlarmClearedNotification') {
      const instance = this.faulty.get(notification.alarmId);
      this.faulty.delete(notification.alarmId);
      return instance
        ? { outcome: 'recorded', state: `${instance} available again` }
        : { outcome: 'ignored', reason: 'not ours' };
    }
    const { alarm } = notification;
    const ours = [this.pair.active, this.pair.standby].includes(alarm.managedObjectId);
    if (!ours) return { outcome: 'ignored', reason: `${alarm.managedObjectId} is not one of the pair` };
    if (!SERVICE_AFFECTING.has(alarm.perceivedSeverity)) {
      this.faulty.delete(alarm.id);
      return { outcome: 'recorded', state: `${alarm.perceivedSeverity} on ${alarm.managedObjectId}` };
    }
    this.faulty.set(alarm.id, alarm.managedObjectId);
    const { active, standby } = this.pair;
    if (alarm.managedObjectId !== active) return { outcome: 'recorded', state: `standby ${standby} unavailable` };
    if (this.unavailable.includes(standby))
      return { outcome: 'recorded', state: 'active and standby both unavailable' };
    this.pair = { active: standby, standby: active };
    this.switchOvers++;
    return { outcome: 'switched-over', from: active, to: standby, alarmId: alarm.id };
  }

  async handle(message: unknown): Promise<Handled> {
    const parsed = tenantNotification.safeParse(message);
    if (!parsed.success) return { outcome: 'ignored', reason: parsed.error.issues[0]?.message ?? 'not a notification' };
    const notice = parsed.data;
    switch (notice.state) {
      case 'INSTANCE_ACTION_DONE':
        this.moved.push(...notice.instance_ids);
        return { outcome: 'recorded', state: notice.state };
      case 'MAINTENANCE_FAILED':
        this.failure = notice.reason;
        return { outcome: 'recorded', state: notice.state };
      default:
        return this.answer(notice);
    }
  }

  private async answer(notice: Extract<TenantNotification, { reply_at: string }>): Promise<Handled> {
    const { state } = notice;
    if (this.options.nackAt === state) {
      await this.api.reply(notice.reply_url, { state: `NACK_${state}`, instance_actions: {} });
      return { outcome: 'replied', state: `NACK_${state}`, switchedOver: false };
    }
    // The vnf workflow names the one instance asked about; the default one gives the project's URL.
    const ids = Array.isArray(notice.instance_ids)
      ? notice.instance_ids
      : await this.api.instanceIds(notice.instance_ids);
    let switchedOver = false;
    if (notice.allowed_actions.length > 0 && ids.includes(this.pair.active) && !ids.includes(this.pair.standby)) {
      // The standby takes over first: the active instance is about to be moved (and it is not).
      this.pair = { active: this.pair.standby, standby: this.pair.active };
      this.switchOvers++;
      switchedOver = true;
    }
    const action: InstanceAction = notice.allowed_actions.includes(this.options.action)
      ? this.options.action
      : 'OWN_ACTION';
    const instance_actions = notice.allowed_actions.length > 0 ? Object.fromEntries(ids.map((id) => [id, action])) : {};
    await this.api.reply(notice.reply_url, { state: `ACK_${state}`, instance_actions });
    return { outcome: 'replied', state: `ACK_${state}`, switchedOver };
  }
}
