/**
 * The local HTTP gateway: what API Gateway's HTTP API does in AWS, on
 * node:http. It matches the one route table (HTTP_ROUTES), checks JWTs the
 * way the JWT authorizer does (401 before any handler runs), builds the
 * payload format 2.0 event, invokes the route group's Lambda handler with a
 * Lambda-like context and writes its structured result back. Errors the
 * gateway itself answers use the contract's error shape, not API Gateway's
 * `{"message": ...}`, so clients handle one shape.
 *
 * Local-only routes: POST /local/tokens (issue a token) and GET /docs (a page
 * rendering /openapi.json). Neither exists in AWS.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { HttpHandler } from '#functions/app.ts';
import { HTTP_ROUTES, type HttpGroup, type HttpRoute } from '#functions/http/routes.ts';
import { TokenRequest, type LocalAuth, type VerifiedJwt } from './auth.ts';
import { LOCAL_ACCOUNT, lambdaContext } from './context.ts';
import { DOCS_HTML } from './docs-page.ts';

/** The contract's body limit (api.md): larger bodies answer 413 without reaching a handler. */
export const MAX_BODY_BYTES = 64 * 1024;

export type GatewayLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface GatewayOptions {
  /** One handler per route group (the Lambda behind those routes). */
  http: Record<HttpGroup, HttpHandler>;
  auth: Pick<LocalAuth, 'verify' | 'issue'>;
  logger: GatewayLogger;
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1': the local runtime is not meant to be reachable from other machines. */
  host?: string;
  /** @default HTTP_ROUTES */
  routes?: readonly HttpRoute[];
  /** @default MAX_BODY_BYTES */
  maxBodyBytes?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish, then closes every connection. */
  close(): Promise<void>;
}

interface ErrorDetail {
  path: string;
  message: string;
}
const errorBody = (code: string, message: string, details: ErrorDetail[] = []) => ({ error: { code, message, details } });

// ------------------------------------------------------------------ routing

type Segment = { literal: string } | { param: string; greedy: boolean };
interface CompiledRoute {
  route: HttpRoute;
  routeKey: string;
  segments: Segment[];
  literals: number;
}

function compile(route: HttpRoute): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((s): Segment => {
      const m = /^\{([A-Za-z0-9_]+)(\+)?\}$/.exec(s);
      return m ? { param: m[1]!, greedy: m[2] === '+' } : { literal: s };
    });
  return {
    route,
    routeKey: `${route.method} ${route.path}`,
    segments,
    literals: segments.filter((s) => 'literal' in s).length,
  };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    // A malformed escape reaches the handler as sent; its schema refuses it.
    return s;
  }
}

/**
 * API Gateway's selection: the route whose literal segments match wins over
 * one matching through parameters; a path known under another method is
 * still a 404 (HTTP APIs answer no 405).
 */
export function matchRoute(
  routes: readonly CompiledRoute[],
  method: string,
  rawPath: string,
): { compiled: CompiledRoute; params: Record<string, string> } | undefined {
  if (!rawPath.startsWith('/')) return undefined;
  const parts = rawPath.split('/').slice(1);
  let best: { compiled: CompiledRoute; params: Record<string, string> } | undefined;
  for (const c of routes) {
    if (c.route.method !== method) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < c.segments.length && ok; i++) {
      const seg = c.segments[i]!;
      const part = parts[i];
      if (part === undefined) ok = false;
      else if ('literal' in seg) ok = seg.literal === part;
      else if (seg.greedy) {
        params[seg.param] = decodeSegment(parts.slice(i).join('/'));
        i = parts.length;
      } else if (part === '') ok = false;
      else params[seg.param] = decodeSegment(part);
    }
    const last = c.segments.at(-1);
    const greedy = last !== undefined && 'greedy' in last && last.greedy;
    if (ok && (greedy || parts.length === c.segments.length) && (!best || c.literals > best.compiled.literals)) {
      best = { compiled: c, params };
    }
  }
  return best;
}

// ------------------------------------------------------------------ the v2 event

/** Types API Gateway passes as text; anything else (or a non-UTF-8 charset) arrives base64-encoded. */
export function isTextBody(contentType: string | undefined, body: Buffer): boolean {
  if (!contentType) {
    // No declared type: text only if the bytes are valid UTF-8.
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(body);
      return true;
    } catch {
      return false;
    }
  }
  const [type = '', ...params] = contentType.toLowerCase().split(';').map((s) => s.trim());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replaceAll('"', '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') return false;
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript' ||
    type === 'application/x-www-form-urlencoded' ||
    type === 'application/graphql'
  );
}

/** `12/Mar/2020:19:03:58 +0000`, the format of requestContext.time. */
function clfTime(d: Date): string {
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export interface RequestFacts {
  method: string;
  rawPath: string;
  rawQueryString: string;
  /** Header name (any case) to its values in arrival order. */
  headers: Record<string, string[]>;
  body: Buffer | undefined;
  sourceIp: string;
  protocol: string;
  requestId: string;
  at: Date;
}

export function toV2Event(
  facts: RequestFacts,
  routeKey: string,
  pathParameters: Record<string, string>,
  jwt: VerifiedJwt | undefined,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, values] of Object.entries(facts.headers)) {
    const key = name.toLowerCase();
    // Payload 2.0 moves cookies into their own array.
    if (key === 'cookie') {
      for (const v of values) cookies.push(...v.split(';').map((c) => c.trim()).filter(Boolean));
      continue;
    }
    headers[key] = headers[key] === undefined ? values.join(',') : `${headers[key]},${values.join(',')}`;
  }

  let query: Record<string, string> | undefined;
  if (facts.rawQueryString) {
    query = {};
    for (const [k, v] of new URLSearchParams(facts.rawQueryString)) {
      query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
    }
  }

  const host = headers.host ?? 'localhost';
  const domainName = host.replace(/:\d+$/, '');
  const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
    version: '2.0',
    routeKey,
    rawPath: facts.rawPath,
    rawQueryString: facts.rawQueryString,
    headers,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: facts.method,
        path: facts.rawPath,
        protocol: facts.protocol,
        sourceIp: facts.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: facts.requestId,
      routeKey,
      stage: '$default',
      time: clfTime(facts.at),
      timeEpoch: facts.at.getTime(),
      // Only JWT routes carry an authorizer, as in AWS; handlers of open routes never read it.
      ...(jwt ? { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: jwt.claims, scopes: jwt.scopes } } } : {}),
    } as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'],
    isBase64Encoded: false,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (query) event.queryStringParameters = query;
  if (Object.keys(pathParameters).length > 0) event.pathParameters = pathParameters;
  if (facts.body && facts.body.length > 0) {
    const text = isTextBody(headers['content-type'], facts.body);
    event.body = text ? facts.body.toString('utf8') : facts.body.toString('base64');
    event.isBase64Encoded = !text;
  }
  return event;
}

// ------------------------------------------------------------------ the server

type BodyRead = { ok: true; body: Buffer } | { ok: false };

/** Reads at most `limit` bytes; `{ ok: false }` as soon as the body is known to be larger. */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (r: BodyRead | Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        // Keep the stream flowing so the rest is discarded, never buffered.
        req.resume();
        finish({ ok: false });
      } else chunks.push(c);
    };
    const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks) });
    const onError = (e: Error) => finish(e);
    const onClose = () => finish(new Error('client closed the request before its body ended'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function writeResult(res: ServerResponse, result: unknown, requestId: string): number {
  let structured: APIGatewayProxyStructuredResultV2;
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    structured = result as APIGatewayProxyStructuredResultV2;
  } else {
    // Payload 2.0's inference: anything else is a 200 JSON body.
    structured = {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
    };
  }
  const status = structured.statusCode ?? 200;
  for (const [k, v] of Object.entries(structured.headers ?? {})) res.setHeader(k, String(v));
  if (structured.cookies?.length) res.setHeader('set-cookie', structured.cookies);
  res.setHeader('x-request-id', requestId);
  const body =
    structured.body === undefined
      ? undefined
      : structured.isBase64Encoded
        ? Buffer.from(structured.body, 'base64')
        : Buffer.from(structured.body, 'utf8');
  res.writeHead(status);
  res.end(body);
  return status;
}

function writeJson(res: ServerResponse, status: number, payload: unknown, requestId: string, extra: Record<string, string> = {}): number {
  const body = Buffer.from(JSON.stringify(payload));
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId, ...extra });
  res.end(body);
  return status;
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  // API Gateway takes the identity source with or without the Bearer prefix.
  const m = /^\s*(?:bearer\s+)?(\S+)\s*$/i.exec(header);
  return m?.[1];
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const compiled = (opts.routes ?? HTTP_ROUTES).map(compile);
  const maxBody = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const log = opts.logger;
  let closing = false;
  let closed: Promise<void> | undefined;
  const inflight = new Set<Promise<void>>();

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<{ status: number; routeKey?: string }> {
    let url = req.url ?? '/';
    // Absolute form (as sent to a proxy) names the same path.
    if (/^https?:\/\//i.test(url)) {
      try {
        const abs = new URL(url);
        url = abs.pathname + abs.search;
      } catch {
        url = '';
      }
    }
    if (!url.startsWith('/')) {
      return { status: writeJson(res, 400, errorBody('VALIDATION_FAILED', 'the request target must be a path starting with /'), requestId) };
    }
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQueryString = q < 0 ? '' : url.slice(q + 1);
    const method = (req.method ?? 'GET').toUpperCase();

    const declared = Number(req.headers['content-length'] ?? '0');
    const tooLarge = () =>
      writeJson(res, 413, errorBody('PAYLOAD_TOO_LARGE', `the request body exceeds ${maxBody} bytes`), requestId, { connection: 'close' });

    // Local-only routes, answered by the gateway itself.
    if (method === 'GET' && rawPath === '/docs') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-request-id': requestId });
      res.end(DOCS_HTML);
      return { status: 200, routeKey: 'GET /docs' };
    }
    if (method === 'POST' && rawPath === '/local/tokens') {
      const routeKey = 'POST /local/tokens';
      if (declared > maxBody) return { status: tooLarge(), routeKey };
      const read = await readBody(req, maxBody);
      if (!read.ok) return { status: tooLarge(), routeKey };
      let parsedJson: unknown;
      try {
        parsedJson = JSON.parse(read.body.toString('utf8') || 'null');
      } catch {
        return { status: writeJson(res, 400, errorBody('VALIDATION_FAILED', 'the body is not valid JSON'), requestId), routeKey };
      }
      const parsed = TokenRequest.safeParse(parsedJson);
      if (!parsed.success) {
        const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        return { status: writeJson(res, 400, errorBody('VALIDATION_FAILED', 'invalid token request', details), requestId), routeKey };
      }
      const issued = await opts.auth.issue(parsed.data.role, parsed.data.sub);
      return { status: writeJson(res, 201, issued, requestId), routeKey };
    }

    const match = matchRoute(compiled, method, rawPath);
    if (!match) {
      return { status: writeJson(res, 404, errorBody('NOT_FOUND', `no route for ${method} ${rawPath}`), requestId) };
    }
    const { compiled: route, params } = match;

    let jwt: VerifiedJwt | undefined;
    if (route.route.auth === 'jwt') {
      const token = bearerToken(req.headers.authorization);
      jwt = token ? ((await opts.auth.verify(token)) ?? undefined) : undefined;
      if (!jwt) {
        const status = writeJson(
          res,
          401,
          errorBody('UNAUTHENTICATED', token ? 'the token is invalid or expired' : 'a bearer token is required'),
          requestId,
          { 'www-authenticate': 'Bearer' },
        );
        return { status, routeKey: route.routeKey };
      }
    }

    if (declared > maxBody) return { status: tooLarge(), routeKey: route.routeKey };
    const read = await readBody(req, maxBody);
    if (!read.ok) return { status: tooLarge(), routeKey: route.routeKey };

    const event = toV2Event(
      {
        method,
        rawPath,
        rawQueryString,
        headers: req.headersDistinct as Record<string, string[]>,
        body: read.body,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        protocol: `HTTP/${req.httpVersion}`,
        requestId,
        at: new Date(),
      },
      route.routeKey,
      params,
      jwt,
    );
    const group = route.route.group;
    let result: unknown;
    try {
      result = await opts.http[group](event, lambdaContext(group, requestId));
    } catch (err) {
      // In AWS a throwing Lambda is a 500 from API Gateway; internals stay in the log.
      log.error('handler threw', { requestId, group, route: route.routeKey, error: err as Error });
      return {
        status: writeJson(res, 500, errorBody('INTERNAL', 'internal error; it has been logged'), requestId),
        routeKey: route.routeKey,
      };
    }
    return { status: writeResult(res, result, requestId), routeKey: route.routeKey };
  }

  const server: Server = createServer((req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    if (closing) res.setHeader('connection', 'close');
    const work = handle(req, res, requestId)
      .then(({ status, routeKey }) => {
        // The access log: never headers (Authorization), never bodies.
        log.info('request', {
          requestId,
          method: req.method,
          path: (req.url ?? '/').split('?')[0],
          route: routeKey,
          status,
          ms: Math.round((performance.now() - started) * 10) / 10,
        });
      })
      .catch((err: unknown) => {
        log.error('request failed', { requestId, method: req.method, path: (req.url ?? '/').split('?')[0], error: err as Error });
        if (!res.headersSent && !res.destroyed) writeJson(res, 500, errorBody('INTERNAL', 'internal error; it has been logged'), requestId);
        else res.destroy();
      })
      .finally(() => {
        inflight.delete(work);
        if (closing) server.closeIdleConnections();
      });
    inflight.add(work);
  });
  // Requests node's parser refuses never reach the handler above; answer
  // them in the contract's error shape too, instead of node's empty body.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    // No code of the contract names 431; the request is too large, which PAYLOAD_TOO_LARGE says.
    const payload = JSON.stringify(
      tooLarge
        ? errorBody('PAYLOAD_TOO_LARGE', 'the request line or headers are too large')
        : errorBody('VALIDATION_FAILED', `the request is not valid HTTP (${err.code ?? 'parse error'})`),
    );
    log.warn('request refused by the HTTP parser', { status, code: err.code });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(payload)}\r\nconnection: close\r\n\r\n${payload}`,
    );
  });
  // Slow or idle clients must not hold a shutdown open for long.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 15_000;
  server.requestTimeout = 60_000;

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}`,
    port,
    close() {
      closed ??= shutDown();
      return closed;
    },
  };

  async function shutDown(): Promise<void> {
    closing = true;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.allSettled([...inflight]);
    // Responses are written; whatever connection is left is idle or stuck.
    const force = setTimeout(() => server.closeAllConnections(), 2_000);
    server.closeIdleConnections();
    await stopped;
    clearTimeout(force);
  }
}
