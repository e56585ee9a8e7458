/**
 * The local HTTP gateway: what API Gateway's HTTP API does in AWS, on
 * node:http. It matches the one route table (HTTP_ROUTES), checks JWTs the
 * way the JWT authorizer does (401 before any handler runs), builds the
 * payload format 2.0 event, invokes the route group's Lambda handler with a
 * Lambda-like context and writes its structured result back. Errors the
 * gateway itself answers use the contract's error shape, not API Gateway's
 * `{"message": ...}`, so clients handle one shape.
 *
 * Nothing here exists only locally: routes AWS does not have (POST
 * /local/tokens, GET /docs) are plugged in by the runtime as `localRoutes`
 * (see local-routes.ts). The AWS shapes (route selection, the v2 event, the
 * Lambda context, the error body) come from aws-shapes.ts, as the tests'.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { HttpHandler } from '#functions/ports.ts';
import { HTTP_ROUTES, type HttpGroup, type HttpRoute } from '#functions/http/routes.ts';
import type { LocalAuth } from './auth.ts';
import { compileRoutes, errorBody, lambdaContext, matchRoute, toV2Event, type VerifiedJwt } from './aws-shapes.ts';
import { readBodyWithin, writeJson } from './http-io.ts';

/** The contract's body limit (api.md): larger bodies answer 413 without reaching a handler. */
export const MAX_BODY_BYTES = 64 * 1024;

export type GatewayLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface GatewayOptions {
  /** One handler per route group (the Lambda behind those routes). */
  http: Record<HttpGroup, HttpHandler>;
  /** The JWT authorizer's check. */
  auth: Pick<LocalAuth, 'verify'>;
  logger: GatewayLogger;
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1': the local runtime is not meant to be reachable from other machines. */
  host?: string;
  /** @default HTTP_ROUTES */
  routes?: readonly HttpRoute[];
  /** @default MAX_BODY_BYTES */
  maxBodyBytes?: number;
  /** Routes AWS does not have, answered before the route table (exact method and path). @default none */
  localRoutes?: readonly LocalRoute[];
  /**
   * Static pages served beside the API (the console): asked after the local
   * routes and before the route table; answers `false` for paths that are not
   * its own, which then go on to the API. @default none
   */
  pages?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
}

/** A route of the local runtime only: it answers the request itself, no Lambda behind it. */
export interface LocalRoute {
  method: string;
  /** Matched exactly against the raw path. */
  path: string;
  /** Answers in full; returns the status written, for the access log. */
  handle(req: IncomingMessage, res: ServerResponse, ctx: LocalRouteContext): Promise<number>;
}

export interface LocalRouteContext {
  requestId: string;
  /** The gateway's body limit, which local routes keep too. */
  maxBodyBytes: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish, then closes every connection. */
  close(): Promise<void>;
}

// ------------------------------------------------------------------ the server

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

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  // API Gateway takes the identity source with or without the Bearer prefix.
  const m = /^\s*(?:bearer\s+)?(\S+)\s*$/i.exec(header);
  return m?.[1];
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const compiled = compileRoutes(opts.routes ?? HTTP_ROUTES);
  const localRoutes = opts.localRoutes ?? [];
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

    const local = localRoutes.find((r) => r.method === method && r.path === rawPath);
    if (local) return { status: await local.handle(req, res, { requestId, maxBodyBytes: maxBody }), routeKey: `${local.method} ${local.path}` };
    if (opts.pages && (await opts.pages(req, res))) return { status: res.statusCode, routeKey: 'pages' };

    const match = matchRoute(compiled, method, rawPath);
    if (!match) {
      return { status: writeJson(res, 404, errorBody('NOT_FOUND', `no route for ${method} ${rawPath}`), requestId) };
    }
    const { route, routeKey, params } = match;

    let jwt: VerifiedJwt | undefined;
    if (route.auth === 'jwt') {
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
        return { status, routeKey };
      }
    }

    // A route that declares its own limit (a register file) keeps it here as API Gateway and the Lambda do.
    const read = await readBodyWithin(req, res, route.maxBodyBytes ?? maxBody, requestId);
    if (!read.ok) return { status: read.status, routeKey };

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
      routeKey,
      params,
      jwt,
    );
    const group = route.group;
    let result: unknown;
    try {
      result = await opts.http[group](event, lambdaContext(group, requestId));
    } catch (err) {
      // In AWS a throwing Lambda is a 500 from API Gateway; internals stay in the log.
      log.error('handler threw', { requestId, group, route: routeKey, error: err as Error });
      return { status: writeJson(res, 500, errorBody('INTERNAL', 'internal error; it has been logged'), requestId), routeKey };
    }
    return { status: writeResult(res, result, requestId), routeKey };
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
