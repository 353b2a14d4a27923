import { PROD_LIKE_PARAMS } from '../../infra/deploy/package-stage';
import { TemplateValues, type CfnTemplate } from '../support/iam/cloudformation';
import { packagedTemplate } from '../support/packaged-template';

type Resource = { Type: string; Properties: Record<string, any> };

describe('The deployable template (serverless package --stage prod)', () => {
  let resources: Record<string, Resource>;

  beforeAll(() => {
    resources = packagedTemplate('prod').Resources as Record<string, Resource>;
  }, 120_000);

  const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);

  it('declares the bus, the tables, the topics and the dead-letter queues under the stage name', () => {
    expect(ofType('AWS::Events::EventBus').map((r) => r.Properties.Name)).toEqual(['nfvi-doctor-prod']);
    expect(
      ofType('AWS::DynamoDB::Table')
        .map((r) => r.Properties.TableName)
        .sort(),
    ).toEqual([
      'nfvi-doctor-prod-alarm-views',
      'nfvi-doctor-prod-alarms',
      'nfvi-doctor-prod-callback-deliveries',
      'nfvi-doctor-prod-callback-subscriptions',
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
    expect(
      ofType('AWS::SNS::Topic')
        .map((r) => r.Properties.TopicName)
        .sort(),
    ).toEqual(['nfvi-doctor-prod-admin', 'nfvi-doctor-prod-operations-alarms']);
    expect(
      ofType('AWS::SQS::Queue')
        .map((r) => r.Properties.QueueName)
        .sort(),
    ).toEqual([
      'nfvi-doctor-prod-callback-dead-letters',
      'nfvi-doctor-prod-event-dead-letters',
      'nfvi-doctor-prod-failed-invocations',
      'nfvi-doctor-prod-notification-dead-letters',
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
        .filter((s: any) => s.Action === 'ssm:GetParameters')
        .map((s: any) => s.Resource['Fn::Sub']);
    expect(ssmOf('FencerRole')).toEqual([
      'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/nfvi-doctor/prod/bmc-credentials',
    ]);
    const others = ofType('AWS::IAM::Role').filter((r) => r !== resources.FencerRole);
    expect(JSON.stringify(others)).not.toContain('bmc-credentials');
    const env = (resources.FencerLambdaFunction as Resource).Properties.Environment.Variables;
    expect(env.NFVI_BMC_CREDENTIALS_PARAMETER).toBe('/nfvi-doctor/prod/bmc-credentials');
  });

  it("drives maintenance from its own work events and the operator hook's answers (hosts, pre and post plug-ins)", () => {
    expect(ruleOn('nfvi.maintenance')?.Properties.EventPattern).toEqual({
      source: ['nfvi.maintenance'],
      'detail-type': ['MaintenanceWork'],
    });
    expect(ruleOn('nfvi.operator')?.Properties.EventPattern).toEqual({
      source: ['nfvi.operator'],
      'detail-type': [
        'HostMaintenanceCompleted',
        'HostMaintenanceFailed',
        'MaintenanceActionsCompleted',
        'MaintenanceActionsFailed',
      ],
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
      SubnetIds: { 'Fn::Split': [',', 'subnet-0a1b2c3d4e5f60718,subnet-0f1e2d3c4b5a69788'] },
      SecurityGroupIds: { 'Fn::Split': [',', 'sg-0123456789abcdef0'] },
    });
  });

  it('gives every function a role of its own kind, with no wildcard action or resource', () => {
    const functions = ofType('AWS::Lambda::Function');
    for (const fn of functions) expect(fn.Properties.Role['Fn::GetAtt'][0]).toMatch(/Role$/);
    // As CloudFormation evaluates them, with and without a customer-managed key.
    const key = 'arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const statements = [packagedTemplate('prod'), packagedTemplate('prod', [...PROD_LIKE_PARAMS, `kmsKeyArn=${key}`])]
      .map((template) => new TemplateValues(template, { region: 'eu-west-1', account: '210987654321' }))
      .flatMap((values) =>
        Object.values(values.template.Resources)
          .filter((r) => r.Type === 'AWS::IAM::Role')
          .flatMap((role) => values.resolve(role.Properties?.Policies ?? []) as any[])
          .flatMap((p) => p.PolicyDocument.Statement),
      );
    expect(statements.length).toBeGreaterThan(10);
    for (const s of statements) {
      expect([s.Action].flat().every((a: string) => !a.includes('*'))).toBe(true);
      expect([s.Resource].flat()).not.toContain('*');
    }
    const tenantTopics = statements.filter((s: any) => [s.Action].flat().includes('sns:CreateTopic'));
    for (const s of tenantTopics) expect(s.Resource).toMatch(/:nfvi-doctor-prod-tenant-\*$/);
  });

  it('reads the VIM credentials from SSM at run time and keeps them out of the template', () => {
    const env = (resources.VimAdapterLambdaFunction as Resource).Properties.Environment.Variables;
    expect(env.NFVI_VIM_CREDENTIALS_PARAMETER).toBe('/nfvi-doctor/prod/vim-credentials');
    const ssm = ofType('AWS::IAM::Role')
      .flatMap((role) => (role.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement))
      .filter((s: any) => s.Action === 'ssm:GetParameters');
    for (const s of ssm) expect(s.Resource['Fn::Sub']).toMatch(/:parameter\/nfvi-doctor\/prod\/(vim|bmc)-credentials$/);
  });

  it('puts the API routes behind the Keystone authorizer, all but the public API description', () => {
    const all = ofType('AWS::ApiGateway::Method');
    const open = all.filter((m) => m.Properties.AuthorizationType !== 'CUSTOM');
    expect(
      open.map((m) => [m.Properties.HttpMethod, m.Properties.AuthorizationType, m.Properties.ResourceId.Ref]),
    ).toEqual([['GET', 'NONE', 'ApiGatewayResourceOpenapijson']]);
    const methods = all.filter((m) => m.Properties.AuthorizationType === 'CUSTOM');
    expect(methods.length).toBe(41);
    const byAuthorizer = new Map<string, number>();
    for (const m of methods) {
      const ref = m.Properties.AuthorizerId.Ref as string;
      byAuthorizer.set(ref, (byAuthorizer.get(ref) ?? 0) + 1);
    }
    // Only Alertmanager's webhook takes Basic auth (an application credential).
    expect(Object.fromEntries(byAuthorizer)).toEqual({
      KeystoneAuthorizerApiGatewayAuthorizer: 40,
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
      'sns:TagResource',
      'sns:Unsubscribe',
      'sns:Unsubscribe',
    ]);
    expect((resources.FaultApiLambdaFunction as Resource).Properties.VpcConfig).toBeUndefined();
  });

  it('has EventBridge try every rule target for a day, then keep the event in the event dead-letter queue', () => {
    const targets = ofType('AWS::Events::Rule').flatMap((r) => r.Properties.Targets);
    expect(targets.length).toBeGreaterThanOrEqual(15);
    for (const target of targets) {
      expect(target).toMatchObject({
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['EventDeadLetterQueue', 'Arn'] } },
      });
    }
    const policy = ofType('AWS::SQS::QueuePolicy')[0]?.Properties.PolicyDocument.Statement;
    expect(policy.map((s: any) => [s.Principal.Service, s.Resource['Fn::GetAtt'][0]])).toEqual([
      ['sns.amazonaws.com', 'NotificationDeadLetterQueue'],
      ['events.amazonaws.com', 'EventDeadLetterQueue'],
    ]);
  });

  it('keeps every failed asynchronous invocation of a function that acts on a fault in the failed-invocations queue', () => {
    const destinations = Object.fromEntries(
      ofType('AWS::Lambda::EventInvokeConfig').map((c) => [
        c.Properties.FunctionName.Ref,
        [c.Properties.MaximumRetryAttempts, c.Properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0]],
      ]),
    );
    for (const fn of ['Correlator', 'VimAdapter', 'Fencer', 'RecoveryWorkflow', 'MaintenanceWorkflow']) {
      expect(destinations[`${fn}LambdaFunction`]).toEqual([2, 'FailedInvocationsQueue']);
    }
  });

  it('gives every notification subscription the dead-letter queue, through the fault API', () => {
    const env = (resources.FaultApiLambdaFunction as Resource).Properties.Environment.Variables;
    expect(env.NFVI_NOTIFICATION_DLQ_ARN).toEqual({ 'Fn::GetAtt': ['NotificationDeadLetterQueue', 'Arn'] });
  });

  // API Gateway's tracing is set on the stage by the framework at deploy time, not in the template.
  it('traces every function with X-Ray, and lets every role send its traces', () => {
    for (const fn of ofType('AWS::Lambda::Function')) expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    for (const role of ofType('AWS::IAM::Role'))
      expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain('AWSXRayDaemonWriteAccess');
  });

  it('retains every table when the stack is removed or the table replaced, with point-in-time recovery', () => {
    const tables = Object.values(resources).filter((r) => r.Type === 'AWS::DynamoDB::Table') as Array<
      Resource & { DeletionPolicy?: string; UpdateReplacePolicy?: string }
    >;
    expect(tables).toHaveLength(15);
    for (const table of tables) {
      expect([table.DeletionPolicy, table.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });

  it('pages the on-call for dead letters, correlator errors and throttles, and a p99 above 500 ms, with a dashboard', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm');
    const named = Object.fromEntries(
      alarms.map((a) => [a.Properties.AlarmName.replace('nfvi-doctor-prod-', ''), a.Properties]),
    );
    expect(Object.keys(named).sort()).toEqual([
      'admin-notifications-failed',
      'callback-dead-letters',
      'correlator-errors',
      'correlator-throttles',
      'event-dead-letters',
      'failed-invocations',
      'fault-to-publish-p99',
      'fencing-failed',
      'notification-dead-letters',
      'vim-actions-failed',
      'vim-adapter-errors',
    ]);
    expect(named['fault-to-publish-p99']).toMatchObject({
      Namespace: 'NfviDoctor',
      MetricName: 'fault.detectionToPublish',
      ExtendedStatistic: 'p99',
      Threshold: 500,
    });
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: 'OperationsAlarmTopic' }]);
    const dashboard = ofType('AWS::CloudWatch::Dashboard')[0]?.Properties;
    expect(dashboard?.DashboardName).toBe('nfvi-doctor-prod');
    const body = JSON.parse(dashboard?.DashboardBody['Fn::Sub'][0]) as { widgets: unknown[] };
    expect(body.widgets.length).toBeGreaterThanOrEqual(5);
  });

  it('encrypts every table, topic and queue, and new tenant topics, with a customer-managed key when given one', () => {
    const key = 'arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const withKey = (template: CfnTemplate) =>
      new TemplateValues(template, { region: 'eu-west-1', account: '210987654321' });
    const keyed = withKey(packagedTemplate('prod', [...PROD_LIKE_PARAMS, `kmsKeyArn=${key}`]));
    const plain = withKey(packagedTemplate('prod'));
    const props = (values: TemplateValues, type: string) =>
      Object.values(values.template.Resources)
        .filter((r) => r.Type === type)
        .map((r) => values.resolve(r.Properties) as Record<string, any>);

    for (const table of props(keyed, 'AWS::DynamoDB::Table'))
      expect(table.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: key });
    for (const topic of props(keyed, 'AWS::SNS::Topic')) expect(topic.KmsMasterKeyId).toBe(key);
    for (const queue of props(keyed, 'AWS::SQS::Queue')) {
      expect(queue.KmsMasterKeyId).toBe(key);
      expect(queue.SqsManagedSseEnabled).toBeUndefined();
    }
    const correlator = props(keyed, 'AWS::Lambda::Function').find((f) => f.FunctionName.endsWith('-correlator'));
    expect(correlator?.Environment.Variables.NFVI_TOPIC_KMS_KEY).toBe(key);

    for (const table of props(plain, 'AWS::DynamoDB::Table')) expect(table.SSESpecification).toBeUndefined();
    for (const topic of props(plain, 'AWS::SNS::Topic')) expect(topic.KmsMasterKeyId).toBe('alias/aws/sns');
    for (const queue of props(plain, 'AWS::SQS::Queue')) expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(JSON.stringify(props(plain, 'AWS::IAM::Role'))).not.toContain('kms:');
  }, 120_000);

  it('holds no credentials in the template', () => {
    const text = JSON.stringify(resources);
    expect(text).not.toMatch(/AWS_SECRET_ACCESS_KEY|password/i);
  });
});
