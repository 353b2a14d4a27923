import { z } from 'zod';
import type { TenantReplyBody } from '../../lib/contracts/fenix';
import { authorizedCall } from './authorized-call';
import type { MaintenanceApi } from './vnf-manager';

/** The maintenance API over HTTP, with the VNF manager's own project token (X-Auth-Token). */
export function httpMaintenanceApi(token: () => Promise<string>): MaintenanceApi {
  const call = authorizedCall(token);
  return {
    instanceIds: async (url) =>
      z.object({ instance_ids: z.array(z.string()) }).parse((await call('GET', url)).body).instance_ids,
    reply: async (url, body: TenantReplyBody) => {
      await call('PUT', url, body);
    },
  };
}
