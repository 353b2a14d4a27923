import { KeystoneSession, type ServiceRequest } from '../../lib/adapters/openstack/keystone';
import { adminCredentials } from '../../lib/adapters/openstack/local-openstack';
import { NeutronClient } from '../../lib/adapters/openstack/neutron';
import { NovaClient, type Server } from '../../lib/adapters/openstack/nova';
import { VimError } from '../../lib/adapters/openstack/vim-error';
import { HOSTS, localCloud } from '../support/openstack';
import { eventually } from '../support/world';

const { source, target } = HOSTS.client;

/** The OpenStack adapter (lib/adapters/openstack) against the real local OpenStack (Keystone, Nova with the fake driver, Neutron). */
describe('OpenStack client (real Keystone + Nova + Neutron)', () => {
  const cloud = localCloud();
  const nova = cloud.nova();
  const servers: Server[] = [];

  afterAll(async () => {
    await cloud.deleteAll(servers);
    await Promise.all([source, target].map((h) => nova.forceDown(h, false).catch(() => undefined)));
  });

  describe('Keystone', () => {
    it('authenticates with a password and finds the services in the catalog', async () => {
      const session = new KeystoneSession(adminCredentials(cloud.env));
      expect(await session.endpoint('compute')).toMatch(/^http:\/\/127\.0\.0\.1:8774\//);
      expect(await session.endpoint('network')).toMatch(/^http:\/\/127\.0\.0\.1:9696/);
    });

    it('authenticates with an application credential', async () => {
      const admin = new KeystoneSession(adminCredentials(cloud.env));
      const me = await admin.validate(await admin.token());
      const created = await admin.request('identity', {
        method: 'POST',
        path: `/users/${me.userId}/application_credentials`,
        body: { application_credential: { name: `nfvi-doctor-test-${Date.now()}` } },
      });
      const { id, secret } = JSON.parse(created.body).application_credential;
      const session = new KeystoneSession({ kind: 'application-credential', authUrl: cloud.env.authUrl, id, secret });
      expect((await session.validate(await session.token())).projectId).toBe(cloud.env.admin.projectId);
    });

    it('authenticates again when its token was revoked (401), once, transparently', async () => {
      const session = new KeystoneSession(adminCredentials(cloud.env));
      const revoked = await session.token();
      await new KeystoneSession(adminCredentials(cloud.env)).request('identity', {
        method: 'DELETE',
        path: '/auth/tokens',
        headers: { 'X-Subject-Token': revoked },
      });
      const services = await new NovaClient(session).listServices({ binary: 'nova-compute' });
      expect(services.length).toBeGreaterThan(0);
      expect(await session.token()).not.toBe(revoked);
    });

    it("tells a project's token from an invalid one", async () => {
      const admin = new KeystoneSession(adminCredentials(cloud.env));
      const info = await admin.validate(await cloud.memberToken('tenant-a'));
      expect(info).toMatchObject({ projectId: cloud.projectId('tenant-a'), roles: expect.arrayContaining(['member']) });
      await expect(admin.validate('not-a-token')).rejects.toThrow(/invalid token/);
    });
  });

  describe('Nova', () => {
    it('negotiates the highest microversion both sides speak', async () => {
      const mv = await nova.microversion();
      expect(Number(mv.split('.')[1])).toBeGreaterThanOrEqual(53);
    });

    it('lists the compute services and hypervisors of every fake host', async () => {
      const hosts = (await nova.listServices({ binary: 'nova-compute' })).map((s) => s.host);
      expect(hosts).toEqual(expect.arrayContaining([source, target]));
      expect((await nova.listHypervisors()).map((h) => h.hostname)).toEqual(expect.arrayContaining([source, target]));
    });

    it.each([
      ['2.53+ (by service id)', undefined],
      ['2.11-2.52 (by host and binary)', '2.52' as const],
    ])('forces a compute service down and back up with the %s form', async (_form, maxMicroversion) => {
      const client = new NovaClient(new KeystoneSession(adminCredentials(cloud.env)), { maxMicroversion });
      await client.forceDown(source, true);
      expect(await cloud.computeService(source)).toMatchObject({ forcedDown: true, state: 'down' });
      await client.forceDown(source, false);
      expect((await cloud.computeService(source)).forcedDown).toBe(false);
    });

    it('forces a host down with one Nova call once it knows the service ids (one listing for every host)', async () => {
      // Prepare
      const calls: string[] = [];
      class CountingNova extends NovaClient {
        protected override call(request: ServiceRequest, version?: `2.${number}`): Promise<unknown> {
          calls.push(`${request.method} ${request.path.split('?')[0]}`);
          return super.call(request, version);
        }
      }
      const client = new CountingNova(new KeystoneSession(adminCredentials(cloud.env)));
      await client.forceDown(source, false);
      calls.length = 0;

      // Act
      await client.forceDown(target, true);
      await client.forceDown(target, false);

      // Assess
      expect(calls).toEqual([expect.stringMatching(/^PUT \/os-services\/\S+$/), expect.stringMatching(/^PUT /)]);
      expect((await cloud.computeService(target)).forcedDown).toBe(false);
    });

    it.each([
      ['2.53+', undefined],
      ['pre-2.53', '2.52' as const],
    ])('disables a compute service with a reason and enables it again (%s)', async (_form, maxMicroversion) => {
      const client = new NovaClient(new KeystoneSession(adminCredentials(cloud.env)), { maxMicroversion });
      await client.setServiceEnabled(target, false, 'nfvi-doctor test');
      expect(await cloud.computeService(target)).toMatchObject({
        status: 'disabled',
        disabledReason: 'nfvi-doctor test',
      });
      await client.setServiceEnabled(target, true);
      expect((await cloud.computeService(target)).status).toBe('enabled');
    });

    it("lists a host's servers of all projects, page by page", async () => {
      servers.push(...(await cloud.boot('tenant-a', source, ['client-a1', 'client-a2', 'client-a3'])));
      servers.push(...(await cloud.boot('tenant-b', source, ['client-b1', 'client-b2'])));
      const paged = new NovaClient(new KeystoneSession(adminCredentials(cloud.env)), { pageSize: 2 });
      const listed = await paged.listServers({ host: source });
      expect(listed.map((s) => s.id).sort()).toEqual(servers.map((s) => s.id).sort());
      expect(new Set(listed.map((s) => s.tenantId))).toEqual(
        new Set([cloud.projectId('tenant-a'), cloud.projectId('tenant-b')]),
      );
    });

    it('resets every server of a host to ERROR in parallel with bounded concurrency', async () => {
      const failures = await new NovaClient(new KeystoneSession(adminCredentials(cloud.env)), {
        resetConcurrency: 2,
      }).resetStateAll(servers.map((s) => s.id));
      expect(failures).toEqual([]);
      const statuses = await Promise.all(servers.map(async (s) => (await nova.getServer(s.id)).status));
      expect(statuses).toEqual(servers.map(() => 'ERROR'));
      await nova.resetStateAll(
        servers.map((s) => s.id),
        'active',
      );
    });

    it('live-migrates a server to another host', async () => {
      const [server] = await cloud.boot('tenant-a', source, ['client-live']);
      servers.push(server as Server);
      await nova.liveMigrate((server as Server).id, target);
      await eventually(
        async () => (await nova.getServer((server as Server).id)).host === target,
        'the server on the target host',
      );
    });

    it('cold-migrates a server to another host and confirms the resize', async () => {
      const [server] = await cloud.boot('tenant-b', source, ['client-cold']);
      servers.push(server as Server);
      await nova.migrate((server as Server).id, target);
      await nova.waitForStatus((server as Server).id, 'VERIFY_RESIZE');
      await nova.confirmResize((server as Server).id);
      const moved = await nova.waitForStatus((server as Server).id, 'ACTIVE');
      expect(moved.host).toBe(target);
    });

    it("carries Nova's own message when a call fails", async () => {
      const error = await nova.resetState('00000000-0000-0000-0000-000000000000').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VimError);
      expect(error).toMatchObject({ status: 404, vimMessage: expect.stringMatching(/could not be found/i) });
      await expect(nova.forceDown('no-such-host', true)).rejects.toThrow(
        /no nova-compute service on host no-such-host/,
      );
    });
  });

  describe('Neutron', () => {
    it("sets the data plane status of an instance's port down and up", async () => {
      const admin = new KeystoneSession(adminCredentials(cloud.env));
      const [server] = await cloud.boot('tenant-a', target, ['client-port']);
      servers.push(server as Server);
      const network = JSON.parse(
        (
          await admin.request('network', {
            method: 'POST',
            path: '/v2.0/networks',
            body: {
              network: {
                name: `nfvi-test-${Date.now()}`,
                'provider:network_type': 'flat',
                'provider:physical_network': `physnet-${Date.now()}`,
              },
            },
          })
        ).body,
      ).network;
      await admin.request('network', {
        method: 'POST',
        path: '/v2.0/ports',
        body: { port: { network_id: network.id, device_id: (server as Server).id, device_owner: 'compute:nova' } },
      });
      const neutron = new NeutronClient(admin);
      const [port] = await neutron.portsOf((server as Server).id);
      await neutron.setDataPlaneStatus(port?.id as string, 'DOWN');
      expect((await neutron.portsOf((server as Server).id))[0]?.dataPlaneStatus).toBe('DOWN');
      await neutron.setDataPlaneStatus(port?.id as string, 'ACTIVE');
      expect((await neutron.portsOf((server as Server).id))[0]?.dataPlaneStatus).toBe('ACTIVE');
      await admin.request('network', { method: 'DELETE', path: `/v2.0/networks/${network.id}` }).catch(() => undefined);
    });
  });
});
