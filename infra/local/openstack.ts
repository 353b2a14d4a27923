import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  adminCredentials,
  readLocalOpenStackEnv,
  type OpenStackEnv,
} from '../../lib/adapters/openstack/local-openstack';
import { VIM_CREDENTIALS_FILE } from './local-env';
import { PROJECT_ROOT } from './stack';

const SCRIPT = join(PROJECT_ROOT, 'infra', 'local', 'openstack', 'openstack.sh');
export const KEYSTONE_PORT = 5000;
export const OPENSTACK_LOG = join(PROJECT_ROOT, '.local', 'openstack.log');

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

/**
 * Starts the local OpenStack (installing it the first time, about 4 minutes) with `computes`
 * fake compute hosts, and writes the VIM credentials file the local functions read.
 */
export async function startOpenStack(computes = 3): Promise<OpenStackEnv> {
  await openstackScript('start', String(computes));
  const env = readLocalOpenStackEnv();
  mkdirSync(dirname(VIM_CREDENTIALS_FILE), { recursive: true });
  writeFileSync(VIM_CREDENTIALS_FILE, JSON.stringify(adminCredentials(env)), { mode: 0o600 });
  return env;
}
