/**
 * Small durable-file helpers for the local runtime's state under DATA_DIR.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** fsyncs a directory so a rename or a new file inside it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const h = await fs.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Writes a whole file durably: temp file, fsync, rename over the target, fsync the directory. */
export async function writeFileDurably(file: string, data: string, mode = 0o644): Promise<void> {
  const tmp = `${file}.${randomUUID().slice(0, 8)}.tmp`;
  const h = await fs.open(tmp, 'w', mode);
  try {
    await h.writeFile(data);
    await h.sync();
  } finally {
    await h.close();
  }
  await fs.rename(tmp, file);
  await syncDir(path.dirname(file));
}

/**
 * Reads a file, or creates it with `make()` if absent. Creation is
 * exclusive (temp file + link, which fails if the target exists), so two
 * runtimes started together on one DATA_DIR agree on one value and neither
 * ever reads a half-written file.
 */
export async function readOrCreate(file: string, make: () => Promise<string> | string, mode = 0o600): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const tmp = `${file}.${randomUUID().slice(0, 8)}.tmp`;
  const h = await fs.open(tmp, 'wx', mode);
  try {
    await h.writeFile(await make());
    await h.sync();
  } finally {
    await h.close();
  }
  try {
    await fs.link(tmp, file);
    await syncDir(path.dirname(file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return fs.readFile(file, 'utf8');
}
