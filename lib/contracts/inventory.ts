import { z } from 'zod';

/** Tenant ids become part of SNS topic names, so they must be valid there. */
export const tenantId = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'letters, digits, "-" or "_" (at most 200)');

export const inventoryInstance = z.object({
  id: z.string().min(1).max(255),
  name: z.string().max(255),
  tenantId,
});

export type InventoryInstance = z.infer<typeof inventoryInstance>;

/** The inventory file (a stage without a VIM, or seeding one): `{ "hosts": [ { "name", "instances": [ { "id", "name", "tenantId" } ] } ] }`. */
export const inventoryFile = z.object({
  hosts: z.array(
    z.object({
      name: z.string().min(1).max(255),
      instances: z.array(inventoryInstance),
    }),
  ),
});

export type InventoryFile = z.infer<typeof inventoryFile>;
