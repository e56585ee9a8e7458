/**
 * dynalite on a loopback port, and the child process that runs it.
 *
 * dynalite costs more CPU than anything else in the local runtime (parsing,
 * LevelDB, JSON for every store call). In the process that also runs the
 * gateway, the handlers and the bus, every store call waits behind the
 * others' work on one event loop; in a process of its own it runs on another
 * core. local/dynamo.ts `startDynalite` forks this file (`mode: 'process'`) or
 * calls `listenDynalite` in its own process (`mode: 'inline'`).
 *
 * The child's lifetime is its parent's. Asked to stop ({ stop: true } over
 * IPC, the parent's close()), it closes the server and with it the LevelDB
 * store, then exits. When the IPC channel closes without that ('disconnect':
 * the parent died), it exits at once, as dynalite in the parent's process
 * would have died with it: what the store wrote is on disk (LevelDB's log),
 * a write cut in half is what the runtime's crash repair is for
 * (local/repair.ts), and the next start can open the store straight away
 * (the OS releases LevelDB's lock with the process). It ignores SIGINT and
 * SIGTERM: Ctrl-C in a terminal signals the whole process group, and the
 * parent's graceful stop still needs the store while it drains requests and
 * deliveries, then stops this process itself.
 *
 * This file imports nothing but dynalite and node: the child starts without
 * loading the AWS SDK.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import dynalite from 'dynalite';

export interface DynaliteServerOptions {
  /** LevelDB directory; in memory when absent. */
  path?: string;
  /** @default 0 (a free one) */
  port?: number;
}

export interface DynaliteServer {
  port: number;
  close(): Promise<void>;
}

/** The argument that makes this file, run as a script, the child (any other run of it only defines the exports). */
export const CHILD_ARG = '--dynalite-child';

/** What the child tells its parent over IPC once, after `listen` answered. */
export type ChildReport = { listening: number } | { error: string };

/** Loopback only: dynalite has no authentication, and the store holds every record. */
export async function listenDynalite(opts: DynaliteServerOptions = {}): Promise<DynaliteServer> {
  // Tables become ACTIVE at once: the default 500 ms delay only slows start-up.
  const server: Server = dynalite({ ...(opts.path ? { path: opts.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        // Keep-alive sockets from SDK clients would hold close() open.
        server.closeAllConnections();
        // dynalite's close also closes its LevelDB store (flushed to disk with a path).
        server.close(() => resolve());
      })),
  };
}

async function runChild(send: (m: ChildReport, sent?: () => void) => void, options: string | undefined): Promise<void> {
  let server: DynaliteServer | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void (server?.close() ?? Promise.resolve()).then(() => process.exit(0));
  };
  // Registered before listening: a parent may die (or stop us) while we start.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: unknown) => {
    if ((m as { stop?: unknown } | null)?.stop === true) stop();
  });
  try {
    server = await listenDynalite(JSON.parse(options ?? '{}') as DynaliteServerOptions);
  } catch (e) {
    // Exits once the report is out: an exit at once could drop it, and the parent would only see the exit.
    send({ error: e instanceof Error ? e.message : String(e) }, () => process.exit(1));
    return;
  }
  if (!stopping) send({ listening: server.port });
}

if (process.argv[2] === CHILD_ARG) {
  const send = process.send?.bind(process);
  if (!send) {
    console.error(`${CHILD_ARG}: run by local/dynamo.ts with an IPC channel, not by hand`);
    process.exit(2);
  }
  // A parent that died before the child got here: nothing to serve.
  if (!process.connected) process.exit(0);
  void runChild((m, sent) => send(m, undefined, undefined, () => sent?.()), process.argv[3]);
}
