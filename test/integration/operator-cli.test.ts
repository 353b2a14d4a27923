import { GetTopicAttributesCommand, NotFoundException } from '@aws-sdk/client-sns';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/local/stack';
import { sessionList } from '../../lib/maintenance/api/session-view';
import { awsClients } from '../../lib/platform/aws-clients';
import { localCloud } from '../support/openstack';
import { createWorld, eventually, waitUntil, type World } from '../support/world';

const CLI = join(PROJECT_ROOT, 'lib', 'products', 'operator-cli', 'main.ts');
const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `nfvi-doctor <args>` as an operator runs it from the repository (`npm run cli -- ...`). */
function start(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(TSX, [CLI, ...args], { cwd: PROJECT_ROOT, env });
  const ran: Ran = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (ran.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (ran.stderr += chunk.toString()));
  const exited = new Promise<Ran>((done) => child.on('exit', (code) => done({ ...ran, code })));
  return { child, ran, exited };
}

const cli = (...args: string[]) => start(args).exited;

/** The operator CLI against the local stack and the local OpenStack's admin (`--local`). */
describe('Operator CLI nfvi-doctor (--local)', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld({ 'cli-host': [{ name: 'vnf', tenant: 'a' }] }, [], {
      a: localCloud().projectId('tenant-a'),
    });
  });

  afterAll(() => world.close());

  it('injects a test fault that appears among the alarms and on the host, and acknowledges it', async () => {
    // Act
    const injected = await cli('--local', 'inject', world.host('cli-host'), 'host-down');

    // Assess
    expect(injected.code).toBe(0);
    expect(injected.stdout).toContain('compute.host.down');
    let alarms: Array<{ id: string; faultType: string; ackState: string }> = [];
    await eventually(async () => {
      const listed = await cli('--local', '--json', 'alarms', '--resource', world.host('cli-host'));
      alarms = JSON.parse(listed.stdout) as typeof alarms;
      return alarms.length === 1;
    }, 'the host alarm in `nfvi-doctor alarms`');
    expect(alarms[0]).toMatchObject({ faultType: 'compute.host.down', ackState: 'UNACKNOWLEDGED' });

    const hosts = await cli('--local', '--json', 'hosts');
    expect(hosts.code).toBe(0);
    const host = (JSON.parse(hosts.stdout) as Array<Record<string, unknown>>).find(
      (h) => h.host === world.host('cli-host'),
    );
    expect(JSON.stringify(host)).toContain('compute.host.down');

    const table = await cli('--local', 'alarms', '--resource', world.host('cli-host'));
    expect(table.stdout).toContain((alarms[0] as { id: string }).id.slice(0, 8));

    const acked = await cli('--local', 'alarms', 'ack', (alarms[0] as { id: string }).id.slice(0, 8));
    const again = await cli('--local', 'alarms', 'ack', (alarms[0] as { id: string }).id);
    expect(acked.code).toBe(0);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('409');
  });

  it('tails the admin topic through a subscription of its own, verified, and deletes it on Ctrl-C', async () => {
    // Prepare
    const tail = start(['--local', '--json', 'tail']);
    await waitUntil(() => tail.ran.stderr.includes('subscription confirmed'), 'the confirmed subscription', 30_000);
    const subscriptionId = /subscription (\S+):/.exec(tail.ran.stderr)?.[1];

    // Act
    await cli('--local', 'inject', world.host('cli-host'), 'psu-error');
    await waitUntil(
      () => tail.ran.stdout.includes(world.host('cli-host')) && tail.ran.stdout.includes('compute.host.power.error'),
      'the power fault in the tail',
      30_000,
    );
    tail.child.kill('SIGINT');
    const ended = await tail.exited;

    // Assess
    expect(ended.code).toBe(0);
    expect(ended.stderr).toContain(`subscription ${subscriptionId} deleted`);
    expect(ended.stderr).not.toContain('refused a delivery');
    const line = ended.stdout.split('\n').find((l) => l.includes('compute.host.power.error'));
    expect(() => JSON.parse(line as string)).not.toThrow();
  });

  it('lists maintenance sessions as JSON, and names what is missing without --local', async () => {
    const sessions = await cli('--local', '--json', 'maintenance', 'list');
    expect(sessions.code).toBe(0);
    expect(() => sessionList.parse(JSON.parse(sessions.stdout))).not.toThrow();

    const { NFVI_API_URL: _api, OS_AUTH_URL: _auth, ...bare } = process.env;
    const unconfigured = await start(['alarms'], bare).exited;
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.stderr).toContain('NFVI_API_URL');
  });

  it("lists a departing tenant's topic and subscriptions, and removes them", async () => {
    // Prepare: a tenant of its own, with a topic (created with the inventory) and an API subscription.
    const departing = await createWorld({ 'gone-host': [{ name: 'vnf', tenant: 'gone' }] });
    const tenantId = departing.tenant('gone');
    const topicArn = departing.topics.get(tenantId) as string;
    await departing.close();

    // Act
    const shown = await cli('--local', '--json', 'tenants', 'show', tenantId);
    const refused = await cli('--local', 'tenants', 'remove', tenantId);
    const removed = await cli('--local', 'tenants', 'remove', tenantId, '--yes');
    const again = await cli('--local', '--json', 'tenants', 'show', tenantId);

    // Assess
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ tenantId, topicArn });
    expect(refused.code).toBe(2);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`removed ${topicArn}`);
    expect(JSON.parse(again.stdout)).toEqual({
      tenantId,
      topicArn: null,
      createdAt: null,
      topicSubscriptions: [],
      apiSubscriptions: [],
    });
    await expect(awsClients().sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });
});
