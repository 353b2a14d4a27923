import { z } from 'zod';
import type { VimCredentials } from '../../adapters/openstack/credentials';
import {
  adminCredentials,
  LOCAL_OPENSTACK_ENV_FILE,
  readLocalOpenStackEnv,
} from '../../adapters/openstack/local-openstack';
import { LOCAL_STAGE, localApiUrl } from '../../platform/local-stack/local-endpoints';
import { CliError } from './cli-error';

/** Where the API is and who calls it: the environment of an openrc file, plus NFVI_API_URL. */
export interface ApiSettings {
  apiUrl: string;
  credentials: VimCredentials;
}

export interface Settings {
  api: ApiSettings;
  /** The deployment stage, which names the bus and the tables (lib/platform/stage-names.ts). */
  stage: string;
}

const text = z.string({ error: (issue) => (issue.input === undefined ? 'missing' : 'expected text') }).min(1);
const url = z.url({ error: (issue) => (issue.input === undefined ? 'missing' : 'expected a URL') });

/** Keystone's v3 API, as the openstack CLI finds it from an OS_AUTH_URL with or without the version. */
const identityV3 = (authUrl: string) => {
  const base = authUrl.replace(/\/+$/, '');
  return /\/v3$/.test(base) ? base : `${base}/v3`;
};

const apiEnvironment = z.object({ NFVI_API_URL: url, OS_AUTH_URL: url.transform(identityV3) });
const passwordEnvironment = z
  .object({
    OS_USERNAME: text,
    OS_PASSWORD: text,
    OS_PROJECT_NAME: text,
    OS_USER_DOMAIN_NAME: text.default('Default'),
    OS_PROJECT_DOMAIN_NAME: text.default('Default'),
  })
  .transform((e) => ({
    kind: 'password' as const,
    username: e.OS_USERNAME,
    password: e.OS_PASSWORD,
    projectName: e.OS_PROJECT_NAME,
    userDomainName: e.OS_USER_DOMAIN_NAME,
    projectDomainName: e.OS_PROJECT_DOMAIN_NAME,
  }));
const applicationCredentialEnvironment = z
  .object({ OS_APPLICATION_CREDENTIAL_ID: text, OS_APPLICATION_CREDENTIAL_SECRET: text })
  .transform((e) => ({
    kind: 'application-credential' as const,
    id: e.OS_APPLICATION_CREDENTIAL_ID,
    secret: e.OS_APPLICATION_CREDENTIAL_SECRET,
  }));
const stageEnvironment = z.object({ NFVI_STAGE: text });

export class SettingsError extends CliError {
  constructor(problems: string[]) {
    super(
      `nfvi-doctor settings are incomplete (set them in the environment, as an openrc file does, or use --local for the local stack):\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    this.name = 'SettingsError';
  }
}

/**
 * The settings a command needs, checked at once so that every missing one is named. An
 * application credential (OS_APPLICATION_CREDENTIAL_ID) is used when one is set, a password
 * otherwise. With `local`, the environment is not read: the local stack's API, the local
 * OpenStack's admin and the local stage.
 */
export function readSettings<K extends keyof Settings>(
  env: NodeJS.ProcessEnv,
  local: boolean,
  needs: readonly K[],
): Pick<Settings, K> {
  const wants = (need: keyof Settings) => (needs as readonly string[]).includes(need);
  const settings: Partial<Settings> = {};
  if (local) {
    if (wants('api')) settings.api = localApiSettings();
    if (wants('stage')) settings.stage = LOCAL_STAGE;
    return settings as Pick<Settings, K>;
  }
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const problems: string[] = [];
  const read = <S extends z.ZodType>(schema: S): z.output<S> | undefined => {
    const parsed = schema.safeParse(set);
    if (parsed.success) return parsed.data;
    problems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
    return undefined;
  };
  if (wants('api')) {
    const endpoints = read(apiEnvironment);
    const credentials = read(
      set.OS_APPLICATION_CREDENTIAL_ID === undefined ? passwordEnvironment : applicationCredentialEnvironment,
    );
    if (endpoints && credentials) {
      settings.api = {
        apiUrl: endpoints.NFVI_API_URL,
        credentials: { ...credentials, authUrl: endpoints.OS_AUTH_URL },
      };
    }
  }
  if (wants('stage')) settings.stage = read(stageEnvironment)?.NFVI_STAGE;
  if (problems.length > 0) throw new SettingsError(problems);
  return settings as Pick<Settings, K>;
}

/** The local stack's API, called as the local OpenStack's admin. */
function localApiSettings(): ApiSettings {
  let openstack;
  try {
    openstack = readLocalOpenStackEnv();
  } catch (error) {
    throw new CliError(
      `--local: no local OpenStack on this machine (${LOCAL_OPENSTACK_ENV_FILE}: ${(error as Error).message}); \`npm start\` starts one`,
    );
  }
  return { apiUrl: localApiUrl(), credentials: adminCredentials(openstack) };
}
