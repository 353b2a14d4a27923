import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { RecordedCall } from '../../../lib/platform/aws-call-log';
import { TemplateValues, type CfnResource, type Where } from './cloudformation';
import { iamRequestsOf, keyUse, type IamRequest, type Stages } from './iam-requests';
import { MANAGED_POLICIES } from './managed-policies';

type Statement = { Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: object };
type Policy = { Version: string; Statement: Statement[] };

/** A function of the packaged template: its name, its role and the role's policies, evaluated. */
export interface TemplateFunction {
  /** The key in serverless.yml, e.g. correlator. */
  key: string;
  name: string;
  role: string;
  policies: { name: string; policy: Policy }[];
  /** What AWS itself calls with the function's role: logs, network interfaces, traces, its failure destination. */
  serviceRequests: IamRequest[];
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every function of the template, with its role's policies as IAM evaluates them. */
export function templateFunctions(
  values: TemplateValues,
  stage: string,
  secretsOf: (key: string) => string[],
): TemplateFunction[] {
  const { Resources } = values.template;
  const prefix = `nfvi-doctor-${stage}-`;
  const onFailure = new Map<string, string>();
  for (const resource of Object.values(Resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig')) {
    const p = values.resolve(resource.Properties) as Record<string, any>;
    const destination = p.DestinationConfig?.OnFailure?.Destination as string | undefined;
    if (destination) onFailure.set(String(p.FunctionName), destination);
  }
  return Object.entries(Resources)
    .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && values.exists(id))
    .map(([, r]) => {
      const p = r.Properties as Record<string, any>;
      const name = String(values.resolve(p.FunctionName));
      const role = (p.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const roleProps = (Resources[role] as CfnResource).Properties as Record<string, any>;
      const inline = asList(roleProps.Policies ?? []).map((policy: any) => ({
        name: String(policy.PolicyName),
        policy: values.resolve(policy.PolicyDocument) as Policy,
      }));
      const managed = asList(roleProps.ManagedPolicyArns ?? []).map((arn: unknown) => {
        const resolved = String(values.resolve(arn));
        const known = MANAGED_POLICIES[resolved.split('/').pop() as string];
        if (known) return { name: resolved, policy: known as Policy };
        const own = Object.entries(Resources).find(
          ([id, res]) => res.Type === 'AWS::IAM::ManagedPolicy' && String(values.resolve({ Ref: id })) === resolved,
        );
        if (!own) throw new Error(`${role} attaches ${resolved}, whose document the simulation does not know`);
        return { name: resolved, policy: values.resolve(own[1].Properties?.PolicyDocument) as Policy };
      });
      const { region, account } = values.where;
      const serviceRequests: IamRequest[] = [
        {
          action: 'logs:PutLogEvents',
          resource: `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${name}:log-stream:x`,
          because: 'Lambda writes its logs',
        },
        ...(p.VpcConfig
          ? [{ action: 'ec2:CreateNetworkInterface', resource: '*', because: 'Lambda attaches it to the VPC' }]
          : []),
        ...(p.TracingConfig?.Mode === 'Active'
          ? [
              { action: 'xray:PutTraceSegments', resource: '*', because: 'active tracing' },
              { action: 'xray:PutTelemetryRecords', resource: '*', because: 'active tracing' },
            ]
          : []),
        ...destinationRequests(onFailure.get(name), values.where),
        ...secretRequests(
          secretsOf(name.slice(prefix.length)),
          values.resolve(p.Environment?.Variables ?? {}) as Record<string, string>,
          values.where,
        ),
      ];
      return { key: name.slice(prefix.length), name, role, policies: [...inline, ...managed], serviceRequests };
    });
}

/**
 * The secrets a function reads at the start of its invocations, as its stage configures them: the
 * local stage reads files instead, so these calls are derived from the template, in the form
 * @middy/ssm makes them (one GetParameters with decryption; test/integration/secret-parameters.test.ts
 * records that form against the local SSM).
 */
function secretRequests(variables: string[], environment: Record<string, string>, where: Where): IamRequest[] {
  return variables
    .map((variable) => [variable, environment[variable]] as const)
    .filter(([, name]) => name)
    .flatMap(([variable, name]) =>
      iamRequestsOf(
        {
          function: variable,
          client: 'SSMClient',
          command: 'GetParametersCommand',
          resources: { Names: [name as string], WithDecryption: true },
        },
        where,
        { recorded: 'prod', judged: 'prod' },
      ).map((request) => ({ ...request, because: `@middy/ssm reads ${variable}` })),
    );
}

/** What Lambda does with the function's role to send a failed invocation to its destination. */
function destinationRequests(destination: string | undefined, where: Where): IamRequest[] {
  if (!destination) return [];
  const because = 'Lambda sends a failed asynchronous invocation to its destination';
  const service = destination.split(':')[2];
  switch (service) {
    case 'sqs':
      return [{ action: 'sqs:SendMessage', resource: destination, because }, ...keyUse(where, because)];
    case 'sns':
      return [{ action: 'sns:Publish', resource: destination, because }];
    case 'events':
      return [{ action: 'events:PutEvents', resource: destination, because }];
    default:
      throw new Error(`no IAM mapping for a destination in ${service} (${where.region})`);
  }
}

export interface Verdict {
  request: IamRequest;
  allowed: boolean;
  detail?: string;
}

/** A KMS key's default policy: the account's IAM policies decide who uses the key. */
const defaultKeyPolicy = (account: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});

/** Evaluates each request against the function's role as IAM would. */
export async function simulate(fn: TemplateFunction, requests: IamRequest[], where: Where): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const request of requests) {
    const result = await runSimulation(
      {
        request: {
          principal: `arn:aws:sts::${where.account}:assumed-role/${fn.role}/${fn.name}`,
          action: request.action,
          resource: { resource: request.resource, accountId: where.account },
          contextVariables: {},
        },
        identityPolicies: fn.policies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        // KMS authorizes nothing its key policy does not: the operator's key has the default one.
        ...(request.action.startsWith('kms:') ? { resourcePolicy: defaultKeyPolicy(where.account) } : {}),
      },
      {},
    );
    if (result.resultType === 'error') {
      verdicts.push({ request, allowed: false, detail: JSON.stringify(result.errors).slice(0, 300) });
    } else {
      verdicts.push({ request, allowed: result.overallResult === 'Allowed', detail: result.overallResult });
    }
  }
  return verdicts;
}

/** A function's recorded calls as the requests IAM authorizes, with the stage renamed. */
export function requestsOfCalls(calls: RecordedCall[], where: Where, stages: Stages): IamRequest[] {
  const seen = new Set<string>();
  return calls
    .flatMap((call) => iamRequestsOf(call, where, stages))
    .filter((r) => {
      const key = `${r.action} ${r.resource}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Whether an IAM pattern (with * and ?) covers a value. */
export const covers = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  ).test(value);

/** The role's grants (action and resource of each Allow) that none of the requests uses. */
export function unusedGrants(fn: TemplateFunction, requests: IamRequest[]): string[] {
  const unused: string[] = [];
  for (const { name, policy } of fn.policies) {
    if (name.startsWith('arn:aws:iam::aws:policy/')) continue;
    for (const statement of policy.Statement.filter((s) => s.Effect === 'Allow')) {
      for (const action of asList(statement.Action)) {
        for (const resource of asList(statement.Resource)) {
          const used = requests.some((r) => covers(action, r.action) && covers(resource, r.resource));
          if (!used) unused.push(`${action} on ${resource}`);
        }
      }
    }
  }
  return unused;
}
