import { join } from 'node:path';
import { parametersOf, problemsOf } from '../../../infra/deploy/stage-parameters';

const SERVERLESS_YML = join(__dirname, '..', '..', '..', 'serverless.yml');
const VPC = {
  vimSubnetIds: 'subnet-0a1b2c3d4e5f60718,subnet-0f1e2d3c4b5a69788',
  vimSecurityGroupIds: 'sg-0123456789abcdef0',
};

describe('Stage parameters, checked before a package or a deploy', () => {
  it("accepts a production stage given its VPC, with serverless.yml's defaults for the rest", () => {
    expect(problemsOf(parametersOf(SERVERLESS_YML, 'prod', VPC))).toEqual([]);
  });

  it('names every required parameter that is missing, and how to give it', () => {
    const problems = problemsOf(parametersOf(SERVERLESS_YML, 'prod', {}));

    expect(problems).toEqual([
      expect.stringMatching(/^vimSubnetIds: missing; give it with --param="vimSubnetIds=\.\.\."/),
      expect.stringMatching(/^vimSecurityGroupIds: missing/),
    ]);
  });

  it('refuses an empty subnet list, a negative grace period and a table policy CloudFormation does not know', () => {
    const problems = problemsOf(
      parametersOf(SERVERLESS_YML, 'prod', {
        ...VPC,
        vimSubnetIds: ' , ',
        recoveryGraceS: '-5',
        tableDeletionPolicy: 'Forget',
      }),
    );

    expect(problems).toEqual([
      'vimSubnetIds: at least one subnet id (given " , ")',
      expect.stringMatching(/^recoveryGraceS: .*>=0 \(given "-5"\)$/),
      expect.stringMatching(/^tableDeletionPolicy: .*Retain.*Delete/),
    ]);
  });

  it('refuses what is not an id, a CIDR or a JSON object where one is expected', () => {
    const problems = problemsOf(
      parametersOf(SERVERLESS_YML, 'prod', {
        ...VPC,
        vimSecurityGroupIds: 'default',
        callbackAllowList: '10.0.0.0/8,intranet',
        doctorMonitorTimezones: '["UTC"]',
      }),
    );

    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'vimSecurityGroupIds',
      'callbackAllowList',
      'doctorMonitorTimezones',
    ]);
  });

  it("leaves the local stage's values from the environment to the framework", () => {
    expect(problemsOf(parametersOf(SERVERLESS_YML, 'local', VPC))).toEqual([]);
  });
});
