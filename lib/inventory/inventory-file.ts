import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { inventoryFile, type InventoryFile } from '../contracts/inventory';

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
