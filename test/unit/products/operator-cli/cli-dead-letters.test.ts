import type { DeadLetter } from '../../../../lib/adapters/sqs/dead-letters';
import { CliHarness, jsonOf } from './cli-harness';

const letter = (over: Partial<DeadLetter>): DeadLetter => ({
  kind: 'notifications',
  id: '7f3a9c21-0000-4000-8000-000000000001',
  sentAt: '2026-12-07T10:00:00.000Z',
  receiveCount: 1,
  target: 'arn:aws:sns:us-east-1:123456789012:nfvi-doctor-test-tenant-epc:0d1e',
  reason: 'Endpoint unavailable: connect ECONNREFUSED',
  body: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:nfvi-doctor-test-tenant-epc', Message: '{}' },
  ...over,
});

describe('nfvi-doctor dead-letters', () => {
  let cli: CliHarness;

  beforeEach(async () => {
    cli = await CliHarness.start();
    cli.deadLetters = [
      letter({}),
      letter({ id: '7f3a9c21-0000-4000-8000-000000000002' }),
      letter({
        kind: 'invocations',
        id: 'b0c4e5f6-0000-4000-8000-000000000003',
        target: 'arn:aws:lambda:us-east-1:123456789012:function:nfvi-doctor-test-vimAdapter:$LATEST',
      }),
    ];
  });

  afterEach(() => cli.stop());

  it('lists the dead letters of every kind, where each was going and why it was given up', async () => {
    // Act
    const result = await cli.run(['dead-letters', 'list']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('notifications');
    expect(result.stdout).toContain('invocations');
    expect(result.stdout).toContain('Endpoint unavailable');
    expect(result.stdout).toContain('nfvi-doctor-test-vimAdapter');
  });

  it('lists one kind as JSON', async () => {
    // Act
    const result = await cli.run(['--json', 'dead-letters', 'list', 'invocations']);

    // Assess
    expect(result.code).toBe(0);
    expect((jsonOf(result) as DeadLetter[]).map((l) => l.id)).toEqual(['b0c4e5f6-0000-4000-8000-000000000003']);
  });

  it('shows one dead letter by the first characters of its id, with what it carried', async () => {
    // Act
    const result = await cli.run(['dead-letters', 'show', 'invocations', 'b0c4e5f6']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('target: arn:aws:lambda');
    expect(result.stdout).toContain('"TopicArn"');
  });

  it('refuses an id prefix that names two dead letters', async () => {
    // Act
    const result = await cli.run(['dead-letters', 'show', 'notifications', '7f3a9c21']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('names 2 dead letters');
  });

  it('redrives the dead letters named and leaves the others', async () => {
    // Act
    const result = await cli.run(['dead-letters', 'redrive', 'notifications', '7f3a9c21-0000-4000-8000-000000000002']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 redriven');
    expect(cli.redriven).toEqual([{ kind: 'notifications', id: '7f3a9c21-0000-4000-8000-000000000002' }]);
    expect(cli.deadLetters.map((l) => l.id)).toHaveLength(2);
  });

  it('redrives every dead letter of a kind with --all', async () => {
    // Act
    const result = await cli.run(['dead-letters', 'redrive', 'notifications', '--all']);

    // Assess
    expect(result.code).toBe(0);
    expect(cli.deadLetters.map((l) => l.kind)).toEqual(['invocations']);
  });

  it('asks for ids or --all, and refuses an unknown id', async () => {
    // Act
    const none = await cli.run(['dead-letters', 'redrive', 'events']);
    const unknown = await cli.run(['dead-letters', 'redrive', 'notifications', 'ffffffff']);

    // Assess
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--all');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no dead letter ffffffff');
    expect(cli.redriven).toEqual([]);
  });
});
