import { LocalCloud } from '../../infra/local/local-cloud';
import { readLocalOpenStackEnv } from '../../lib/adapters/openstack/local-openstack';

/** The local OpenStack that the global setup started (tests that need a VIM use it). */
export function localCloud(): LocalCloud {
  return new LocalCloud(readLocalOpenStackEnv());
}

/** Fake compute hosts reserved for each test file, so files running in parallel never share a host. */
export const HOSTS = {
  vimAdapter: { fault: 'fake-host-1', unreachable: 'fake-host-2', maintenance: 'fake-host-3' },
  client: { source: 'fake-host-4', target: 'fake-host-5' },
  /** The draining test disables only its source host. */
  drain: { source: 'fake-host-6', target: 'fake-host-7' },
  constraints: 'fake-host-7',
  /** Maintenance sessions empty `drained`; the host aggregate of all three keeps moves on `spare`. */
  maintenance: { drained: ['fake-host-8', 'fake-host-9'], spare: 'fake-host-10' },
  /** A host that dies (fenced through a real IPMI BMC) and its spare, one availability zone for evacuations. */
  recovery: { dead: 'fake-host-11', spare: 'fake-host-12' },
  /** The reliability campaign's rack: its hosts fail together while nova-api is away. */
  reliability: { rack: ['fake-host-13', 'fake-host-14', 'fake-host-15'] },
} as const;

export const COMPUTE_HOSTS = 15;
