import type { Alarm } from '../../lib/contracts/etsi-alarm';
import type { AlarmView } from '../../lib/notifier/alarm-query';
import type { AlarmViewStore } from '../../lib/notifier/ports';

/** Alarm views in a Map, with the store's rules: kept under their tenant, acknowledged only on a change. */
export class InMemoryAlarmViews implements AlarmViewStore {
  readonly views = new Map<string, AlarmView>();

  constructor(...views: AlarmView[]) {
    for (const view of views) this.views.set(view.alarm.id, structuredClone(view));
  }

  async byTenant(tenantId: string): Promise<AlarmView[]> {
    return [...this.views.values()].filter((v) => v.alarm.tenantId === tenantId).map((v) => structuredClone(v));
  }

  async get(tenantId: string, alarmId: string): Promise<AlarmView | undefined> {
    const view = this.under(tenantId, alarmId);
    return view && structuredClone(view);
  }

  async setAckState(
    tenantId: string,
    alarmId: string,
    ackState: Alarm['ackState'],
    at: string,
  ): Promise<'changed' | 'unchanged' | 'missing'> {
    const view = this.under(tenantId, alarmId);
    if (!view) return 'missing';
    if (view.alarm.ackState === ackState) return 'unchanged';
    view.alarm.ackState = ackState;
    if (ackState === 'ACKNOWLEDGED') view.acknowledgedAt = at;
    else delete view.acknowledgedAt;
    return 'changed';
  }

  private under(tenantId: string, alarmId: string): AlarmView | undefined {
    const view = this.views.get(alarmId);
    return view?.alarm.tenantId === tenantId ? view : undefined;
  }
}
