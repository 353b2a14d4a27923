import { KeystoneSession } from '../../lib/adapters/openstack/keystone';
import { adminCredentials, type OpenStackEnv } from '../../lib/adapters/openstack/local-openstack';
import type { Server } from '../../lib/adapters/openstack/nova';
import { localApiUrl } from '../../lib/platform/local-stack/local-endpoints';
import { mapSettled, valuesOrFirstFailure } from '../../lib/platform/map-settled';
import { NovaTestbed } from './nova-testbed';
import { openstackScript } from './openstack';

const BOOT_CONCURRENCY = 4;

/**
 * The local OpenStack as the demo, the tests and the benchmark use it: the admin scoped to a
 * project boots servers that project owns, pinned to a fake host.
 */
export class LocalCloud {
  private readonly novas = new Map<string, NovaTestbed>();

  constructor(readonly env: OpenStackEnv) {}

  /** Nova as the admin, scoped to a project (its servers belong to that project). */
  nova(projectName = this.env.admin.projectName): NovaTestbed {
    let nova = this.novas.get(projectName);
    if (!nova) {
      nova = new NovaTestbed(new KeystoneSession(adminCredentials(this.env, projectName)));
      this.novas.set(projectName, nova);
    }
    return nova;
  }

  projectId(projectName: string): string {
    const project = this.env.projects[projectName];
    if (!project) throw new Error(`the local cloud has no project ${projectName}`);
    return project.id;
  }

  /** A token of a project's member user (not an admin). */
  memberToken(projectName: string): Promise<string> {
    const project = this.env.projects[projectName];
    if (!project) throw new Error(`the local cloud has no project ${projectName}`);
    return new KeystoneSession({
      kind: 'password',
      authUrl: this.env.authUrl,
      username: project.username,
      password: project.password,
      userDomainName: 'Default',
      projectName,
      projectDomainName: 'Default',
    }).token();
  }

  adminToken(): Promise<string> {
    return new KeystoneSession(adminCredentials(this.env)).token();
  }

  /**
   * Boots servers of a project on a host and waits until they are ACTIVE, a few at a time: the
   * local nova-api has one worker, and a burst of boots makes its answers time out.
   */
  async boot(
    projectName: string,
    host: string,
    names: string[],
    options: { availabilityZone?: string; metadata?: Record<string, string> } = {},
  ): Promise<Server[]> {
    const nova = this.nova(projectName);
    const results = await mapSettled(names, BOOT_CONCURRENCY, async (name) => {
      const image = { imageRef: this.env.imageId, flavorRef: this.env.flavorId };
      const id = await nova.createServer({ name, ...image, host, ...options });
      return nova.waitForStatus(id, 'ACTIVE');
    });
    return valuesOrFirstFailure(results);
  }

  /**
   * Brings a host back after its instances were evacuated, as a repaired host comes back: its
   * nova-compute starts again, which completes the evacuations' migration records (Nova refuses
   * to un-force a host before), and the script un-forces and enables it as soon as Nova lets it.
   */
  async returnHost(host: string): Promise<void> {
    await openstackScript('stop-service', host);
    await openstackScript('start-service', host);
  }

  /** Deletes the servers a few at a time, for the same reason as `boot`. */
  async deleteAll(servers: { id: string }[]): Promise<void> {
    const nova = this.nova();
    valuesOrFirstFailure(await mapSettled(servers, BOOT_CONCURRENCY, (s) => nova.deleteServer(s.id)));
  }

  /** The host's nova-compute service as Nova reports it. */
  async computeService(host: string) {
    const [service] = await this.nova().listServices({ host, binary: 'nova-compute' });
    if (!service) throw new Error(`no nova-compute on ${host}`);
    return service;
  }
}

/** Calls an nfvi-doctor HTTP API of the local stack (serverless-offline's API Gateway). */
export async function callApi(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  token?: string,
  json?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${localApiUrl()}${path}`, {
    method,
    headers: {
      ...(token ? { 'X-Auth-Token': token } : {}),
      ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body };
}
