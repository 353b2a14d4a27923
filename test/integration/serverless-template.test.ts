import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/local/stack';

type Resource = { Type: string; Properties: Record<string, any> };

/** The CloudFormation template `serverless deploy --stage prod` would deploy. */
function packageTemplate(stage: string): Record<string, Resource> {
  const dir = mkdtempSync(join(tmpdir(), 'nfvi-package-'));
  try {
    execFileSync(
      process.execPath,
      [
        join(PROJECT_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'),
        'package',
        '--stage',
        stage,
        '--package',
        dir,
      ],
      { cwd: PROJECT_ROOT, stdio: 'pipe', env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' } },
    );
    return JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')).Resources;
  } finally {
    rmSync(dir, { recursive: true, force: true });
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
      'nfvi-doctor-prod-alarms',
      'nfvi-doctor-prod-inventory',
      'nfvi-doctor-prod-quarantine',
      'nfvi-doctor-prod-tenants',
    ]);
    expect(ofType('AWS::SNS::Topic').map((r) => r.Properties.TopicName)).toEqual(['nfvi-doctor-prod-admin']);
    expect(ofType('AWS::SQS::Queue').map((r) => r.Properties.QueueName)).toEqual([
      'nfvi-doctor-prod-failed-invocations',
    ]);
  });

  it('triggers the correlator from the nfvi.collector source on its own bus, kept warm', () => {
    const [rule] = ofType('AWS::Events::Rule');
    expect(rule?.Properties.EventPattern).toEqual({ source: ['nfvi.collector'] });
    expect(rule?.Properties.EventBusName).toEqual({ 'Fn::GetAtt': ['EventBus', 'Name'] });
    expect(ofType('AWS::Lambda::Alias')[0]?.Properties.ProvisionedConcurrencyConfig).toEqual({
      ProvisionedConcurrentExecutions: 1,
    });
  });

  it("gives the correlator its own role, with no wildcard action and tenant topics limited to the stage's prefix", () => {
    const fn = resources.CorrelatorLambdaFunction as Resource;
    expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': ['CorrelatorRole', 'Arn'] });
    const statements = (resources.CorrelatorRole as Resource).Properties.Policies.flatMap(
      (p: any) => p.PolicyDocument.Statement,
    );
    for (const s of statements) {
      expect([s.Action].flat().every((a: string) => !a.includes('*'))).toBe(true);
      expect(s.Resource).not.toBe('*');
    }
    const snsCreate = statements.find((s: any) => [s.Action].flat().includes('sns:CreateTopic'));
    expect(snsCreate.Resource['Fn::Sub']).toMatch(/:nfvi-doctor-prod-tenant-\*$/);
  });

  it('holds no credentials in the template', () => {
    const text = JSON.stringify(resources);
    expect(text).not.toMatch(/AWS_SECRET_ACCESS_KEY|password/i);
  });
});
