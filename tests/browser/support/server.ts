/**
 * The local runtime in process (demo data on, as `npm start`), the console
 * built into a temp dir, and a small front server: serveConsole first,
 * everything else proxied to the runtime's gateway. Test-only until the
 * gateway mounts serveConsole itself; then this proxy goes.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serveConsole } from '#local/console.ts';
import { startRuntime, type Runtime } from '#local/runtime.ts';
import { buildConsole, type BuiltConsole } from '../../../web/build.ts';

export interface ConsoleStack {
  /** The console's origin, e.g. http://127.0.0.1:41234 */
  url: string;
  runtime: Runtime;
  build: BuiltConsole;
  /** An API call as a demo person (by sub), for arranging a test's starting point. */
  api<T = unknown>(sub: string, method: string, pathname: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startConsoleStack(): Promise<ConsoleStack> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'console-browser-'));
  const build = await buildConsole({ outDir: path.join(dir, 'dist') });
  const runtime = await startRuntime({
    dataDir: path.join(dir, 'data'),
    port: 0,
    demo: true,
    roundDelayMs: 20,
    logLevel: 'SILENT',
    intervals: { relay: 0, rebalance: 0, expiry: 0 },
  });
  const upstream = new URL(runtime.url);
  const handle = serveConsole(build.outDir, { demoUsers: () => runtime.demo?.owners });

  const server = http.createServer((req, res) => {
    handle(req, res)
      .then((answered) => {
        if (answered) return;
        const proxied = http.request(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        proxied.on('error', (e) => res.destroy(e));
        req.pipe(proxied);
      })
      .catch((e: unknown) => res.destroy(e as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const tokens = new Map<string, string>();
  for (const o of runtime.demo?.owners ?? []) tokens.set(o.sub, o.token);

  return {
    url: `http://127.0.0.1:${port}`,
    runtime,
    build,
    async api<T>(sub: string, method: string, pathname: string, body?: unknown): Promise<T> {
      const token = tokens.get(sub);
      if (!token) throw new Error(`no demo person ${sub}`);
      const res = await fetch(runtime.url + pathname, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${pathname} answered ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
