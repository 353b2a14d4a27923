import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROD_LIKE_PARAMS } from '../../infra/deploy/package-stage';
import { AWS_CALL_LOG } from '../../infra/local/local-env';
import { PROJECT_ROOT } from '../../infra/local/stack';
import type { RecordedCall } from '../../lib/platform/aws-call-log';
import { TemplateValues } from '../support/iam/cloudformation';
import { RECORDED_CALLS } from '../support/iam/record-fixture';
import {
  requestsOfCalls,
  simulate,
  templateFunctions,
  unusedGrants,
  type TemplateFunction,
  type Verdict,
} from '../support/iam/role-simulation';
import { packagedTemplate } from '../support/packaged-template';

const WHERE = { region: 'eu-west-1', account: '210987654321' };
const STAGES = { recorded: 'local', judged: 'prod' };

const arn = (service: string, rest: string) => `arn:aws:${service}:${WHERE.region}:${WHERE.account}:${rest}`;
const FIRST_TO_SEE_A_TENANT =
  "creates the topic of a tenant this function is the first to see (before an inventory sync did); the tests load every inventory through the registry that creates the topics, and the topic route's and the fault API's tests create one";

/**
 * Grants no test makes a function use, each with why it stays. Anything else unused fails the
 * test: a role grants what its functions do, and no more.
 */
const JUSTIFIED_UNUSED: Record<string, string> = {
  ...Object.fromEntries(
    ['CorrelatorRole', 'RecoveryWorkflowRole', 'MaintenanceWorkflowRole', 'VnffmApiRole'].flatMap((role) => [
      [`${role}: sns:CreateTopic on ${arn('sns', 'nfvi-doctor-prod-tenant-*')}`, FIRST_TO_SEE_A_TENANT],
      [`${role}: sns:TagResource on ${arn('sns', 'nfvi-doctor-prod-tenant-*')}`, FIRST_TO_SEE_A_TENANT],
      [`${role}: dynamodb:PutItem on ${arn('dynamodb', 'table/nfvi-doctor-prod-tenants')}`, FIRST_TO_SEE_A_TENANT],
    ]),
  ),
  [`CorrelatorRole: dynamodb:GetItem on ${arn('dynamodb', 'table/nfvi-doctor-prod-peer-votes')}`]:
    'a vote its condition refused is read back to tell a duplicate from an older vote (test/integration/dynamodb-adapters.test.ts)',
  [`FaultApiRole: dynamodb:PutItem on ${arn('dynamodb', 'table/nfvi-doctor-prod-recoveries')}`]:
    "a tenant's answer within its grace period (test/unit/recovery/); the end-to-end recovery test answers after it",
};

/** The secrets (their parameter variables) a function's handler reads, from its source. */
function secretsOf(key: string): string[] {
  const serverless = readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8');
  const handler = new RegExp(`\\n  ${key}:\\n(?:    .*\\n)*?    handler: (\\S+)\\.handler`).exec(serverless)?.[1];
  if (!handler) throw new Error(`no handler for ${key} in serverless.yml`);
  const source = readFileSync(join(PROJECT_ROOT, `${handler}.ts`), 'utf8');
  return [
    ...(source.includes('vimCredentialsMiddleware(') ? ['NFVI_VIM_CREDENTIALS_PARAMETER'] : []),
    ...(source.includes("'bmcCredentials'") ? ['NFVI_BMC_CREDENTIALS_PARAMETER'] : []),
  ];
}

const readCalls = (file: string): RecordedCall[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RecordedCall)
    : [];

/** A customer-managed key of the operator's, for the variant of the stage that encrypts with it. */
const CUSTOMER_KEY = `arn:aws:kms:${WHERE.region}:${WHERE.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/**
 * IAM, proved by simulation: every AWS call a function made while the integration tests and the
 * demo ran (recorded by the local stack, NFVI_AWS_CALL_LOG) is evaluated, with the calls AWS
 * makes on its behalf, against the role the packaged production template gives that function
 * (@cloud-copilot/iam-simulate); and every grant of a role is used by some call of its functions.
 * Both with AWS's keys and with a customer-managed key, whose use the publishes and the failure
 * destinations then need too.
 * This file runs after the other integration tests (test/support/sequencer.js), so that their
 * calls are recorded.
 */
describe.each([
  ['with AWS-managed keys', PROD_LIKE_PARAMS, WHERE],
  [
    'with a customer-managed key',
    [...PROD_LIKE_PARAMS, `kmsKeyArn=${CUSTOMER_KEY}`],
    { ...WHERE, customerKey: CUSTOMER_KEY },
  ],
] as const)('IAM, proved by simulation against the packaged template, %s', (_variant, params, where) => {
  const values = new TemplateValues(packagedTemplate('prod', [...params]), where);
  const functions = templateFunctions(values, STAGES.judged, secretsOf);
  // Calls kept from earlier runs of the whole suite and the demo (`npm run iam:record`), and this run's.
  const calls = [...readCalls(RECORDED_CALLS), ...readCalls(AWS_CALL_LOG)];
  const callsOf = (fn: TemplateFunction) =>
    calls.filter((c) => c.function === `nfvi-doctor-${STAGES.recorded}-${fn.key}`);
  const requestsOf = (fn: TemplateFunction) => [...requestsOfCalls(callsOf(fn), where, STAGES), ...fn.serviceRequests];

  it('has calls recorded for every function but the authorizers (which only call Keystone) and the API description (none)', () => {
    const silent = functions.filter((fn) => callsOf(fn).length === 0).map((fn) => fn.key);
    expect(silent.sort()).toEqual(['apiDescription', 'keystoneAuthorizer', 'keystoneBasicAuthorizer']);
  });

  it.each(functions.map((fn) => [fn.key, fn] as const))(
    "allows every call %s makes, under its role's policies",
    async (_key, fn) => {
      const verdicts: Verdict[] = await simulate(fn, requestsOf(fn), where);
      const denied = verdicts
        .filter((v) => !v.allowed)
        .map((v) => `${v.request.action} on ${v.request.resource} (${v.request.because}): ${v.detail}`);
      expect(denied).toEqual([]);
    },
  );

  it('grants no role anything its functions never do', () => {
    const roles = [...new Set(functions.map((fn) => fn.role))];
    const unused = roles.flatMap((role) => {
      const members = functions.filter((fn) => fn.role === role);
      const requests = members.flatMap(requestsOf);
      return unusedGrants(members[0] as TemplateFunction, requests).map((grant) => `${role}: ${grant}`);
    });
    expect(unused.filter((grant) => !(grant in JUSTIFIED_UNUSED))).toEqual([]);
  });
});
