import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/local/stack';

type Resource = { Type: string; Properties: Record<string, any> };

/** The CloudFormation template `serverless deploy --stage prod` would deploy. */
function packageTemplate(stage: string): Record<string, Resource> {
  const dir = mkdtempSync(join(tmpdir(), 'nfvi-package-'));
  const workFolder = `.esbuild-package-${process.pid}`;
  try {
    execFileSync(
      process.execPath,
      [
        join(PROJECT_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'),
        'package',
        '--stage',
        stage,
        '--param=vimSubnetIds=subnet-0a1b,subnet-2c3d',
        '--param=vimSecurityGroupIds=sg-0e4f',
        '--package',
        dir,
      ],
      {
        cwd: PROJECT_ROOT,
        stdio: 'pipe',
        // A build folder of its own: the local stack's offline build keeps serving the other tests.
        env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', NFVI_ESBUILD_WORK_FOLDER: workFolder },
      },
    );
    return JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')).Resources;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(PROJECT_ROOT, workFolder), { recursive: true, force: true });
  }
}

describe('The deployable template (serverless package --stage prod)', () => {
  let resources: Record<string, Resource>;

  beforeAll(() => {
    resources = packageTemplate('prod');
  }, 120_000);

  const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);

  it('declares the bus, the tables, the admin topic and the failed-invocations queue under the stage name', () => {
    expect(ofType('AWS::Events::EventBus').map((r) => r.Properties.Name)).toEqual(['nfvi-doctor-prod']);
    expect(
      ofType('AWS::DynamoDB::Table')
        .map((r) => r.Properties.TableName)
        .sort(),
    ).toEqual([
      'nfvi-doctor-prod-alarm-views',
      'nfvi-doctor-prod-alarms',
      'nfvi-doctor-prod-fencing',
      'nfvi-doctor-prod-inventory',
      'nfvi-doctor-prod-maintenance-constraints',
      'nfvi-doctor-prod-maintenance-sessions',
      'nfvi-doctor-prod-peer-votes',
      'nfvi-doctor-prod-quarantine',
      'nfvi-doctor-prod-recoveries',
      'nfvi-doctor-prod-recovery-policies',
      'nfvi-doctor-prod-subscriptions',
      'nfvi-doctor-prod-tenants',
      'nfvi-doctor-prod-vim-actions',
    ]);
    expect(ofType('AWS::SNS::Topic').map((r) => r.Properties.TopicName)).toEqual(['nfvi-doctor-prod-admin']);
    expect(ofType('AWS::SQS::Queue').map((r) => r.Properties.QueueName)).toEqual([
      'nfvi-doctor-prod-failed-invocations',
    ]);
  });

  it('offers the hosts a policy that lets collectors put nfvi.collector events on the bus, and nothing else', () => {
    const [policy] = ofType('AWS::IAM::ManagedPolicy');
    expect(policy?.Properties.ManagedPolicyName).toBe('nfvi-doctor-prod-collector');
    expect(policy?.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': ['EventBus', 'Arn'] },
        Condition: { StringEquals: { 'events:source': 'nfvi.collector' } },
      },
    ]);
  });

  const ruleOn = (source: string) =>
    ofType('AWS::Events::Rule').find((r) => r.Properties.EventPattern?.source?.includes(source));
  /** The event patterns that trigger a function (its rules' targets name it). */
  const patternsOf = (fn: string) =>
    ofType('AWS::Events::Rule')
      .filter((r) => JSON.stringify(r.Properties.Targets).includes(`"${fn}LambdaFunction"`))
      .map((r) => r.Properties.EventPattern ?? r.Properties.ScheduleExpression);
  const statementsOf = (role: string) =>
    (resources[role] as Resource).Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);

  it('triggers the correlator from the nfvi.collector source on its own bus, kept warm', () => {
    const rule = ruleOn('nfvi.collector');
    expect(rule?.Properties.EventPattern).toEqual({ source: ['nfvi.collector'] });
    expect(rule?.Properties.EventBusName).toEqual({ 'Fn::GetAtt': ['EventBus', 'Name'] });
    expect(ofType('AWS::Lambda::Alias')[0]?.Properties.ProvisionedConcurrencyConfig).toEqual({
      ProvisionedConcurrentExecutions: 1,
    });
  });

  it('triggers the VIM adapter from FaultConfirmed and FaultCleared, and retries pending VIM work every minute', () => {
    expect(patternsOf('VimAdapter')).toEqual([
      { source: ['nfvi.correlator'], 'detail-type': ['FaultConfirmed', 'FaultCleared'] },
    ]);
    expect(patternsOf('VimRetry')).toEqual(['rate(1 minute)']);
    const schedules = ofType('AWS::Events::Rule')
      .map((r) => r.Properties.ScheduleExpression)
      .filter(Boolean);
    expect(schedules.sort()).toEqual([
      'rate(1 minute)',
      'rate(1 minute)',
      'rate(1 minute)',
      'rate(1 minute)',
      'rate(5 minutes)',
    ]);
  });

  it("fences on FaultConfirmed, tells the correlator the fencer's outcome, and recovers on deaths, fencings, returns and answers", () => {
    expect(patternsOf('Fencer')).toEqual([
      { source: ['nfvi.correlator'], 'detail-type': ['FaultConfirmed'], detail: { faultKey: ['peers'] } },
    ]);
    expect(patternsOf('Correlator')).toContainEqual({
      source: ['nfvi.fencing'],
      'detail-type': ['HostFenced', 'HostFencingFailed'],
    });
    expect(patternsOf('RecoveryWorkflow')).toEqual([
      {
        source: ['nfvi.correlator'],
        'detail-type': ['FaultConfirmed', 'FaultCleared'],
        detail: { faultKey: ['peers'] },
      },
      { source: ['nfvi.fencing'], 'detail-type': ['HostFenced'] },
      { source: ['nfvi.recovery'], 'detail-type': ['RecoveryAnswered'] },
    ]);
    expect(patternsOf('RecoverySweeper')).toEqual(['rate(1 minute)']);
  });

  it('lets only the fencer read the BMC credentials, and the fencer nothing of the VIM', () => {
    const ssmOf = (role: string) =>
      statementsOf(role)
        .filter((s: any) => s.Action === 'ssm:GetParameter')
        .map((s: any) => s.Resource['Fn::Sub']);
    expect(ssmOf('FencerRole')).toEqual([
      'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/nfvi-doctor/prod/bmc-credentials',
    ]);
    const others = ofType('AWS::IAM::Role').filter((r) => r !== resources.FencerRole);
    expect(JSON.stringify(others)).not.toContain('bmc-credentials');
    const env = (resources.FencerLambdaFunction as Resource).Properties.Environment.Variables;
    expect(env.NFVI_BMC_CREDENTIALS_PARAMETER).toBe('/nfvi-doctor/prod/bmc-credentials');
  });

  it('drives maintenance from its own work events and the operator hook answers, and sweeps every minute', () => {
    expect(ruleOn('nfvi.maintenance')?.Properties.EventPattern).toEqual({
      source: ['nfvi.maintenance'],
      'detail-type': ['MaintenanceWork'],
    });
    expect(ruleOn('nfvi.operator')?.Properties.EventPattern).toEqual({
      source: ['nfvi.operator'],
      'detail-type': ['HostMaintenanceCompleted', 'HostMaintenanceFailed'],
    });
    const env = (resources.MaintenanceApiLambdaFunction as Resource).Properties.Environment.Variables;
    expect(JSON.stringify(env.NFVI_MAINTENANCE_API_URL)).toContain('ApiGatewayRestApi');
  });

  it('binds the functions that talk to OpenStack to the stage VPC, and only those', () => {
    const vpcBound = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.VpcConfig)
      .map(([name]) => name)
      .sort();
    expect(vpcBound).toEqual([
      'FencerLambdaFunction',
      'InventorySyncLambdaFunction',
      'KeystoneAuthorizerLambdaFunction',
      'KeystoneBasicAuthorizerLambdaFunction',
      'MaintenanceApiLambdaFunction',
      'MaintenanceConstraintsLambdaFunction',
      'MaintenanceSweeperLambdaFunction',
      'MaintenanceWorkflowLambdaFunction',
      'RecoverySweeperLambdaFunction',
      'RecoveryWorkflowLambdaFunction',
      'VimAdapterLambdaFunction',
      'VimRetryLambdaFunction',
    ]);
    expect((resources.VimAdapterLambdaFunction as Resource).Properties.VpcConfig).toEqual({
      SubnetIds: { 'Fn::Split': [',', 'subnet-0a1b,subnet-2c3d'] },
      SecurityGroupIds: { 'Fn::Split': [',', 'sg-0e4f'] },
    });
  });

  it('gives every function a role of its own kind, with no wildcard action or resource', () => {
    const functions = ofType('AWS::Lambda::Function');
    for (const fn of functions) expect(fn.Properties.Role['Fn::GetAtt'][0]).toMatch(/Role$/);
    const statements = ofType('AWS::IAM::Role').flatMap((role) =>
      (role.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement),
    );
    expect(statements.length).toBeGreaterThan(10);
    for (const s of statements) {
      expect([s.Action].flat().every((a: string) => !a.includes('*'))).toBe(true);
      expect(s.Resource).not.toBe('*');
    }
    const tenantTopics = statements.filter((s: any) => [s.Action].flat().includes('sns:CreateTopic'));
    for (const s of tenantTopics) expect(s.Resource['Fn::Sub']).toMatch(/:nfvi-doctor-prod-tenant-\*$/);
  });

  it('reads the VIM credentials from SSM at run time and keeps them out of the template', () => {
    const env = (resources.VimAdapterLambdaFunction as Resource).Properties.Environment.Variables;
    expect(env.NFVI_VIM_CREDENTIALS_PARAMETER).toBe('/nfvi-doctor/prod/vim-credentials');
    const ssm = ofType('AWS::IAM::Role')
      .flatMap((role) => (role.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement))
      .filter((s: any) => s.Action === 'ssm:GetParameter');
    for (const s of ssm) expect(s.Resource['Fn::Sub']).toMatch(/:parameter\/nfvi-doctor\/prod\/(vim|bmc)-credentials$/);
  });

  it('puts the API routes behind the Keystone authorizer', () => {
    const methods = ofType('AWS::ApiGateway::Method');
    expect(methods.length).toBe(31);
    const byAuthorizer = new Map<string, number>();
    for (const m of methods) {
      expect(m.Properties.AuthorizationType).toBe('CUSTOM');
      const ref = m.Properties.AuthorizerId.Ref as string;
      byAuthorizer.set(ref, (byAuthorizer.get(ref) ?? 0) + 1);
    }
    // Only Alertmanager's webhook takes Basic auth (an application credential).
    expect(Object.fromEntries(byAuthorizer)).toEqual({
      KeystoneAuthorizerApiGatewayAuthorizer: 30,
      KeystoneBasicAuthorizerApiGatewayAuthorizer: 1,
    });
    expect(
      ofType('AWS::ApiGateway::Authorizer')
        .map((a) => a.Properties.IdentitySource)
        .sort(),
    ).toEqual(['method.request.header.Authorization', 'method.request.header.X-Auth-Token']);
  });

  it("lets the fault API subscribe only to the stage's notification topics, and read only its own tables", () => {
    const role = resources.FaultApiRole as Resource;
    const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    const sns = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('sns:')));
    expect(sns.map((s: any) => s.Resource)).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:nfvi-doctor-prod-tenant-*' },
      { Ref: 'AdminTopic' },
    ]);
    expect(sns.flatMap((s: any) => [s.Action].flat()).sort()).toEqual([
      'sns:CreateTopic',
      'sns:Subscribe',
      'sns:Subscribe',
      'sns:Unsubscribe',
      'sns:Unsubscribe',
    ]);
    expect((resources.FaultApiLambdaFunction as Resource).Properties.VpcConfig).toBeUndefined();
  });

  it('holds no credentials in the template', () => {
    const text = JSON.stringify(resources);
    expect(text).not.toMatch(/AWS_SECRET_ACCESS_KEY|password/i);
  });
});
