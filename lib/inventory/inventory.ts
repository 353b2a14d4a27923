import type { InventoryInstance } from '../contracts/inventory';

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
