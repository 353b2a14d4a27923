import { localCloud } from './openstack';

/** A Keystone application credential of the admin user, as an operator makes one for Alertmanager. */
export async function applicationCredential(adminToken: string): Promise<{ id: string; secret: string }> {
  const cloud = localCloud();
  const keystone = cloud.env.authUrl.replace(/\/$/, '');
  const who = await fetch(`${keystone}/auth/tokens`, {
    headers: { 'X-Auth-Token': adminToken, 'X-Subject-Token': adminToken },
  });
  const userId = ((await who.json()) as { token: { user: { id: string } } }).token.user.id;
  const created = await fetch(`${keystone}/users/${userId}/application_credentials`, {
    method: 'POST',
    headers: { 'X-Auth-Token': adminToken, 'Content-Type': 'application/json' },
    body: JSON.stringify({ application_credential: { name: `alertmanager-${Date.now().toString(36)}` } }),
  });
  if (created.status !== 201) throw new Error(`Keystone answered ${created.status}: ${await created.text()}`);
  return ((await created.json()) as { application_credential: { id: string; secret: string } }).application_credential;
}

/** Authorization: Basic of an application credential, as Alertmanager's webhook sends it. */
export const basicAuth = (credential: { id: string; secret: string }) =>
  `Basic ${Buffer.from(`${credential.id}:${credential.secret}`).toString('base64')}`;

export interface KeystoneTenant {
  name: string;
  projectId: string;
  token: string;
}

/**
 * Keystone projects with a member user each (found, or created as an operator would), and a token
 * of that user scoped to its project: tenants for tests that need many of them.
 */
export async function keystoneTenants(names: string[]): Promise<KeystoneTenant[]> {
  const cloud = localCloud();
  const keystone = cloud.env.authUrl.replace(/\/$/, '');
  const admin = await cloud.adminToken();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${keystone}${path}`, {
      method,
      headers: { 'X-Auth-Token': admin, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status >= 400)
      throw new Error(`Keystone ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
  };
  const one = async <T>(path: string, key: string, create: () => Promise<T>): Promise<T> =>
    ((await call('GET', path))[key] as T[])[0] ?? (await create());
  const member = await one<{ id: string }>('/roles?name=member', 'roles', async () => {
    throw new Error('Keystone has no member role');
  });
  const password = 'tenant-secret';
  return Promise.all(
    names.map(async (name) => {
      const project = await one<{ id: string }>(
        `/projects?name=${name}`,
        'projects',
        async () =>
          (
            (await call('POST', '/projects', { project: { name, domain_id: 'default' } })) as {
              project: { id: string };
            }
          ).project,
      );
      const user = await one<{ id: string }>(
        `/users?name=${name}-user`,
        'users',
        async () =>
          (
            (await call('POST', '/users', {
              user: { name: `${name}-user`, password, domain_id: 'default', default_project_id: project.id },
            })) as {
              user: { id: string };
            }
          ).user,
      );
      await call('PUT', `/projects/${project.id}/users/${user.id}/roles/${member.id}`);
      const tokens = await fetch(`${keystone}/auth/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          auth: {
            identity: {
              methods: ['password'],
              password: { user: { name: `${name}-user`, domain: { id: 'default' }, password } },
            },
            scope: { project: { id: project.id } },
          },
        }),
      });
      if (tokens.status !== 201) throw new Error(`Keystone token for ${name}: ${tokens.status}`);
      return { name, projectId: project.id, token: tokens.headers.get('x-subject-token') as string };
    }),
  );
}
