import type { LocalCloud } from '../../infra/local/local-cloud';
import type { Server } from '../../lib/adapters/openstack/nova';
import { NovaHostDrain } from '../../lib/adapters/openstack/nova-host-drain';
import type { MoveProgress } from '../../lib/maintenance/host-drain';
import { HOSTS, localCloud } from '../support/openstack';
import { sleep } from '../support/world';

/** Draining a host through the real local Nova, as the maintenance workflow will. */
describe('NovaHostDrain (real Nova, fake hosts)', () => {
  const { source, target } = HOSTS.drain;
  let cloud: LocalCloud;
  let drain: NovaHostDrain;
  const servers: Server[] = [];

  beforeAll(async () => {
    cloud = localCloud();
    drain = new NovaHostDrain(cloud.nova());
    await drain.enable(source);
    const suffix = Date.now().toString(36);
    servers.push(
      ...(await cloud.boot('tenant-a', source, [`drain-live-${suffix}`])),
      ...(await cloud.boot('tenant-b', source, [`drain-cold-${suffix}`])),
    );
  }, 90_000);

  /** Follows a move as the workflow does, confirming a cold migration when Nova waits for it. */
  async function settled(id: string): Promise<MoveProgress> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const progress = await drain.moveProgress(id, source);
      if (progress.kind !== 'moving' || Date.now() > deadline) return progress;
      await sleep(250);
    }
  }

  afterAll(async () => {
    await drain.enable(source);
    await cloud.deleteAll(servers);
  });

  it('disables the compute service with the reason operators see, so nothing new lands there', async () => {
    await drain.disable(source, 'nfvi-doctor maintenance session s-1');
    const [service] = await cloud.nova().listServices({ host: source, binary: 'nova-compute' });
    expect(service).toMatchObject({ status: 'disabled', disabledReason: 'nfvi-doctor maintenance session s-1' });
  });

  it("lists the host's instances of every project", async () => {
    const onHost = await drain.instancesOn(source);
    expect(onHost.map((i) => i.id)).toEqual(expect.arrayContaining(servers.map((s) => s.id)));
    expect(new Set(onHost.filter((i) => servers.some((s) => s.id === i.id)).map((i) => i.projectId))).toEqual(
      new Set([cloud.projectId('tenant-a'), cloud.projectId('tenant-b')]),
    );
  });

  it('live-migrates one instance and cold-migrates the other off the disabled host, leaving it empty of them', async () => {
    const [live, cold] = servers as [Server, Server];
    await drain.startMove(live.id, 'LIVE_MIGRATE', source, target);
    await drain.startMove(cold.id, 'MIGRATE', source, target);
    // Started twice (a retried invocation): the second call sees the move under way and does nothing.
    await drain.startMove(cold.id, 'MIGRATE', source, target);
    expect(await settled(live.id)).toEqual({ kind: 'done', host: target });
    expect(await settled(cold.id)).toEqual({ kind: 'done', host: target });
    const left = (await drain.instancesOn(source)).map((i) => i.id);
    expect(left).not.toContain(live.id);
    expect(left).not.toContain(cold.id);
  }, 120_000);

  it('reports a move done only once the instance runs elsewhere, and repeating the report changes nothing', async () => {
    const [live] = servers as [Server, Server];
    expect(await drain.moveProgress(live.id, source)).toEqual({ kind: 'done', host: target });
    await drain.startMove(live.id, 'LIVE_MIGRATE', source, target);
    expect((await cloud.nova().getServer(live.id)).host).toBe(target);
  });

  it('enables the compute service again', async () => {
    await drain.enable(source);
    const [service] = await cloud.nova().listServices({ host: source, binary: 'nova-compute' });
    expect(service?.status).toBe('enabled');
  });
});
