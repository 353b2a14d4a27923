import type { Server } from '../../lib/vim/nova';
import { NovaHostDrain } from '../../lib/vim/nova-host-drain';
import type { LocalCloud } from '../../infra/local/local-cloud';
import { HOSTS, localCloud } from '../support/openstack';

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
    expect(await drain.move(live.id, 'LIVE_MIGRATE', target)).toBe(target);
    expect(await drain.move(cold.id, 'MIGRATE', target)).toBe(target);
    const left = (await drain.instancesOn(source)).map((i) => i.id);
    expect(left).not.toContain(live.id);
    expect(left).not.toContain(cold.id);
  }, 120_000);

  it('enables the compute service again', async () => {
    await drain.enable(source);
    const [service] = await cloud.nova().listServices({ host: source, binary: 'nova-compute' });
    expect(service?.status).toBe('enabled');
  });
});
