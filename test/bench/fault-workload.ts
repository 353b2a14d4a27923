/**
 * The synthetic cluster the correlation benchmarks run on: hosts of the same shape (instances
 * spread over a few tenants each) and the collector events a host's management link puts on the
 * bus as it goes down and up.
 */
import { COLLECTOR_SOURCE } from '../../lib/contracts/bus-events';
import type { InventoryFile } from '../../lib/contracts/inventory';

export interface ClusterShape {
  hosts: number;
  instancesPerHost: number;
  /** Tenants in the whole cluster. */
  tenants: number;
  /** Tenants sharing one host: its instances take turns among them. */
  tenantsPerHost: number;
}

/**
 * Host h's instances belong to tenants h*k .. h*k+k-1 (modulo the tenant count), so every tenant
 * has instances on several hosts and a host fault notifies k tenants, as on a shared cloud.
 */
export function clusterInventory(shape: ClusterShape, prefix: string): InventoryFile {
  return {
    hosts: Array.from({ length: shape.hosts }, (_, h) => ({
      name: hostName(prefix, h),
      instances: Array.from({ length: shape.instancesPerHost }, (_, i) => ({
        id: `${prefix}-vm-${h}-${i}`,
        name: `vnfc-${i}`,
        tenantId: `${prefix}-tenant-${(h * shape.tenantsPerHost + (i % shape.tenantsPerHost)) % shape.tenants}`,
      })),
    })),
  };
}

export const hostName = (prefix: string, h: number) => `${prefix}-host-${h}`;

/** An event as EventBridge delivers it to the correlator. */
function delivered<D extends { host: string; observedAt: string }>(detailType: string, detail: D) {
  return {
    version: '0',
    id: `${detail.host}-${detailType}-${detail.observedAt}`,
    'detail-type': detailType,
    source: COLLECTOR_SOURCE,
    account: '123456789012',
    time: detail.observedAt.replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

/**
 * A collector's link.state event for the host's management link: down raises a host-down alarm
 * with one alarm per instance, up clears them.
 */
export function managementLinkEvent(host: string, seq: number, down: boolean, observedAt: Date) {
  return delivered('link.state', {
    host,
    collectorId: `collector-${host}`,
    seq,
    observedAt: observedAt.toISOString(),
    interface: 'eno1',
    state: down ? 'down' : 'up',
    carrier: !down,
    role: 'management',
  });
}

/**
 * A collector's heartbeat from the host's same boot: the commonest event, which changes no
 * alarm (a host's first one only records its boot id).
 */
export function heartbeatEvent(host: string, seq: number, observedAt: Date) {
  return delivered('host.heartbeat', {
    host,
    collectorId: `collector-${host}`,
    seq,
    observedAt: observedAt.toISOString(),
    uptimeS: 86_400 + seq,
    bootId: `boot-${host}`,
  });
}
