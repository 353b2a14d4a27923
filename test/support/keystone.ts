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
