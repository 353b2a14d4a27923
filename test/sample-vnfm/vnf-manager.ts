import {
  tenantNotification,
  type InstanceAction,
  type ReplyState,
  type TenantNotification,
  type TenantReplyBody,
} from '../../lib/maintenance/session/schemas';

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
  | { outcome: 'ignored'; reason: string };

/**
 * A VNF manager for an active/standby pair, as Doctor's sample answers Fenix: it acknowledges
 * every state, and before the host under its active instance is emptied it switches the
 * service over to the standby, so the VNF never loses its active side to the maintenance.
 */
export class SampleVnfManager {
  readonly moved: string[] = [];
  failure: string | undefined;
  switchOvers = 0;

  constructor(
    private readonly api: MaintenanceApi,
    private pair: { active: string; standby: string },
    private readonly options: SampleVnfManagerOptions,
  ) {}

  get active(): string {
    return this.pair.active;
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
    const ids = await this.api.instanceIds(notice.instance_ids);
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
