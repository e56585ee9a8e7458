/**
 * The local gateway as API Gateway's HTTP API: route matching, the payload
 * format 2.0 event handed to the handler, the structured result written
 * back, the gateway's own refusals (404, 413) in the contract's error shape,
 * and a graceful close. Handlers are fakes that record what they receive.
 */
import { promises as fs } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HttpHandler } from '#functions/ports.ts';
import { HTTP_GROUPS, type HttpGroup } from '#functions/http/routes.ts';
import { openLocalAuth, type LocalAuth } from '#local/auth.ts';
import { MAX_BODY_BYTES, startGateway, type GatewayLogger, type RunningGateway } from '#local/gateway.ts';
import { localRoutes } from '#local/local-routes.ts';

interface Call {
  group: HttpGroup;
  event: APIGatewayProxyEventV2WithJWTAuthorizer;
  context: Context;
}

let dir: string;
let auth: LocalAuth;
let gw: RunningGateway;
let calls: Call[] = [];
let respond: (call: Call) => Promise<unknown> = async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
const logged: unknown[] = [];

const logger = {
  info: (...args: unknown[]) => logged.push(args),
  warn: (...args: unknown[]) => logged.push(args),
  error: (...args: unknown[]) => logged.push(args),
} as unknown as GatewayLogger;

const fakeHandlers = Object.fromEntries(
  HTTP_GROUPS.map((group) => [
    group,
    (async (event, context) => {
      const call = { group, event, context };
      calls.push(call);
      return (await respond(call)) as APIGatewayProxyStructuredResultV2;
    }) satisfies HttpHandler,
  ]),
) as Record<HttpGroup, HttpHandler>;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http rather than fetch: repeated headers, chunked bodies and exact paths need byte-level control. */
function send(
  method: string,
  pathAndQuery: string,
  opts: { headers?: Record<string, string | string[]>; body?: Buffer | string; chunks?: Buffer[]; url?: string } = {},
): Promise<RawResponse> {
  const { port } = new URL(opts.url ?? gw.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: pathAndQuery, headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.chunks) {
      for (const c of opts.chunks) req.write(c);
      req.end();
    } else req.end(opts.body);
  });
}

const json = (r: RawResponse) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'local-gateway-'));
  auth = await openLocalAuth(dir);
  gw = await startGateway({ http: fakeHandlers, auth, logger, port: 0, localRoutes: localRoutes(auth) });
});

afterAll(async () => {
  await gw.close();
  await fs.rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  calls = [];
  logged.length = 0;
  respond = async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
});

describe('payload format 2.0 event', () => {
  it('carries route key, raw path and query, cookies, merged headers, decoded parameters and the request context', async () => {
    const { token, sub } = await auth.issue('provider', 'sub-gw-1');
    const res = await send('GET', '/v1/providers/pr%20one%2Fx?tag=a&tag=b&q=x%20y&plus=1+2', {
      headers: {
        authorization: `Bearer ${token}`,
        'X-Trace': ['first', 'second'],
        cookie: 'a=1; b=2',
        'user-agent': 'gateway-test/1.0',
      },
    });
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    const { group, event, context } = calls[0]!;
    expect(group).toBe('providers');

    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('GET /v1/providers/{providerId}');
    expect(event.rawPath).toBe('/v1/providers/pr%20one%2Fx');
    expect(event.rawQueryString).toBe('tag=a&tag=b&q=x%20y&plus=1+2');
    expect(event.queryStringParameters).toEqual({ tag: 'a,b', q: 'x y', plus: '1 2' });
    expect(event.pathParameters).toEqual({ providerId: 'pr one/x' });
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers['x-trace']).toBe('first,second');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers.authorization).toBe(`Bearer ${token}`);
    expect(Object.keys(event.headers).every((k) => k === k.toLowerCase())).toBe(true);
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);

    const rc = event.requestContext;
    expect(rc.routeKey).toBe(event.routeKey);
    expect(rc.stage).toBe('$default');
    expect(rc.http).toEqual({
      method: 'GET',
      path: '/v1/providers/pr%20one%2Fx',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'gateway-test/1.0',
    });
    expect(rc.requestId).toBe(res.headers['x-request-id']);
    expect(typeof rc.timeEpoch).toBe('number');
    expect(Math.abs(rc.timeEpoch - Date.now())).toBeLessThan(10_000);
    expect(rc.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    // Claims as API Gateway renders them: all strings, the groups array as "[provider]".
    expect(rc.authorizer.jwt.claims).toMatchObject({ sub, 'cognito:groups': '[provider]', token_use: 'id' });
    expect(Object.values(rc.authorizer.jwt.claims).every((v) => typeof v === 'string')).toBe(true);
    expect(rc.authorizer.jwt.scopes).toBeNull();

    expect(context.awsRequestId).toBe(rc.requestId);
    expect(context.functionName).toContain('providers');
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
  });

  it('omits the authorizer, query and path parameters where API Gateway does', async () => {
    const res = await send('GET', '/health');
    expect(res.status).toBe(200);
    const { event, group } = calls[0]!;
    expect(group).toBe('public');
    expect(event.routeKey).toBe('GET /health');
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.pathParameters).toBeUndefined();
    expect(event.cookies).toBeUndefined();
    expect((event.requestContext as { authorizer?: unknown }).authorizer).toBeUndefined();
  });

  it('passes a JSON body as text and binary or non-UTF-8 bodies base64-encoded', async () => {
    const { token } = await auth.issue('sme');
    const headers = (ct: string) => ({ authorization: `Bearer ${token}`, 'content-type': ct });

    await send('POST', '/v1/smes', { headers: headers('application/json'), body: '{"name":"Ü-Werk 测试"}' });
    expect(calls[0]!.event.body).toBe('{"name":"Ü-Werk 测试"}');
    expect(calls[0]!.event.isBase64Encoded).toBe(false);

    const bytes = Buffer.from([0, 255, 1, 254, 10]);
    await send('POST', '/v1/smes', { headers: headers('application/octet-stream'), body: bytes });
    expect(calls[1]!.event.isBase64Encoded).toBe(true);
    expect(Buffer.from(calls[1]!.event.body!, 'base64')).toEqual(bytes);

    const latin1 = Buffer.from('café', 'latin1');
    await send('POST', '/v1/smes', { headers: headers('text/plain; charset=ISO-8859-1'), body: latin1 });
    expect(calls[2]!.event.isBase64Encoded).toBe(true);
    expect(Buffer.from(calls[2]!.event.body!, 'base64')).toEqual(latin1);
  });
});

describe('structured result', () => {
  it('writes status, headers, cookies and a base64 body, and adds x-request-id', async () => {
    respond = async () => ({
      statusCode: 201,
      headers: { 'content-type': 'image/png', 'x-count': 3 },
      cookies: ['s=1; HttpOnly', 't=2'],
      body: Buffer.from([137, 80, 78, 71]).toString('base64'),
      isBase64Encoded: true,
    });
    const res = await send('GET', '/v1/catalog');
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-count']).toBe('3');
    expect(res.headers['set-cookie']).toEqual(['s=1; HttpOnly', 't=2']);
    expect(res.body).toEqual(Buffer.from([137, 80, 78, 71]));
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a throwing handler with a 500 in the contract shape, without its message', async () => {
    respond = async () => {
      throw new Error('secret internals');
    };
    const res = await send('GET', '/health');
    expect(res.status).toBe(500);
    expect(json(res)).toEqual({ error: { code: 'INTERNAL', message: expect.any(String), details: [] } });
    expect(res.body.toString()).not.toContain('secret internals');
  });
});

describe('routing', () => {
  it('answers an unknown path, or a known path under another method, 404 in the contract shape without a handler', async () => {
    for (const [method, p] of [
      ['GET', '/nope'],
      ['DELETE', '/v1/providers'],
      ['GET', '/health/'],
      ['GET', '/v1/providers/'],
    ] as const) {
      const res = await send(method, p);
      expect(res.status, `${method} ${p}`).toBe(404);
      expect(json(res)).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), details: [] } });
      expect(res.headers['x-request-id']).toBeTruthy();
    }
    expect(calls).toHaveLength(0);
  });

  it('prefers the route with more literal segments', async () => {
    const local = await startGateway({
      http: fakeHandlers,
      auth,
      logger,
      routes: [
        { method: 'GET', path: '/a/{x}', group: 'public', auth: 'none' },
        { method: 'GET', path: '/a/b', group: 'inbox', auth: 'none' },
      ],
    });
    try {
      await send('GET', '/a/b', { url: local.url });
      await send('GET', '/a/c', { url: local.url });
      expect(calls.map((c) => [c.group, c.event.routeKey])).toEqual([
        ['inbox', 'GET /a/b'],
        ['public', 'GET /a/{x}'],
      ]);
    } finally {
      await local.close();
    }
  });

  it('serves the docs page, which renders /openapi.json without any CDN', async () => {
    const res = await send('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const html = res.body.toString();
    expect(html).toContain('/openapi.json');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it('serves local-only routes only when they are plugged in, as API Gateway has none of them', async () => {
    const bare = await startGateway({ http: fakeHandlers, auth, logger });
    try {
      for (const [method, p] of [
        ['GET', '/docs'],
        ['POST', '/local/tokens'],
      ] as const) {
        const res = await send(method, p, { url: bare.url, headers: { 'content-type': 'application/json' }, body: '{"role":"operator"}' });
        expect(res.status, `${method} ${p}`).toBe(404);
        expect(json(res)).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), details: [] } });
      }
      expect(calls).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });

  it('keeps its body limit on a local-only route', async () => {
    const res = await send('POST', '/local/tokens', {
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20),
    });
    expect(res.status).toBe(413);
    expect(json(res)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String), details: [] } });
  });
});

/** One raw exchange on a fresh socket, for requests no HTTP client would send. */
function rawExchange(text: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (out += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const sep = out.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0), body: sep < 0 ? '' : out.slice(sep + 4) });
    });
    setTimeout(() => socket.end(), 500);
  });
}

describe('requests the HTTP parser refuses', () => {
  it.each([
    ['an over-long request line', `GET /health?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 'PAYLOAD_TOO_LARGE'],
    ['an over-long header', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'k'.repeat(20_000)}\r\n\r\n`, 431, 'PAYLOAD_TOO_LARGE'],
    ['a malformed Content-Length', 'POST /v1/smes HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400, 'VALIDATION_FAILED'],
    ['a request target without its slash', 'GET ?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'VALIDATION_FAILED'],
  ])('answers %s in the contract shape', async (_name, text, status, code) => {
    const res = await rawExchange(text);
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toEqual({ error: { code, message: expect.any(String), details: [] } });
    expect(calls).toHaveLength(0);
  });
});

describe('body limit', () => {
  it('refuses a body over 64 KiB with 413 PAYLOAD_TOO_LARGE without invoking the handler', async () => {
    const { token } = await auth.issue('sme');
    const res = await send('POST', '/v1/smes', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x61),
    });
    expect(res.status).toBe(413);
    expect(json(res)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String), details: [] } });
    expect(calls).toHaveLength(0);
  });

  it('refuses an oversized chunked body (no Content-Length) as well', async () => {
    const { token } = await auth.issue('sme');
    const res = await send('POST', '/v1/smes', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      chunks: [Buffer.alloc(40_000, 0x61), Buffer.alloc(40_000, 0x61)],
    });
    expect(res.status).toBe(413);
    expect(calls).toHaveLength(0);
  });

  it('passes a body of exactly 64 KiB through to the handler', async () => {
    const { token } = await auth.issue('sme');
    const res = await send('POST', '/v1/smes', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: Buffer.alloc(MAX_BODY_BYTES, 0x61),
    });
    expect(res.status).toBe(200);
    expect(calls[0]!.event.body).toHaveLength(MAX_BODY_BYTES);
  });
});

describe('access log', () => {
  it('logs one line per request with method, path, status and duration, never the Authorization header', async () => {
    const { token } = await auth.issue('operator');
    await send('GET', '/v1/analytics/markets?period=2026-01', { headers: { authorization: `Bearer ${token}` } });
    await send('GET', '/nope', { headers: { authorization: `Bearer ${token}` } });
    const lines = logged.filter((l) => (l as unknown[])[0] === 'request') as Array<[string, Record<string, unknown>]>;
    expect(lines).toHaveLength(2);
    expect(lines[0]![1]).toMatchObject({ method: 'GET', path: '/v1/analytics/markets', status: 200, ms: expect.any(Number) });
    expect(lines[1]![1]).toMatchObject({ method: 'GET', path: '/nope', status: 404 });
    expect(JSON.stringify(logged)).not.toContain(token);
  });
});

describe('close', () => {
  it('lets an in-flight request finish, then refuses new connections', async () => {
    const local = await startGateway({ http: fakeHandlers, auth, logger });
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      respond = async () => {
        resolve();
        await new Promise<void>((r) => (release = r));
        return { statusCode: 200, body: 'done' };
      };
    });
    const inFlight = send('GET', '/health', { url: local.url });
    await started;
    const closed = local.close();
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('done');
    await closed;
    await expect(send('GET', '/health', { url: local.url })).rejects.toThrow();
  });
});
