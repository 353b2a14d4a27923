import { z } from 'zod';
import { alarmModifications, sol003Alarm } from '../../contracts/sol003-fm';
import type { Caller } from '../../platform/auth/keystone-authorizer';
import type { Outcome } from '../../platform/outcome';
import type { AlarmView } from '../alarm-query';
import type { AlarmViewStore } from '../ports';
import { filteredPage } from './paging';
import { sol003AlarmOf } from './sol003-alarm';
import { attributePaths } from './sol013-filter';
import type { VnffmLinks } from './vnffm-links';

const ALARM_ATTRIBUTES = attributePaths(sol003Alarm);

export interface VnffmAlarmSettings {
  adminProjectId: string;
  links: VnffmLinks;
  /** Alarms per page of GET /alarms. */
  pageSize: number;
}

/**
 * SOL 003's alarms resource over the same alarms as the fault API: a project reads and
 * acknowledges its own alarms only (another's answers 404, as if it did not exist), an
 * administrator the host alarms. Newest first, paged with an opaque marker.
 */
export class VnffmAlarms {
  constructor(
    private readonly views: AlarmViewStore,
    private readonly settings: VnffmAlarmSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(caller: Caller, params: Record<string, string | undefined>): Promise<Outcome> {
    const alarms = (await this.views.byTenant(this.ownerOf(caller))).map((view) => this.shown(view));
    return filteredPage(params, alarms, {
      attributes: ALARM_ATTRIBUTES,
      keyOf: (alarm) => [newestFirst(alarm.alarmRaisedTime), alarm.id],
      url: this.settings.links.alarms,
      pageSize: this.settings.pageSize,
    });
  }

  async get(caller: Caller, alarmId: string): Promise<Outcome> {
    const view = await this.views.get(this.ownerOf(caller), alarmId);
    return view ? { kind: 'ok', body: this.shown(view) } : notFound(alarmId);
  }

  /** PATCH /alarms/{id}: acknowledges (or un-acknowledges); 409 when the alarm is already so. */
  async acknowledge(caller: Caller, alarmId: string, body: unknown): Promise<Outcome> {
    const parsed = alarmModifications.safeParse(body);
    if (!parsed.success) return { kind: 'invalid', message: z.prettifyError(parsed.error) };
    const { ackState } = parsed.data;
    const outcome = await this.views.setAckState(this.ownerOf(caller), alarmId, ackState, this.clock().toISOString());
    if (outcome === 'missing') return notFound(alarmId);
    if (outcome === 'unchanged') return { kind: 'conflict', message: `alarm ${alarmId} is already ${ackState}` };
    return { kind: 'ok', body: parsed.data };
  }

  private ownerOf(caller: Caller): string {
    return caller.isAdmin ? this.settings.adminProjectId : caller.projectId;
  }

  private shown(view: AlarmView) {
    return sol003AlarmOf(view.alarm, view.acknowledgedAt, this.settings.links);
  }
}

/** A sort key that orders later times first. */
const newestFirst = (time: string) => String(Number.MAX_SAFE_INTEGER - Date.parse(time)).padStart(16, '0');

const notFound = (alarmId: string): Outcome => ({ kind: 'not-found', message: `no alarm ${alarmId}` });
