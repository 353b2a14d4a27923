import { z } from 'zod';
import type { KeystoneSession } from './keystone';

const portSchema = z.object({
  id: z.string(),
  device_id: z.string(),
  project_id: z.string().optional(),
  binding_host: z.string().nullish(),
  data_plane_status: z.string().nullish(),
});

export interface Port {
  id: string;
  deviceId: string;
  dataPlaneStatus: string | null;
}

/** Neutron ports of instances and their data plane status (the `data_plane_status` extension). */
export class NeutronClient {
  constructor(private readonly session: KeystoneSession) {}

  async portsOf(deviceId: string): Promise<Port[]> {
    const response = await this.session.request('network', {
      method: 'GET',
      path: `/v2.0/ports?device_id=${encodeURIComponent(deviceId)}`,
    });
    return z
      .object({ ports: z.array(portSchema) })
      .parse(JSON.parse(response.body))
      .ports.map((p) => ({ id: p.id, deviceId: p.device_id, dataPlaneStatus: p.data_plane_status ?? null }));
  }

  /** Tells the port's consumers that its data plane is down (or up again) while the port stays bound. */
  async setDataPlaneStatus(portId: string, status: 'ACTIVE' | 'DOWN'): Promise<void> {
    await this.session.request('network', {
      method: 'PUT',
      path: `/v2.0/ports/${portId}`,
      body: { port: { data_plane_status: status } },
    });
  }
}
