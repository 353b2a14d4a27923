import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { inventoryInstance } from './inventory';

/** The inventory file of the local stack: `{ "hosts": [ { "name", "instances": [ { "id", "name", "tenantId" } ] } ] }`. */
export const inventoryFile = z.object({
  hosts: z.array(
    z.object({
      name: z.string().min(1).max(255),
      instances: z.array(inventoryInstance),
    }),
  ),
});

export type InventoryFile = z.infer<typeof inventoryFile>;

export class InventoryFileError extends Error {
  constructor(path: string, reason: string) {
    super(`inventory file ${path} is invalid:\n${reason}`);
    this.name = 'InventoryFileError';
  }
}

export async function readInventoryFile(path: string): Promise<InventoryFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InventoryFileError(path, (error as Error).message);
  }
  const result = inventoryFile.safeParse(json);
  if (!result.success) throw new InventoryFileError(path, z.prettifyError(result.error));
  return result.data;
}
