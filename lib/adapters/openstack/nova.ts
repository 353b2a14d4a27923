import { z } from 'zod';
import { mapSettled } from '../../platform/map-settled';
import type { KeystoneSession, ServiceRequest } from './keystone';
import { VimError } from './vim-error';

/** The newest compute API microversion this client speaks; the VIM's own maximum may be lower. */
export const CLIENT_MAX_MICROVERSION = '2.90';

const microversion = z.string().regex(/^2\.\d+$/);
type Microversion = z.infer<typeof microversion>;

const minor = (v: Microversion) => Number(v.split('.')[1]);
const atLeast = (v: Microversion, min: Microversion) => minor(v) >= minor(min);
const lower = (a: Microversion, b: Microversion): Microversion => (minor(a) <= minor(b) ? a : b);

const serviceSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  binary: z.string(),
  host: z.string(),
  state: z.string(),
  status: z.string(),
  forced_down: z.boolean().optional(),
  disabled_reason: z.string().nullish(),
});

const serverSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  tenant_id: z.string(),
  'OS-EXT-SRV-ATTR:host': z.string().nullish(),
  updated: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  /** Nova's record of the last failure of an instance in ERROR (admins see its message). */
  fault: z.object({ message: z.string(), created: z.string().optional() }).optional(),
});

const hypervisorSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  hypervisor_hostname: z.string(),
  state: z.string().optional(),
  status: z.string().optional(),
  service: z.object({ host: z.string() }).optional(),
});

const pageLinks = z.array(z.object({ rel: z.string(), href: z.string() })).optional();

export interface ComputeService {
  id: string;
  host: string;
  binary: string;
  state: string;
  status: string;
  forcedDown: boolean;
  disabledReason: string | null;
}

export interface Server {
  id: string;
  name: string;
  status: string;
  tenantId: string;
  host: string | null;
  /** The server's metadata (key/value pairs its owner sets, e.g. a recovery policy). */
  metadata: Record<string, string>;
  /** Why it is in ERROR, when Nova recorded a failure: its message and when it happened. */
  fault?: { message: string; at?: string };
}

export interface Hypervisor {
  id: string;
  hostname: string;
  host: string | null;
  state: string | undefined;
  status: string | undefined;
}

export interface Aggregate {
  name: string;
  hosts: string[];
}

export interface NovaOptions {
  /** Caps the negotiated microversion (e.g. '2.52' to use the pre-2.53 service calls). */
  maxMicroversion?: Microversion;
  pageSize?: number;
  /** Reset-state calls in flight at once (Doctor's inspector sends them all at once). */
  resetConcurrency?: number;
}

/** How long a server action may wait for nova-api's answer. */
const ACTION_TIMEOUT_MS = 20_000;

/** The reset-state calls in flight at once unless configured: a host's instances, as Doctor sends them. */
export const DEFAULT_RESET_CONCURRENCY = 64;

const toService = (s: z.infer<typeof serviceSchema>): ComputeService => ({
  id: s.id,
  host: s.host,
  binary: s.binary,
  state: s.state,
  status: s.status,
  forcedDown: s.forced_down ?? false,
  disabledReason: s.disabled_reason ?? null,
});

const toServer = (s: z.infer<typeof serverSchema>): Server => ({
  id: s.id,
  name: s.name,
  status: s.status,
  tenantId: s.tenant_id,
  host: s['OS-EXT-SRV-ATTR:host'] ?? null,
  metadata: s.metadata ?? {},
  ...(s.fault ? { fault: { message: s.fault.message, ...(s.fault.created ? { at: s.fault.created } : {}) } } : {}),
});

/**
 * The Nova calls nfvi-doctor needs, over a Keystone session: what Doctor's inspector does on
 * a host fault (force the compute service down, reset the host's instances to error), service
 * enable/disable and migrations for maintenance, and listings for the inventory.
 */
export class NovaClient {
  private negotiated: Promise<Microversion> | undefined;
  /** nova-compute service ids by host: they change only when a service is deleted and registers again. */
  private serviceIds: Promise<Map<string, string>> | undefined;

  constructor(
    private readonly session: KeystoneSession,
    private readonly options: NovaOptions = {},
  ) {}

  /** The microversion used: the lower of the VIM's maximum and this client's (or the configured cap). */
  microversion(): Promise<Microversion> {
    this.negotiated ??= this.call({ method: 'GET', path: '/' }, '2.1')
      .then((body) => {
        const version = z.object({ version: z.object({ version: microversion }) }).parse(body).version.version;
        return lower(version, this.options.maxMicroversion ?? CLIENT_MAX_MICROVERSION);
      })
      .catch((error: unknown) => {
        this.negotiated = undefined;
        throw error;
      });
    return this.negotiated;
  }

  async listServices(filter: { host?: string; binary?: string } = {}): Promise<ComputeService[]> {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][]);
    const body = await this.call({ method: 'GET', path: `/os-services${query.size ? `?${query}` : ''}` });
    return z
      .object({ services: z.array(serviceSchema) })
      .parse(body)
      .services.map(toService);
  }

  /** Marks the host's nova-compute service down at once (and back), without waiting for missed heartbeats. */
  async forceDown(host: string, forcedDown: boolean): Promise<void> {
    const mv = await this.microversion();
    if (atLeast(mv, '2.53')) {
      await this.updateService(host, { forced_down: forcedDown });
    } else if (atLeast(mv, '2.11')) {
      await this.call({
        method: 'PUT',
        path: '/os-services/force-down',
        body: { host, binary: 'nova-compute', forced_down: forcedDown },
      });
    } else {
      throw new VimError(
        'compute',
        'PUT',
        '/os-services/force-down',
        undefined,
        `force-down needs microversion 2.11, the VIM offers ${mv}`,
      );
    }
  }

  /** Enables or disables scheduling to the host's nova-compute service, with the reason shown to operators. */
  async setServiceEnabled(host: string, enabled: boolean, reason?: string): Promise<void> {
    const mv = await this.microversion();
    if (atLeast(mv, '2.53')) {
      await this.updateService(
        host,
        enabled ? { status: 'enabled' } : { status: 'disabled', disabled_reason: reason ?? 'nfvi-doctor' },
      );
      return;
    }
    const body = enabled
      ? { host, binary: 'nova-compute' }
      : { host, binary: 'nova-compute', disabled_reason: reason ?? 'nfvi-doctor' };
    await this.call({ method: 'PUT', path: `/os-services/${enabled ? 'enable' : 'disable-log-reason'}`, body });
  }

  async listHypervisors(): Promise<Hypervisor[]> {
    const items = await this.paginate('/os-hypervisors/detail', 'hypervisors', hypervisorSchema);
    return items.map((h) => ({
      id: h.id,
      hostname: h.hypervisor_hostname,
      host: h.service?.host ?? null,
      state: h.state,
      status: h.status,
    }));
  }

  /** Host aggregates with their member hosts. */
  async listAggregates(): Promise<Aggregate[]> {
    const body = await this.call({ method: 'GET', path: '/os-aggregates' });
    return z
      .object({ aggregates: z.array(z.object({ name: z.string(), hosts: z.array(z.string()).nullish() })) })
      .parse(body)
      .aggregates.map((a) => ({ name: a.name, hosts: a.hosts ?? [] }));
  }

  /** Servers of every project, optionally on one host, following Nova's pages. */
  async listServers(filter: { host?: string } = {}): Promise<Server[]> {
    const query = new URLSearchParams({ all_tenants: '1', ...(filter.host ? { host: filter.host } : {}) });
    return (await this.paginate(`/servers/detail?${query}`, 'servers', serverSchema)).map(toServer);
  }

  async getServer(id: string): Promise<Server> {
    return toServer(
      z.object({ server: serverSchema }).parse(await this.call({ method: 'GET', path: `/servers/${id}` })).server,
    );
  }

  async resetState(serverId: string, state: 'error' | 'active' = 'error'): Promise<void> {
    await this.action(serverId, { 'os-resetState': { state } });
  }

  /** Resets many servers in parallel, at most `resetConcurrency` calls at once; reports each failure. */
  async resetStateAll(
    serverIds: readonly string[],
    state: 'error' | 'active' = 'error',
  ): Promise<{ id: string; error: unknown }[]> {
    const results = await mapSettled(serverIds, this.options.resetConcurrency ?? DEFAULT_RESET_CONCURRENCY, (id) =>
      this.resetState(id, state),
    );
    return results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ id: serverIds[i] as string, error: r.reason }] : [],
    );
  }

  /** Cold migration (resize to the same flavor); with a host from microversion 2.56. */
  async migrate(serverId: string, host?: string): Promise<void> {
    await this.action(serverId, { migrate: host ? { host } : null }, false);
  }

  async liveMigrate(serverId: string, host?: string): Promise<void> {
    await this.action(serverId, { 'os-migrateLive': { host: host ?? null, block_migration: 'auto' } }, false);
  }

  /**
   * Rebuilds the server on another host, chosen by the scheduler. Nova refuses (400) while the
   * source host's compute service is not down: force it down first (after fencing the host).
   */
  async evacuate(serverId: string): Promise<void> {
    await this.action(serverId, { evacuate: {} }, false);
  }

  /** Hard reboot: the server is started again on its host (after the host came back). */
  async hardReboot(serverId: string): Promise<void> {
    await this.action(serverId, { reboot: { type: 'HARD' } }, false);
  }

  async confirmResize(serverId: string): Promise<void> {
    await this.action(serverId, { confirmResize: null });
  }

  async computeService(host: string): Promise<ComputeService> {
    const [service] = await this.listServices({ host, binary: 'nova-compute' });
    if (!service) throw new VimError('compute', 'GET', '/os-services', 404, `no nova-compute service on host ${host}`);
    return service;
  }

  /**
   * PUT /os-services/{id} of the host's nova-compute (microversion 2.53 and later), with the id
   * from the cache: one call, as the pre-2.53 force-down by host name was. A 404 (the service
   * registered again under a new id) refreshes the ids and tries once more.
   */
  private async updateService(host: string, body: Record<string, unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const id = await this.serviceId(host, attempt > 1);
      try {
        await this.call({ method: 'PUT', path: `/os-services/${id}`, body });
        return;
      } catch (error) {
        if (attempt === 1 && error instanceof VimError && error.status === 404) continue;
        throw error;
      }
    }
  }

  private async serviceId(host: string, refresh: boolean): Promise<string> {
    const cached = refresh ? undefined : (await this.serviceIds?.catch(() => undefined))?.get(host);
    if (cached) return cached;
    // One listing of every compute service fills the cache for all hosts at once.
    this.serviceIds = this.listServices({ binary: 'nova-compute' }).then(
      (services) => new Map(services.map((service) => [service.host, service.id])),
    );
    const id = (await this.serviceIds).get(host);
    if (!id) throw new VimError('compute', 'GET', '/os-services', 404, `no nova-compute service on host ${host}`);
    return id;
  }

  /**
   * A server action waits its turn behind the others a busy nova-api is serving (Doctor's inspector
   * sends one per instance, all at once, and waits as long as it takes): a call given up on early
   * still runs in Nova, and its retry would only lengthen the queue.
   */
  private async action(serverId: string, body: Record<string, unknown>, retry = true): Promise<void> {
    await this.call({ method: 'POST', path: `/servers/${serverId}/action`, body, retry, timeoutMs: ACTION_TIMEOUT_MS });
  }

  private async paginate<S extends z.ZodType>(path: string, key: string, item: S): Promise<z.infer<S>[]> {
    const limit = this.options.pageSize ?? 1000;
    const page = z.object({ [key]: z.array(item), [`${key}_links`]: pageLinks });
    const all: z.infer<S>[] = [];
    let marker: string | undefined;
    for (;;) {
      const separator = path.includes('?') ? '&' : '?';
      const query = `limit=${limit}${marker ? `&marker=${encodeURIComponent(marker)}` : ''}`;
      const parsed = page.parse(await this.call({ method: 'GET', path: `${path}${separator}${query}` }));
      const items = parsed[key] as z.infer<S>[];
      all.push(...items);
      const hasNext = (parsed[`${key}_links`] as z.infer<typeof pageLinks>)?.some((l) => l.rel === 'next');
      const last = items[items.length - 1] as { id: string } | undefined;
      if (!hasNext || !last) return all;
      marker = last.id;
    }
  }

  protected async call(request: ServiceRequest, version?: Microversion): Promise<unknown> {
    const mv = version ?? (await this.microversion());
    const response = await this.session.request('compute', {
      ...request,
      headers: { 'OpenStack-API-Version': `compute ${mv}`, 'X-OpenStack-Nova-API-Version': mv },
    });
    return response.body ? JSON.parse(response.body) : undefined;
  }
}
