import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { VimCredentials } from './credentials';

/** Where infra/local/openstack/openstack.sh reports the cloud it runs. */
export const LOCAL_OPENSTACK_ENV_FILE = '/var/lib/nfvi-doctor-openstack/env.json';

const project = z.object({ id: z.string(), username: z.string(), password: z.string() });

/** What infra/local/openstack/openstack.sh reports of the cloud it runs. */
export const openStackEnv = z.object({
  authUrl: z.string(),
  region: z.string(),
  admin: z.object({
    username: z.string(),
    password: z.string(),
    projectName: z.string(),
    projectId: z.string(),
    userDomainName: z.string(),
    projectDomainName: z.string(),
  }),
  projects: z.record(z.string(), project),
  imageId: z.string(),
  flavorId: z.string(),
  computeHosts: z.array(z.string()),
});

export type OpenStackEnv = z.infer<typeof openStackEnv>;

/** The local OpenStack's report; throws when it was never started on this machine. */
export function readLocalOpenStackEnv(file = LOCAL_OPENSTACK_ENV_FILE): OpenStackEnv {
  return openStackEnv.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** The admin credentials of the local cloud, scoped to a project (the admin's own by default). */
export function adminCredentials(env: OpenStackEnv, projectName = env.admin.projectName): VimCredentials {
  return {
    kind: 'password',
    authUrl: env.authUrl,
    region: env.region,
    username: env.admin.username,
    password: env.admin.password,
    userDomainName: env.admin.userDomainName,
    projectName,
    projectDomainName: env.admin.projectDomainName,
  };
}
