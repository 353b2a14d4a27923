import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { cfnTags } from '../local/aws/service-definition';

/**
 * The stage parameters of serverless.yml, checked before `serverless package` or `deploy`
 * resolves them: a missing one is named (rather than a variable resolution error), and one
 * that makes no sense is refused with the reason. Values that are CloudFormation references
 * (the defaults that point into the stack) are the stack's own and pass as they are.
 */
const ids = (prefix: string) =>
  z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`), `not a ${prefix} id`))
        .min(1, `at least one ${prefix} id`),
    );
const integer = (min: number) => z.coerce.number().int(`a whole number`).min(min);
const flag = z.union([z.boolean(), z.enum(['true', 'false'])]);
const cidr = z
  .string()
  .regex(/^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/, 'a CIDR, e.g. 10.20.0.0/16 or fd00::/8');
const reference = z.record(z.string(), z.unknown());

export const stageParameters = z.object({
  vimSubnetIds: ids('subnet'),
  vimSecurityGroupIds: ids('sg'),
  vim: z.enum(['openstack', 'none']),
  vimConnectionId: z.string().min(1),
  adminProjectId: z.string().min(1),
  vimCredentialsParameter: z.union([z.literal(''), z.string().startsWith('/', 'an SSM parameter name, from /')]),
  bmcCredentialsParameter: z.union([z.literal(''), z.string().startsWith('/', 'an SSM parameter name, from /')]),
  vimEndpointInterface: z.enum(['public', 'internal', 'admin']),
  correlatorProvisionedConcurrency: integer(0),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
  peerQuorumMin: integer(1),
  peerVoteTtlS: integer(1),
  maintenanceHostSlots: integer(1),
  predictionDisablesHost: flag,
  fencing: flag,
  recoveryDefaultPolicy: z.enum(['notify-only', 'evacuate', 'restart']),
  recoveryGraceS: integer(0),
  callbackAllowList: z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .pipe(z.array(cidr)),
  doctorMonitorTimezones: z.string().refine((text) => {
    try {
      const zones = JSON.parse(text) as unknown;
      return typeof zones === 'object' && zones !== null && !Array.isArray(zones);
    } catch {
      return false;
    }
  }, 'a JSON object of monitor name to time zone'),
  tableDeletionPolicy: z.enum(['Retain', 'Delete']),
  tracerEnabled: flag,
  kmsKeyArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/,
      'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
    )
    .optional(),
  topicKmsKey: z.union([reference, z.string()]),
  awsCallLog: z.string(),
  adminTopicArn: z.union([reference, z.string().startsWith('arn:')]),
  notificationDeadLetterQueueArn: z.union([reference, z.string().startsWith('arn:')]),
  maintenanceApiUrl: z.union([reference, z.string().url()]),
});

export type StageParameterValues = Record<string, unknown>;

/** The parameters of `stage`: serverless.yml's defaults, its stage's own, then the command line's. */
export function parametersOf(
  serverlessYml: string,
  stage: string,
  given: Record<string, string>,
): StageParameterValues {
  const service = parse(readFileSync(serverlessYml, 'utf8'), { customTags: cfnTags }) as {
    params?: Record<string, Record<string, unknown>>;
  };
  return { ...service.params?.default, ...service.params?.[stage], ...given };
}

/** What is wrong with a stage's parameters, one line each (none: they make sense). */
export function problemsOf(values: StageParameterValues): string[] {
  // A value from the environment or an option is the framework's to resolve, at package time.
  const late = (name: string) => typeof values[name] === 'string' && /\$\{(env|opt):/.test(values[name] as string);
  const result = stageParameters.safeParse(values);
  if (result.success) return [];
  return result.error.issues
    .map((issue) => String(issue.path[0] ?? ''))
    .flatMap((name, i) => {
      if (late(name)) return [];
      const issue = result.error.issues[i] as z.core.$ZodIssue;
      return [
        name in values
          ? `${name}: ${issue.message} (given ${JSON.stringify(values[name])})`
          : `${name}: missing; give it with --param="${name}=..." or in serverless.yml's params for the stage`,
      ];
    });
}
