import { CliHarness } from './cli-harness';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:nfvi-doctor-test-tenant-epc';

describe('nfvi-doctor tenants', () => {
  let cli: CliHarness;

  beforeEach(async () => {
    cli = await CliHarness.start();
    cli.tenantResources = (tenantId) => ({
      tenantId,
      topicArn: TOPIC,
      createdAt: '2026-12-01T08:00:00.000Z',
      topicSubscriptions: [
        { subscriptionArn: `${TOPIC}:5c1d`, protocol: 'https', endpoint: 'https://vnfm.example/alarms' },
      ],
      apiSubscriptions: [{ id: 'sub-1', callbackUri: 'https://vnfm.example/alarms' }],
    });
  });

  afterEach(() => cli.stop());

  it("shows a tenant's topic, the topic's subscriptions and the API's records of them", async () => {
    // Act
    const result = await cli.run(['tenants', 'show', 'epc']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(TOPIC);
    expect(result.stdout).toContain('https://vnfm.example/alarms');
    expect(result.stdout).toContain('1 subscriptions made through the fault API');
  });

  it('removes nothing without --yes, and says what it would remove', async () => {
    // Act
    const result = await cli.run(['tenants', 'remove', 'epc']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('add --yes');
    expect(cli.removedTenants).toEqual([]);
  });

  it('removes the topic, its subscriptions and the records with --yes', async () => {
    // Act
    const result = await cli.run(['tenants', 'remove', 'epc', '--yes']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`removed ${TOPIC}, 1 topic subscriptions and 1 API records\n`);
    expect(cli.removedTenants).toEqual(['epc']);
  });
});
