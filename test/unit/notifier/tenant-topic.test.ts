import { TenantTopic } from '../../../lib/notifier/tenant-topic';
import type { Caller } from '../../../lib/platform/auth/keystone-authorizer';
import { httpView } from '../../support/http-outcome';

const member = (projectId: string): Caller => ({
  userId: `user-of-${projectId}`,
  projectId,
  roles: ['member'],
  isAdmin: false,
});
const admin: Caller = { userId: 'user-root', projectId: 'admin-project', roles: ['admin'], isAdmin: true };

function route() {
  const topicOf = (id: string) => `arn:aws:sns:us-east-1:123456789012:nfvi-doctor-test-tenant-${id}`;
  return httpView(new TenantTopic({ topicArnsFor: async (ids) => new Map(ids.map((id) => [id, topicOf(id)])) }));
}

describe('Use case: a tenant asks for its own topic (GET /v1/tenants/{tenantId}/topic)', () => {
  it('refuses a caller of project A on project B with 403', async () => {
    // Act
    const outcome = await route().get(member('project-a'), 'project-b');

    // Assess
    expect(outcome).toEqual({ status: 403, message: 'project project-a may not act on project project-b' });
  });

  it('answers a caller with its own project’s topic', async () => {
    // Act
    const outcome = await route().get(member('project-a'), 'project-a');

    // Assess
    expect(outcome).toEqual({
      status: 200,
      body: { tenantId: 'project-a', topicArn: 'arn:aws:sns:us-east-1:123456789012:nfvi-doctor-test-tenant-project-a' },
    });
  });

  it('answers an administrator with any project’s topic', async () => {
    // Act
    const outcome = await route().get(admin, 'project-b');

    // Assess
    expect(outcome).toMatchObject({ status: 200, body: { tenantId: 'project-b' } });
  });

  it('refuses a tenant id that cannot name a topic with 400', async () => {
    // Act
    const outcome = await route().get(admin, 'not a tenant!');

    // Assess
    expect(outcome).toMatchObject({ status: 400, message: expect.stringMatching(/^tenantId: /) });
  });
});
