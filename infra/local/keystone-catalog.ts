import { KeystoneSession, type ServiceRequest } from '../../lib/adapters/openstack/keystone';
import {
  adminCredentials,
  readLocalOpenStackEnv,
  type OpenStackEnv,
} from '../../lib/adapters/openstack/local-openstack';
import { VimError } from '../../lib/adapters/openstack/vim-error';
import { localApiUrl } from '../../lib/platform/local-stack/local-endpoints';

/**
 * The catalog service type python-tackerclient looks up for `openstack vnffm ...`
 * (tackerclient/osc/plugin.py, make_client). It joins its paths (`/vnffm/v1/alarms`, ...) to the
 * endpoint URL as it is, so the URL is the local stack's API base, without `/vnffm/v1`.
 */
export const NFV_ORCHESTRATION = 'nfv-orchestration';

export interface CatalogRegistration {
  serviceId: string;
  endpointId: string;
  url: string;
  /** What this call changed in Keystone. */
  change: 'created' | 'updated' | 'unchanged';
}

interface KeystoneService {
  id: string;
  enabled?: boolean;
}

interface KeystoneEndpoint {
  id: string;
  url: string;
  region_id?: string | null;
  enabled?: boolean;
}

/**
 * Registers nfvi-doctor's SOL 003 VNF fault management API in the local Keystone's catalog, as
 * the `nfv-orchestration` service with a public endpoint in the cloud's region at the local
 * stack's API base URL, so that `openstack vnffm ...` reaches the local stack. Idempotent:
 * creates what is missing, points an existing endpoint at `apiUrl` when it differs, re-enables a
 * disabled one and deletes duplicate public endpoints of the region. Tokens issued afterwards
 * carry the entry (each `openstack` run authenticates anew). Call it once at a time: two
 * concurrent first registrations could each create the service.
 */
export async function registerVnffmCatalogEntry(
  env: OpenStackEnv = readLocalOpenStackEnv(),
  apiUrl: string = localApiUrl(),
): Promise<CatalogRegistration> {
  const url = apiUrl.replace(/\/+$/, '');
  const keystone = new KeystoneSession(adminCredentials(env));
  const call = async <T>(request: ServiceRequest): Promise<T> => {
    const response = await keystone.request('identity', request);
    return (response.body ? JSON.parse(response.body) : {}) as T;
  };
  let change: CatalogRegistration['change'] = 'unchanged';

  const { services } = await call<{ services: KeystoneService[] }>({
    method: 'GET',
    path: `/services?type=${NFV_ORCHESTRATION}`,
  });
  let service = services[0];
  if (!service) {
    ({ service } = await call<{ service: KeystoneService }>({
      method: 'POST',
      path: '/services',
      retry: false,
      body: {
        service: {
          type: NFV_ORCHESTRATION,
          name: 'nfvi-doctor',
          description: 'nfvi-doctor: ETSI NFV-SOL 003 VNF fault management (/vnffm/v1), local stack',
          enabled: true,
        },
      },
    }));
    change = 'created';
  } else if (service.enabled === false) {
    await call({ method: 'PATCH', path: `/services/${service.id}`, body: { service: { enabled: true } } });
    change = 'updated';
  }

  const { endpoints } = await call<{ endpoints: KeystoneEndpoint[] }>({
    method: 'GET',
    path: `/endpoints?service_id=${service.id}&interface=public`,
  });
  const inRegion = endpoints.filter((e) => (e.region_id ?? undefined) === env.region);
  const [kept, ...duplicates] = [...inRegion.filter((e) => e.url === url), ...inRegion.filter((e) => e.url !== url)];
  let endpoint = kept;
  if (!endpoint) {
    ({ endpoint } = await call<{ endpoint: KeystoneEndpoint }>({
      method: 'POST',
      path: '/endpoints',
      retry: false,
      body: { endpoint: { service_id: service.id, interface: 'public', region_id: env.region, url, enabled: true } },
    }));
    change = 'created';
  } else if (endpoint.url !== url || endpoint.enabled === false) {
    await call({ method: 'PATCH', path: `/endpoints/${endpoint.id}`, body: { endpoint: { url, enabled: true } } });
    if (change === 'unchanged') change = 'updated';
  }
  for (const duplicate of duplicates) {
    // A 404: another caller deleted it first (or a retried DELETE had gone through).
    await call({ method: 'DELETE', path: `/endpoints/${duplicate.id}` }).catch((error: unknown) => {
      if (!(error instanceof VimError && error.status === 404)) throw error;
    });
    if (change === 'unchanged') change = 'updated';
  }
  return { serviceId: service.id, endpointId: endpoint.id, url, change };
}
