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

const heldLocks = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims a directory for this process (DATA_DIR/runtime.lock holding the
 * pid). Two runtimes on one DATA_DIR would fight over dynalite's LevelDB
 * (which then fails with an unhelpful "Database is closed") and the bus
 * journal; this refuses the second one with a clear message instead. A lock
 * left by a process that died is taken over. Returns the release function.
 */
export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'runtime.lock');
  const key = path.resolve(file);
  if (heldLocks.has(key)) throw new Error(`${dir} is already in use by a runtime in this process`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const h = await fs.open(file, 'wx');
      try {
        await h.writeFile(String(process.pid));
      } finally {
        await h.close();
      }
      heldLocks.add(key);
      return async () => {
        heldLocks.delete(key);
        await fs.rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
      if (pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(`${dir} is in use by process ${pid}; stop it or choose another DATA_DIR`);
      }
      // Stale: its process is gone (or it is an unreleased lock of this very process).
      await fs.rm(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}
