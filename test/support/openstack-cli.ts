import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLocalOpenStackEnv, type OpenStackEnv } from '../../lib/adapters/openstack/local-openstack';

/**
 * The real OpenStack client from Debian's packages (python3-openstackclient, with
 * python3-tackerclient's `vnffm` commands), run by Debian's python: never a pyenv python that
 * comes first on PATH.
 */
export const OPENSTACK_CLI = '/usr/bin/openstack';
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Whose Keystone credentials the client runs with: a user's password, or a project-scoped token. */
export type OpenStackCliCredentials =
  | {
      kind: 'password';
      authUrl: string;
      username: string;
      password: string;
      projectName: string;
      userDomainName?: string;
      projectDomainName?: string;
      region?: string;
    }
  | { kind: 'token'; authUrl: string; token: string; projectId: string; region?: string };

/** What one run gave: its exit code 0 and output, or how it failed. */
export type OpenStackCliResult<T> =
  | { ok: true; value: T; stdout: string; stderr: string }
  | { ok: false; code: number | null; signal: string | null; stdout: string; stderr: string };

/** A `<param-file>` argument: the client reads this body from a JSON file (`vnffm sub create`). */
export interface JsonFileArgument {
  jsonFile: unknown;
}

export interface OpenStackCliOptions {
  /** Default 60 s; the run is killed after it. */
  timeoutMs?: number;
  /** More variables for the client (add `--debug` to the arguments to get each HTTP call on stderr). */
  env?: Record<string, string>;
}

/** A tenant of the local cloud's fixtures (`tenant-a`, `tenant-b`) with its member user's password. */
export function tenantCredentials(
  projectName: string,
  env: OpenStackEnv = readLocalOpenStackEnv(),
): OpenStackCliCredentials {
  const project = env.projects[projectName];
  if (!project) throw new Error(`the local cloud has no project ${projectName}`);
  return {
    kind: 'password',
    authUrl: env.authUrl,
    username: project.username,
    password: project.password,
    projectName,
    region: env.region,
  };
}

/**
 * The client's environment, nothing inherited: Keystone v3 credentials as OS_* variables, and
 * OS_TACKER_API_VERSION=2, without which the `vnffm` commands do not exist (tackerclient's
 * plugin defaults to 1, whose command group has none of them).
 */
export function openstackCliEnv(credentials: OpenStackCliCredentials, home: string): Record<string, string> {
  const auth: Record<string, string> =
    credentials.kind === 'password'
      ? {
          OS_AUTH_TYPE: 'password',
          OS_USERNAME: credentials.username,
          OS_PASSWORD: credentials.password,
          OS_PROJECT_NAME: credentials.projectName,
          OS_USER_DOMAIN_NAME: credentials.userDomainName ?? 'Default',
          OS_PROJECT_DOMAIN_NAME: credentials.projectDomainName ?? 'Default',
        }
      : { OS_AUTH_TYPE: 'v3token', OS_TOKEN: credentials.token, OS_PROJECT_ID: credentials.projectId };
  return {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    // An empty home: no clouds.yaml or client cache of the machine's user.
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    OS_AUTH_URL: credentials.authUrl,
    OS_IDENTITY_API_VERSION: '3',
    OS_INTERFACE: 'public',
    OS_TACKER_API_VERSION: '2',
    ...(credentials.region ? { OS_REGION_NAME: credentials.region } : {}),
    ...auth,
  };
}

/**
 * Runs `openstack ARGS...` as the given user and returns its output as it is. For commands
 * without a formatter (`vnffm sub delete` refuses `-f json` with exit code 2).
 */
export async function runOpenstack(
  credentials: OpenStackCliCredentials,
  args: (string | JsonFileArgument)[],
  options: OpenStackCliOptions = {},
): Promise<OpenStackCliResult<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'nfvi-openstack-cli-'));
  try {
    const argv = args.map((arg, i) => {
      if (typeof arg === 'string') return arg;
      // Mode 0600: a subscription request may carry the callback's credentials.
      const file = join(dir, `param-${i}.json`);
      writeFileSync(file, JSON.stringify(arg.jsonFile), { mode: 0o600 });
      return file;
    });
    const env = { ...openstackCliEnv(credentials, dir), ...options.env };
    return await new Promise((resolve, reject) => {
      execFile(
        SYSTEM_PYTHON,
        [OPENSTACK_CLI, ...argv],
        { env, cwd: dir, timeout: options.timeoutMs ?? 60_000, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (!error) return resolve({ ok: true, value: stdout, stdout, stderr });
          // A number: the exit code; a string: the spawn failed (ENOENT, ...).
          const { code, signal } = error as { code?: unknown; signal?: unknown };
          if (typeof code === 'string')
            return reject(
              new Error(`cannot run ${SYSTEM_PYTHON} ${OPENSTACK_CLI} (${code}): install python3-openstackclient`),
            );
          resolve({
            ok: false,
            code: typeof code === 'number' ? code : null,
            signal: typeof signal === 'string' ? signal : null,
            stdout,
            stderr,
          });
        },
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `openstack ARGS... -f json` as the given user: the parsed JSON on exit code 0 (keys are
 * the client's column headers, e.g. "ID", "Ack State"), else the exit code and stderr (for an
 * API error, the ProblemDetails' `detail`).
 */
export async function openstackJson<T = unknown>(
  credentials: OpenStackCliCredentials,
  args: (string | JsonFileArgument)[],
  options: OpenStackCliOptions = {},
): Promise<OpenStackCliResult<T>> {
  const result = await runOpenstack(credentials, [...args, '-f', 'json'], options);
  if (!result.ok) return result;
  try {
    return { ...result, value: JSON.parse(result.stdout) as T };
  } catch {
    const shown = args.map((arg) => (typeof arg === 'string' ? arg : '<param-file>')).join(' ');
    throw new Error(`openstack ${shown} printed no JSON:\n${result.stdout}\n${result.stderr}`);
  }
}
