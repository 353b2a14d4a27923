import { readdir, readFile } from 'node:fs/promises';

/** A directory's entries; none when it does not exist (the driver is not loaded). */
export async function entriesOf(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * A sysfs attribute's text, or undefined when it cannot be read: absent, or a driver that has
 * no value right now (hwmon drivers answer EIO, ENODATA or ENXIO, e.g. for a sleeping disk).
 */
export async function readAttribute(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** An integer attribute; undefined when it cannot be read, an error when it holds something else. */
export async function readInteger(path: string): Promise<number | undefined> {
  const text = await readAttribute(path);
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new Error(`${path} holds "${text.slice(0, 64)}", not an integer`);
  return Number(text);
}
