/**
 * The local runtime in process as `npm start` runs it: demo data on and the
 * console served by the gateway at `/` (a fresh build of web/ first, so the
 * test sees the code it was run with).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRuntime, type Runtime } from '#local/runtime.ts';
import { buildConsole, type BuiltConsole } from '#web/build.ts';

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
  const build = await buildConsole();
  const runtime = await startRuntime({
    dataDir: path.join(dir, 'data'),
    port: 0,
    demo: true,
    console: true,
    roundDelayMs: 20,
    logLevel: 'SILENT',
    intervals: { relay: 0, rebalance: 0, expiry: 0 },
  });

  const tokens = new Map<string, string>();
  for (const o of runtime.demo?.owners ?? []) tokens.set(o.sub, o.token);

  return {
    url: runtime.url,
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
      await runtime.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A demo person of the stack, by sub (the demo's owners: name, token, the ids of what they own). */
export function demoOwner(stack: ConsoleStack, sub: string) {
  const o = stack.runtime.demo?.owners.find((x) => x.sub === sub);
  if (!o) throw new Error(`demo owner ${sub} missing`);
  return o;
}
