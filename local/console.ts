/**
 * Serves the built console (web/dist) from the local runtime: GET/HEAD of
 * `/`, the app's routes (index.html, so deep links and reloads work) and
 * the hashed assets; and GET /local/demo-users, the people the sign-in page
 * lists. Everything else is left to the gateway (the handler answers false).
 *
 * Hashed assets never change under their name: cached for a year,
 * immutable. index.html names the current hashes: never cached without
 * revalidation, so a rebuild reaches the browser on the next load.
 */
import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSET_PREFIX, DEMO_USERS_PATH, isAppPath } from '#web/src/paths.ts';
import type { LocalRole } from './auth.ts';

export interface DemoUser {
  role: LocalRole;
  sub: string;
  name: string;
}

export interface ConsoleOptions {
  /**
   * The demo people to list on the sign-in page (runtime.demo?.owners);
   * their tokens are never served, the page asks POST /local/tokens.
   * @default none: the page offers new identities only
   */
  demoUsers?: () => readonly DemoUser[] | undefined;
}

export type ConsoleHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Where `npm run build:web` writes the console (web/dist), found from this file, not the working directory. */
export const CONSOLE_DIST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Everything the console needs, from its own origin only (no CDN, no inline script). */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** esbuild's [name]-[hash] file names: 8 characters of base32. */
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+$/;

export function serveConsole(distDir: string, opts: ConsoleOptions = {}): ConsoleHandler {
  const root = path.resolve(distDir);

  return async (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return false;
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://console.invalid').pathname;
    } catch {
      return false;
    }

    if (pathname === DEMO_USERS_PATH) {
      const items = (opts.demoUsers?.() ?? []).map(({ role, sub, name }) => ({ role, sub, name }));
      const body = JSON.stringify({ items });
      res.writeHead(200, { ...COMMON_HEADERS, 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(method === 'HEAD' ? undefined : body);
      return true;
    }

    if (isAppPath(pathname)) return sendFile(res, method, path.join(root, 'index.html'), 'no-cache', true);

    if (pathname.startsWith(ASSET_PREFIX)) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(pathname.slice(ASSET_PREFIX.length));
      } catch {
        return notFound(res, method);
      }
      // One plain file name under assets/: no separators, no dot-dot, no NUL; then confirm the join stayed inside.
      if (!/^[A-Za-z0-9._-]+$/.test(decoded) || decoded.startsWith('.')) return notFound(res, method);
      const file = path.join(root, 'assets', decoded);
      if (!file.startsWith(path.join(root, 'assets') + path.sep)) return notFound(res, method);
      return sendFile(res, method, file, HASHED.test(decoded) ? IMMUTABLE : 'no-cache', false);
    }
    return false;
  };

  async function sendFile(res: ServerResponse, method: string, file: string, cacheControl: string, isPage: boolean): Promise<boolean> {
    let size: number;
    try {
      const st = await fs.stat(file);
      if (!st.isFile()) return notFound(res, method);
      size = st.size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (!isPage) return notFound(res, method);
      // The app's page without a build: say how to make one instead of a bare 404.
      res.writeHead(503, { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(method === 'HEAD' ? undefined : 'The console is not built yet: run `npm run build:web`.\n');
      return true;
    }
    res.writeHead(200, {
      ...COMMON_HEADERS,
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': String(size),
      'cache-control': cacheControl,
      ...(isPage ? { 'content-security-policy': CSP } : {}),
    });
    if (method === 'HEAD') {
      res.end();
      return true;
    }
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(file);
      stream.on('error', reject);
      res.on('close', resolve);
      stream.pipe(res);
    });
    return true;
  }
}

function notFound(res: ServerResponse, method: string): true {
  // The contract's error shape, as the gateway answers unknown paths.
  const body = JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no such file of the console', details: [] } });
  res.writeHead(404, { ...COMMON_HEADERS, 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(method === 'HEAD' ? undefined : body);
  return true;
}

/** Builds the console into distDir unless it holds a build already (the runtime's start-up, `npm start`). */
export async function ensureConsoleBuilt(distDir: string): Promise<{ built: boolean }> {
  try {
    await fs.access(path.join(distDir, 'index.html'));
    return { built: false };
  } catch {
    // Loaded only when needed: esbuild is a build tool, not part of a running runtime.
    const { buildConsole } = await import('#web/build.ts');
    await buildConsole({ outDir: distDir });
    return { built: true };
  }
}
