/**
 * One HTTP Lambda per route group: one wrapper for the cross-cutting parts
 * (logging context, error mapping, answering before Lambda's timeout; see
 * withEdge), and a dispatch on API Gateway's routeKey over the group's
 * declarations (http/routes/<group>.ts), so a route the API forwards is
 * exactly a route declared there. Each declaration
 * is bound to its handler by name; the handler receives the caller and the
 * parsed, validated path, query, headers and body, and returns a value or
 * throws an AppError.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { Forbidden, NotFound, PayloadTooLarge, ValidationFailed } from '#domain/errors.ts';
import type { Caller, HttpHandler } from '../ports.ts';
import { errorLanguage } from './error-language.ts';
import { errorResponse } from './errors.ts';
import { csvOf, CSV_CONTENT_TYPE, wantsCsv } from './csv.ts';
import { callerFromClaims } from './identity.ts';
// The declarations' types and helpers only, from route-decl.ts: routes.ts assembles every group's declarations, and
// building all their schemas at a cold start of one group's Lambda cost init time for routes it never serves.
import { routeKeyOf, type HeaderDecl, type HttpGroup, type RouteDecl, type Schema } from './route-decl.ts';
import { issuesToDetails, parseWith } from './validate.ts';

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * What a Lambda accepts as a synchronous request: the whole event, as JSON.
 * Lambda's Invoke API: "For synchronous invocations, the maximum payload
 * size is 6 MB" (docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html); its
 * refusal names the exact figure, "Request must be smaller than 6291456
 * bytes for the InvokeFunction operation".
 */
export const LAMBDA_SYNC_EVENT_BYTES = 6 * 1024 * 1024;
/** Fields API Gateway's event has that the local gateway's may lack (request context details): kept free under the limit. */
const EVENT_ALLOWANCE_BYTES = 8 * 1024;

type Out<S> = S extends Schema ? z.infer<S> : undefined;
type HeadersOut<H> = H extends Record<string, HeaderDecl> ? { [K in keyof H]: z.infer<H[K]['schema']> } : Record<string, never>;

export interface RouteInput<B, Q, P, H> {
  caller: Caller;
  body: B;
  query: Q;
  params: P;
  /** The declared headers, parsed, by the declaration's keys. */
  headers: H;
  /** The body's bytes, on routes that declare a raw body (RouteDecl.rawBody); absent on JSON routes. */
  rawBody?: Buffer;
  requestId: string;
}

/** A public route runs without a caller (no authorizer on it). */
export interface PublicInput {
  query: Record<string, string | undefined>;
}

/** What the handler bound to a declaration receives: its types flow from the declaration's schemas. */
export type InputOf<D> =
  D extends RouteDecl<HttpGroup, infer R, infer B, infer Q, infer P, infer H>
    ? R extends 'public'
      ? PublicInput
      : RouteInput<Out<B>, Out<Q>, Out<P>, HeadersOut<H>>
    : never;

/** One group's declarations by route name: the object http/routes/<group>.ts exports. */
export type GroupRoutes = Record<string, RouteDecl>;

/** A group's handlers: exactly one per route it serves, by route name. */
export type GroupHandlers<D extends GroupRoutes> = { [K in keyof D]: (input: InputOf<D[K]>) => Promise<unknown> };

/** Page requests of list routes: `?limit` defaults to 20. */
export const pageOf = (q: { limit?: number | undefined; cursor?: string | undefined }) => ({
  limit: q.limit ?? 20,
  cursor: q.cursor,
});

const EMPTY = z.strictObject({});

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function json(statusCode: number, body: unknown): Result {
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** The body's bytes within the route's limit (its declared raw-body limit, else the contract's 64 KiB). */
function bodyBytes(event: Event, decl: RouteDecl): Buffer | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const buf = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  const limit = decl.rawBody?.maxBytes ?? MAX_BODY_BYTES;
  if (buf.byteLength > limit) throw new PayloadTooLarge(`the body exceeds ${limit} bytes`);
  if (decl.rawBody) assertFitsLambdaEvent(event);
  return buf;
}

/**
 * A raw body (a register CSV, up to 5 MiB) must also fit in the Lambda event
 * that carries it, which is what binds in AWS, not API Gateway's 10 MB.
 * Is the CSV base64-encoded on the way (4/3 of 5 MiB is 6.67 MiB, past the
 * limit)? No: an HTTP API (payload format 2.0) base64-encodes a request body
 * only when its content type is binary ("If the content type of the request
 * is binary, the body is base64-encoded", docs.aws.amazon.com/apigateway/
 * latest/developerguide/http-api-develop-integrations-lambda.html); checked
 * against AWS, text/* (text/csv included) and application/json|xml|javascript
 * arrive as UTF-8 text, everything else base64 (github.com/ministackorg/
 * ministack/pull/766). What remains is JSON escaping inside the event: each
 * quote, backslash, CR, LF and tab counts twice, other control characters six
 * times. Measured on 5 MiB registers (local/aws-shapes.ts events, the same
 * shape): unquoted LF rows 5.30 MB, every field quoted with CRLF 5.84 MB,
 * quoted fields with embedded quotes 6.05 MB, all under 6,291,456; a file
 * dense with quotes or short quoted fields can pass it below 5 MiB. In AWS
 * such a request never reaches this code (API Gateway answers 413 itself), so
 * the check here makes the local runtime refuse exactly those files too, with
 * the contract's 413, instead of accepting what AWS would not.
 */
function assertFitsLambdaEvent(event: Event): void {
  const eventBytes = Buffer.byteLength(JSON.stringify(event), 'utf8');
  const limit = LAMBDA_SYNC_EVENT_BYTES - EVENT_ALLOWANCE_BYTES;
  if (eventBytes > limit) {
    throw new PayloadTooLarge(
      `the request takes ${eventBytes} bytes as a Lambda event (quotes, backslashes and line breaks count twice once JSON-escaped); at most ${limit}: split the file`,
      [{ path: 'body', message: `at most ${limit} bytes once JSON-escaped in the Lambda event` }],
    );
  }
}

/** A raw body route's bytes, of its declared media type; an empty body is refused like a malformed one. */
function readRawBody(event: Event, decl: RouteDecl & { rawBody: NonNullable<RouteDecl['rawBody']> }): Buffer {
  const ct = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  const [mediaType = '', ...params] = ct.split(';').map((x) => x.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (mediaType !== decl.rawBody.mediaType || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new ValidationFailed(`the body must be ${decl.rawBody.mediaType} in UTF-8`, [
      { path: 'header.content-type', message: `must be ${decl.rawBody.mediaType} (charset utf-8, if given)` },
    ]);
  }
  const buf = bodyBytes(event, decl);
  if (!buf) throw new ValidationFailed('the body is empty', [{ path: 'body', message: `required (${decl.rawBody.mediaType})` }]);
  return buf;
}

function readBody(event: Event, decl: RouteDecl): unknown {
  const buf = bodyBytes(event, decl);
  if (buf === undefined) return undefined;
  const ct = event.headers?.['content-type'] ?? event.headers?.['Content-Type'];
  if (ct && !/^application\/(.+\+)?json\b/i.test(ct)) {
    throw new ValidationFailed('the body must be JSON', [{ path: 'header.content-type', message: 'must be application/json' }]);
  }
  // JSON is UTF-8 (RFC 8259); a body declared in another charset would be read wrongly, so it is refused
  // (a 400 rather than a 415: the contract's table has one vocabulary and VALIDATION_FAILED names the header).
  const charset = ct && /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(ct)?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ValidationFailed('the body must be JSON in UTF-8', [{ path: 'header.content-type', message: `charset ${charset} is not accepted; use utf-8` }]);
  }
  let text: string;
  try {
    // fatal: invalid bytes are refused, never silently replaced by U+FFFD and stored.
    text = UTF8.decode(buf);
  } catch {
    throw new ValidationFailed('the body is not valid UTF-8', [{ path: 'body', message: 'invalid UTF-8' }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationFailed('the body is not valid JSON', [{ path: 'body', message: 'malformed JSON' }]);
  }
  const bad = illFormedPath(parsed, 'body');
  if (bad) throw new ValidationFailed('the body holds a lone surrogate', [{ path: bad, message: 'not well-formed Unicode (lone surrogate)' }]);
  return parsed;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** A lone surrogate (`"\ud800"` is valid JSON text but no character): with the u flag a proper pair never matches. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The path of the first string (value or key) in `v` that is not well-formed Unicode, if any. */
function illFormedPath(v: unknown, path: string): string | undefined {
  if (typeof v === 'string') return LONE_SURROGATE.test(v) ? path : undefined;
  if (typeof v !== 'object' || v === null) return undefined;
  for (const [k, x] of Object.entries(v)) {
    const at = `${path}.${k}`;
    if (LONE_SURROGATE.test(k)) return at;
    const bad = illFormedPath(x, at);
    if (bad) return bad;
  }
  return undefined;
}

/** A route without a body schema takes no body, or `{}` at most (what some clients send by default); an array or anything else is refused. */
function isEmptyBody(v: unknown): boolean {
  return v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
}

function readHeaders(decls: Record<string, HeaderDecl> | undefined, headers: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, h] of Object.entries(decls ?? {})) {
    const lower = h.name.toLowerCase();
    const r = h.schema.safeParse(headers[lower]);
    if (!r.success) throw new ValidationFailed(`the ${h.name} header is invalid`, issuesToDetails(r.error.issues, `header.${lower}`, headers[lower]));
    out[key] = r.data;
  }
  return out;
}

type Bound = { decl: RouteDecl; handle: (input: never) => Promise<unknown> };

/** The group's declarations, each with its handler, by API Gateway routeKey. */
function bind<D extends GroupRoutes>(routes: D, handlers: GroupHandlers<D>): Map<string, Bound> {
  const table = new Map<string, Bound>();
  const groups = new Set(Object.values(routes).map((d) => d.group));
  // One Lambda per group (infra routes each declaration to its group's function): a mixed table is a wiring mistake.
  if (groups.size !== 1) throw new Error(`a group's routes must all belong to one group, not ${[...groups].join(', ') || 'none'}`);
  for (const [name, decl] of Object.entries(routes)) {
    const handle = (handlers as Record<string, Bound['handle'] | undefined>)[name];
    // The types demand every handler; this catches a group built from an untyped object.
    if (!handle) throw new Error(`route ${name} (${routeKeyOf(decl)}) has no handler in group ${decl.group}`);
    table.set(routeKeyOf(decl), { decl, handle });
  }
  return table;
}

/** One group's Lambda: `routes` is the group's declarations (http/routes/<group>.ts), `handlers` one per route. */
export function httpGroup<D extends GroupRoutes>(routes: D, handlers: GroupHandlers<D>, logger: Logger): HttpHandler {
  const table = bind(routes, handlers);

  const dispatch = async (event: Event): Promise<Result> => {
    const bound = table.get(event.routeKey);
    if (!bound) throw new NotFound(`no route ${event.routeKey}`);
    const { decl } = bound;
    // The size before anything else, as the local gateway (and a body limit in front of the API) refuses it
    // before any handler runs: a large body answers 413 whatever else is wrong with the request.
    bodyBytes(event, decl);
    const rawQuery = event.queryStringParameters ?? {};

    if (decl.roles === 'public') {
      return json(decl.status, await (bound.handle as (i: PublicInput) => Promise<unknown>)({ query: rawQuery }));
    }

    const caller = callerFromClaims(event.requestContext?.authorizer?.jwt?.claims as Record<string, unknown> | undefined);
    logger.appendKeys({ callerRole: caller.role });
    if (!decl.roles.includes(caller.role)) {
      throw new Forbidden(`the ${caller.role} group may not call ${event.routeKey}`);
    }
    const params = parseWith(decl.params ?? EMPTY, event.pathParameters ?? {}, 'path');
    const query = parseWith(decl.query ?? EMPTY, rawQuery, 'query');
    const raw = decl.rawBody ? readRawBody(event, { ...decl, rawBody: decl.rawBody }) : undefined;
    const rawBody = decl.rawBody ? undefined : readBody(event, decl);
    let body: unknown;
    if (decl.body) {
      body = parseWith(decl.body, rawBody === undefined ? {} : rawBody, 'body');
    } else if (!isEmptyBody(rawBody)) {
      throw new ValidationFailed('this endpoint takes no body', [{ path: 'body', message: 'must be empty' }]);
    }
    const lowerHeaders = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const headers = readHeaders(decl.headers, lowerHeaders);
    const out = await (bound.handle as (i: RouteInput<unknown, unknown, unknown, unknown>) => Promise<unknown>)({
      caller,
      body,
      query,
      params,
      headers,
      ...(raw ? { rawBody: raw } : {}),
      requestId: event.requestContext?.requestId ?? '',
    });
    if (decl.csv && wantsCsv(lowerHeaders.accept)) {
      return { statusCode: decl.status, headers: { 'content-type': CSV_CONTENT_TYPE, 'cache-control': 'no-store' }, body: csvOf(decl.csv, out) };
    }
    return json(decl.status, out);
  };

  return withEdge(dispatch, logger);
}

/** How long before the Lambda's own timeout a request still running is answered (middy's default, which this edge used). */
export const TIMEOUT_EARLY_MS = 5;

/**
 * What @middy/core did here, in a few lines: fresh log keys per request,
 * every error mapped to the contract's JSON (5xx logged in full, refusals in
 * one line), and a request still running TIMEOUT_EARLY_MS before the Lambda
 * times out answered 500 INTERNAL (and logged) instead of Lambda's bare
 * timeout. middy itself loads node:stream/web, stream/promises and timers
 * for response streaming, which no route uses: ~2.5 ms of each cold start.
 */
function withEdge(dispatch: (event: Event) => Promise<Result>, logger: Logger): HttpHandler {
  return async (event: Event, context: Context): Promise<Result> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // Fresh per-request keys; never the token or the body.
      logger.resetKeys?.();
      logger.appendKeys({ requestId: event.requestContext?.requestId, routeKey: event.routeKey });
      const remaining = context?.getRemainingTimeInMillis?.();
      if (remaining === undefined) return await dispatch(event);
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('the request did not finish before the function timed out'), { name: 'TimeoutError' })), remaining - TIMEOUT_EARLY_MS);
      });
      return await Promise.race([dispatch(event), timedOut]);
    } catch (error) {
      const { statusCode, body } = errorResponse(error, errorLanguage(event.headers?.['accept-language']));
      if (statusCode >= 500) logger.error('request failed', error as Error);
      else logger.info('request refused', { statusCode, code: body.error.code });
      return json(statusCode, body);
    } finally {
      clearTimeout(timer);
    }
  };
}
