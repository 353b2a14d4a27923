import { z } from 'zod';
import type { TenantReplyBody } from '../../lib/maintenance/session/schemas';
import type { MaintenanceApi } from './vnf-manager';

/** The maintenance API over HTTP, with the VNF manager's own project token (X-Auth-Token). */
export function httpMaintenanceApi(token: () => Promise<string>): MaintenanceApi {
  const call = async (method: 'GET' | 'PUT', url: string, body?: TenantReplyBody) => {
    const response = await fetch(url, {
      method,
      headers: { 'X-Auth-Token': await token(), ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
    return JSON.parse(text) as unknown;
  };
  return {
    instanceIds: async (url) =>
      z.object({ instance_ids: z.array(z.string()) }).parse(await call('GET', url)).instance_ids,
    reply: async (url, body) => {
      await call('PUT', url, body);
    },
  };
}
