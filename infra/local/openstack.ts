import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { VimCredentials } from '../../lib/vim/credentials';
import { VIM_CREDENTIALS_FILE } from './local-env';
import { PROJECT_ROOT } from './stack';

const SCRIPT = join(PROJECT_ROOT, 'infra', 'local', 'openstack', 'openstack.sh');
const ENV_FILE = '/var/lib/nfvi-doctor-openstack/env.json';
export const KEYSTONE_PORT = 5000;
export const OPENSTACK_LOG = join(PROJECT_ROOT, '.local', 'openstack.log');

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

/** Runs one subcommand of the script, its output appended to .local/openstack.log. */
export function openstackScript(...args: string[]): Promise<void> {
  mkdirSync(dirname(OPENSTACK_LOG), { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      lines.push(text);
      writeFileSync(OPENSTACK_LOG, text, { flag: 'a' });
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `openstack.sh ${args.join(' ')} exited ${code}:\n${lines.join('').split('\n').slice(-30).join('\n')}`,
            ),
          ),
    );
  });
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

/**
 * Starts the local OpenStack (installing it the first time, about 4 minutes) with `computes`
 * fake compute hosts, and writes the VIM credentials file the local functions read.
 */
export async function startOpenStack(computes = 3): Promise<OpenStackEnv> {
  await openstackScript('start', String(computes));
  const env = openStackEnv.parse(JSON.parse(readFileSync(ENV_FILE, 'utf8')));
  mkdirSync(dirname(VIM_CREDENTIALS_FILE), { recursive: true });
  writeFileSync(VIM_CREDENTIALS_FILE, JSON.stringify(adminCredentials(env)), { mode: 0o600 });
  return env;
}
