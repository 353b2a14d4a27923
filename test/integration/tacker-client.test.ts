import { CallbackConsumer } from '../support/callback-consumer';
import { localCloud } from '../support/openstack';
import { openstackJson, runOpenstack, tenantCredentials, type OpenStackCliResult } from '../support/openstack-cli';
import { createWorld, eventually, type World } from '../support/world';

type Row = Record<string, unknown>;

const value = <T>(result: OpenStackCliResult<T>): T => {
  if (!result.ok) throw new Error(`openstack failed (${result.code}): ${result.stderr}`);
  return result.value;
};

/**
 * The SOL 003 binding driven by the real client from Debian's packages: python3-openstackclient
 * with python3-tackerclient's `vnffm` commands, with a tenant's Keystone credentials, finding
 * nfvi-doctor through the local Keystone's catalog (service type nfv-orchestration).
 */
describe("OpenStack's Tacker client against the SOL 003 binding", () => {
  let world: World;
  let consumer: CallbackConsumer;
  const a = () => tenantCredentials('tenant-a');
  const b = () => tenantCredentials('tenant-b');

  beforeAll(async () => {
    const cloud = localCloud();
    world = await createWorld(
      { tacker: [{ name: 'mme', tenant: 'a' }], 'tacker-b': [{ name: 'sgw', tenant: 'b' }] },
      [],
      { a: cloud.projectId('tenant-a'), b: cloud.projectId('tenant-b') },
    );
    consumer = await CallbackConsumer.start();
    await world.injector.put([
      world.injector.link(world.host('tacker'), 'down'),
      world.injector.link(world.host('tacker-b'), 'down'),
    ]);
  });

  afterAll(async () => {
    await consumer.close();
    await world.close();
  });

  it('lists (with a filter), shows and acknowledges a tenant’s alarms, and nothing of another tenant', async () => {
    // Prepare
    const filter = `(eq,managedObjectId,mme-${world.id})`;
    let listed: Row[] = [];
    await eventually(async () => {
      listed = value(await openstackJson<Row[]>(a(), ['vnffm', 'alarm', 'list', '--filter', filter]));
      return listed.length === 1;
    }, "tenant a's alarm through the client");
    const id = String(listed[0]?.ID);

    // Act
    const shown = value(await openstackJson<Row>(a(), ['vnffm', 'alarm', 'show', id]));
    const updated = value(
      await openstackJson<Row>(a(), ['vnffm', 'alarm', 'update', '--ack-state', 'ACKNOWLEDGED', id]),
    );
    const again = await openstackJson<Row>(a(), ['vnffm', 'alarm', 'update', '--ack-state', 'ACKNOWLEDGED', id]);
    const byB = await openstackJson<Row>(b(), ['vnffm', 'alarm', 'show', id]);
    const listOfB = value(await openstackJson<Row[]>(b(), ['vnffm', 'alarm', 'list', '--filter', filter]));

    // Assess
    expect(listed[0]).toMatchObject({
      'Managed Object Id': `mme-${world.id}`,
      'Ack State': 'UNACKNOWLEDGED',
      'Perceived Severity': 'CRITICAL',
    });
    expect(shown).toMatchObject({ ID: id, 'Managed Object Id': `mme-${world.id}` });
    expect(updated).toMatchObject({ 'Ack State': 'ACKNOWLEDGED' });
    expect(again.ok).toBe(false);
    expect(again.ok ? '' : again.stderr).toMatch(/already ACKNOWLEDGED/);
    expect(byB.ok).toBe(false);
    expect(byB.ok ? '' : byB.stderr).toMatch(/no alarm/);
    expect(listOfB).toEqual([]);
  });

  it('creates, lists, shows and deletes a subscription, which only its tenant sees', async () => {
    // Act
    const created = value(
      await openstackJson<Row>(a(), [
        'vnffm',
        'sub',
        'create',
        { jsonFile: { callbackUri: consumer.url, filter: { perceivedSeverities: ['CRITICAL'] } } },
      ]),
    );
    const id = String(created.ID);
    const listed = value(await openstackJson<Row[]>(a(), ['vnffm', 'sub', 'list']));
    const shown = value(await openstackJson<Row>(a(), ['vnffm', 'sub', 'show', id]));
    const byB = await openstackJson<Row>(b(), ['vnffm', 'sub', 'show', id]);
    const deleted = await runOpenstack(a(), ['vnffm', 'sub', 'delete', id]);
    const afterwards = await openstackJson<Row>(a(), ['vnffm', 'sub', 'show', id]);

    // Assess
    expect(created).toMatchObject({ 'Callback Uri': consumer.url });
    expect(consumer.received.map((r) => r.method)).toContain('GET');
    expect(listed.map((s) => s.ID)).toContain(id);
    expect(shown).toMatchObject({ ID: id, Filter: { perceivedSeverities: ['CRITICAL'] } });
    expect(byB.ok).toBe(false);
    expect(deleted.ok).toBe(true);
    expect(afterwards.ok).toBe(false);
  });
});
