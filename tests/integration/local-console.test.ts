/**
 * serveConsole on a real node:http server: the page for the app's routes,
 * hashed assets with their types and cache rules, the demo people without
 * their tokens, and nothing outside the build (no traversal, no API paths).
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveConsole } from '#local/console.ts';

let dir: string;
let base: string;
let server: http.Server;
let answeredByGateway: string[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'local-console-'));
  const dist = path.join(dir, 'dist');
  await fs.mkdir(path.join(dist, 'assets'), { recursive: true });
  await fs.writeFile(path.join(dist, 'index.html'), '<!doctype html><title>console</title>');
  await fs.writeFile(path.join(dist, 'assets', 'main-ABCDEFGH.js'), 'console.log(1)');
  await fs.writeFile(path.join(dist, 'assets', 'main-IJKLMNOP.css'), 'body{}');
  await fs.writeFile(path.join(dist, 'assets', 'main-ABCDEFGH.js.LEGAL.txt'), 'MIT');
  await fs.writeFile(path.join(dir, 'secret.txt'), 'outside the build');
  const handle = serveConsole(dist, {
    demoUsers: () => [{ role: 'sme', sub: 'demo-sme-1', name: '深圳微感电子', token: 'must-not-leak' } as never],
  });
  server = http.createServer((req, res) => {
    void handle(req, res).then((answered) => {
      if (answered) return;
      answeredByGateway.push(`${req.method} ${req.url}`);
      res.writeHead(404).end('gateway');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await fs.rm(dir, { recursive: true, force: true });
});

/** A raw request, so paths like /assets/../x are sent as written (fetch would normalise them). */
function raw(method: string, p: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + '/', { method, path: p }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serveConsole', () => {
  it('answers index.html, never cached without revalidation and with a strict CSP, for / and every app route', async () => {
    for (const p of ['/', '/sign-in', '/operator/review', '/sme/matches/', '/provider/offerings?x=1', '/inbox']) {
      const res = await raw('GET', p);
      expect({ p, status: res.status, body: res.body }).toEqual({ p, status: 200, body: '<!doctype html><title>console</title>' });
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('serves hashed assets with their content type, cached as immutable; HEAD sends headers only', async () => {
    const js = await raw('GET', '/assets/main-ABCDEFGH.js');
    expect(js).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await raw('HEAD', '/assets/main-IJKLMNOP.css');
    expect(css).toMatchObject({ status: 200, body: '' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['content-length']).toBe('6');
    // Not content-hashed itself: revalidated.
    expect((await raw('GET', '/assets/main-ABCDEFGH.js.LEGAL.txt')).headers['cache-control']).toBe('no-cache');
  });

  it('refuses paths that leave the build or name no file, in the contract’s error shape', async () => {
    for (const p of ['/assets/../secret.txt', '/assets/%2e%2e%2fsecret.txt', '/assets/..%2F..%2Fsecret.txt', '/assets/%00main.js', '/assets/', '/assets/nope-ABCDEFGH.js', '/assets/.hidden']) {
      const res = await raw('GET', p);
      expect({ p, status: res.status }).toEqual({ p, status: 404 });
      expect(res.body).not.toContain('outside the build');
      if (res.body !== 'gateway') expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('lists the demo people without their tokens', async () => {
    const res = await raw('GET', '/local/demo-users');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ items: [{ role: 'sme', sub: 'demo-sme-1', name: '深圳微感电子' }] });
    expect(res.body).not.toContain('must-not-leak');
  });

  it('leaves the API, other methods and unknown paths to the gateway', async () => {
    answeredByGateway = [];
    await raw('GET', '/v1/catalog');
    await raw('GET', '/health');
    await raw('POST', '/');
    await raw('POST', '/local/tokens');
    await raw('GET', '/sme/unknown-page');
    expect(answeredByGateway).toEqual(['GET /v1/catalog', 'GET /health', 'POST /', 'POST /local/tokens', 'GET /sme/unknown-page']);
  });

  it('answers 503 with how to build when the console is not built', async () => {
    const bare = serveConsole(path.join(dir, 'no-build'));
    const s = http.createServer((req, res) => void bare(req, res));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build:web');
    } finally {
      await new Promise<void>((r) => s.close(() => r()));
    }
  });
});
