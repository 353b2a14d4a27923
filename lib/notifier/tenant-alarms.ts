import { z } from 'zod';
import { tenantId } from '../contracts/inventory';
import type { Caller } from '../platform/auth/keystone-authorizer';
import { projectScope } from '../platform/auth/project-scope';
import { type Outcome } from '../platform/outcome';
import { alarmQuery, selectAlarms } from './alarm-query';
import type { AlarmViewStore } from './ports';

/** ETSI AlarmModifications, the body of PATCH /v1/alarms/{alarmId}. */
export const alarmModifications = z.object({ ackState: z.enum(['ACKNOWLEDGED', 'UNACKNOWLEDGED']) }).strict();

/** `tenantId` of GET/PATCH /v1/alarms/{alarmId}: whose alarm (administrators only). */
export const alarmOwner = z.object({ tenantId: tenantId.optional() }).strict();

/**
 * The alarm routes' rules (Doctor's FaultQuery, ETSI's alarm list, read and acknowledge).
 * Alarms are kept under the tenant they belong to, and a project reads and acknowledges under
 * its own only: another project's alarm answers 404, as if it did not exist, so ids cannot be
 * probed; naming another project 403. Administrators read the physical (host) alarms by
 * default and any project's with `tenantId`.
 */
export class TenantAlarms {
  constructor(
    private readonly views: AlarmViewStore,
    private readonly adminProjectId: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(caller: Caller, params: Record<string, string | undefined>): Promise<Outcome> {
    const parsed = alarmQuery.safeParse(params);
    if (!parsed.success) return { kind: 'invalid', message: z.prettifyError(parsed.error) };
    const owner = this.ownerFor(caller, parsed.data.tenantId);
    if (typeof owner !== 'string') return owner;
    return { kind: 'ok', body: selectAlarms(await this.views.byTenant(owner), parsed.data) };
  }

  async get(caller: Caller, alarmId: string, params: Record<string, string | undefined> = {}): Promise<Outcome> {
    const owner = this.ownerOf(caller, params);
    if (typeof owner !== 'string') return owner;
    const view = await this.views.get(owner, alarmId);
    return view ? { kind: 'ok', body: view.alarm } : notFound(alarmId);
  }

  async acknowledge(
    caller: Caller,
    alarmId: string,
    body: unknown,
    params: Record<string, string | undefined> = {},
  ): Promise<Outcome> {
    const owner = this.ownerOf(caller, params);
    if (typeof owner !== 'string') return owner;
    const parsed = alarmModifications.safeParse(body);
    if (!parsed.success) return { kind: 'invalid', message: z.prettifyError(parsed.error) };
    const outcome = await this.views.setAckState(owner, alarmId, parsed.data.ackState, this.clock().toISOString());
    if (outcome === 'missing') return notFound(alarmId);
    if (outcome === 'unchanged') {
      return { kind: 'conflict', message: `alarm ${alarmId} is already ${parsed.data.ackState}` };
    }
    return { kind: 'ok', body: parsed.data };
  }

  private ownerOf(caller: Caller, params: Record<string, string | undefined>): string | Outcome {
    const parsed = alarmOwner.safeParse(params);
    if (!parsed.success) return { kind: 'invalid', message: z.prettifyError(parsed.error) };
    return this.ownerFor(caller, parsed.data.tenantId);
  }

  /** Whose alarms the caller reads: its own project's, or for an administrator the one it names. */
  private ownerFor(caller: Caller, named: string | undefined): string | Outcome {
    return projectScope(caller, named, 'read the alarms', this.adminProjectId);
  }
}

const notFound = (alarmId: string): Outcome => ({ kind: 'not-found', message: `no alarm ${alarmId}` });
