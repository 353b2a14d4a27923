import { z } from 'zod';

/** Tenant ids become part of SNS topic names, so they must be valid there. */
export const tenantId = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'letters, digits, "-" or "_" (at most 200)');

export const inventoryInstance = z.object({
  id: z.string().min(1).max(255),
  name: z.string().max(255),
  tenantId,
});

export type InventoryInstance = z.infer<typeof inventoryInstance>;

/** What the inventory knows of one host: whether it is known at all, and its instances. */
export interface HostInventory {
  known: boolean;
  instances: InventoryInstance[];
}

/** One host as the inventory lists it: its instances, their tenants and the maintenance mark. */
export interface HostSummary {
  host: string;
  instances: number;
  tenants: string[];
  inMaintenance: boolean;
}
