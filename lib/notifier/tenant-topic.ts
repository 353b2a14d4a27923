import { z } from 'zod';
import { tenantId } from '../contracts/inventory';
import type { Caller } from '../platform/auth/keystone-authorizer';
import type { Outcome } from '../platform/outcome';
import type { TenantTopicRegistry } from './ports';

/** The answer of `GET /v1/tenants/{tenantId}/topic`. */
export const tenantTopicAnswer = z.object({ tenantId: z.string(), topicArn: z.string() });
export type TenantTopicAnswer = z.infer<typeof tenantTopicAnswer>;

/** `GET /v1/tenants/{tenantId}/topic`: the SNS topic a tenant's VNF manager subscribes to (its own only). */
export class TenantTopic {
  constructor(private readonly topics: TenantTopicRegistry) {}

  async get(caller: Caller, named: string | undefined): Promise<Outcome> {
    const parsed = tenantId.safeParse(named);
    if (!parsed.success) return { kind: 'invalid', message: `tenantId: ${parsed.error.issues[0]?.message}` };
    if (!caller.isAdmin && caller.projectId !== parsed.data) {
      return { kind: 'forbidden', message: `project ${caller.projectId} may not act on project ${parsed.data}` };
    }
    const topics = await this.topics.topicArnsFor([parsed.data]);
    return { kind: 'ok', body: { tenantId: parsed.data, topicArn: topics.get(parsed.data) } };
  }
}
