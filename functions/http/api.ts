/**
 * One HTTP Lambda per route group: middy for the cross-cutting parts (size
 * limit, JSON parsing, logging context, error mapping), and a dispatch on
 * API Gateway's routeKey — the same key HTTP_ROUTES declares, so a route the
 * API forwards is exactly a route defined here. Route handlers receive
 * parsed, validated input and return a value or throw an AppError.
 */
import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { Forbidden, NotFound, PayloadTooLarge, ValidationFailed } from '#domain/errors.ts';
import type { HttpHandler } from '../app.ts';
import { errorResponse } from './errors.ts';
import { callerFromClaims, type Caller, type Role } from './identity.ts';
import { parseWith } from './validate.ts';

export const MAX_BODY_BYTES = 64 * 1024;

export interface RouteInput<B, Q, P> {
  caller: Caller;
  body: B;
  query: Q;
  params: P;
  headers: Record<string, string | undefined>;
  requestId: string;
}

export interface PublicInput {
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
}

type Schema = z.ZodMiniType;
type Out<S> = S extends Schema ? z.infer<S> : undefined;

export interface RouteDef {
  routeKey: string;
  /** 'public' routes run without a caller (no authorizer on them). */
  roles: readonly Role[] | 'public';
  status?: number;
  body?: Schema;
  query?: Schema;
  params?: Schema;
  /** The handler returns the whole API Gateway result itself (not a JSON body to wrap). */
  raw?: boolean;
  handle: (input: never) => Promise<unknown>;
}

/** Typed route builder: the handler's input types flow from the schemas. */
export function route<B extends Schema | undefined, Q extends Schema | undefined, P extends Schema | undefined>(def: {
  routeKey: string;
  roles: readonly Role[];
  status?: number;
  body?: B;
  query?: Q;
  params?: P;
  handle: (input: RouteInput<Out<B>, Out<Q>, Out<P>>) => Promise<unknown>;
}): RouteDef {
  return def as unknown as RouteDef;
}

export function publicRoute(def: {
  routeKey: string;
  raw?: boolean;
  handle: (input: PublicInput) => Promise<unknown>;
}): RouteDef {
  return { ...def, roles: 'public' } as unknown as RouteDef;
}

/** Ids are made by the server: a prefix, an underscore and 10-64 url-safe characters. */
export const id = (prefix: string) => z.string().check(z.regex(new RegExp(`^${prefix}_[A-Za-z0-9_-]{10,64}$`), `must be a ${prefix}_ id`));

export const PageQuery = {
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,3}$/, 'must be an integer 1..100')),
      z.pipe(
        z.transform((s: string) => Number(s)),
        z.int().check(z.minimum(1), z.maximum(100)),
      ),
    ),
  ),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
};
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

function readBody(event: Event): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const buf = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (buf.byteLength > MAX_BODY_BYTES) throw new PayloadTooLarge(`the body exceeds ${MAX_BODY_BYTES} bytes`);
  const ct = event.headers?.['content-type'] ?? event.headers?.['Content-Type'];
  if (ct && !/^application\/(.+\+)?json\b/i.test(ct)) {
    throw new ValidationFailed('the body must be JSON', [{ path: 'header.content-type', message: 'must be application/json' }]);
  }
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw new ValidationFailed('the body is not valid JSON', [{ path: 'body', message: 'malformed JSON' }]);
  }
}

export function httpGroup(routes: readonly RouteDef[], logger: Logger): HttpHandler {
  const table = new Map(routes.map((r) => [r.routeKey, r]));

  const dispatch = async (event: Event): Promise<Result> => {
    const def = table.get(event.routeKey);
    if (!def) throw new NotFound(`no route ${event.routeKey}`);
    const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const rawQuery = event.queryStringParameters ?? {};

    if (def.roles === 'public') {
      const out = await (def.handle as (i: PublicInput) => Promise<unknown>)({ query: rawQuery, headers });
      if (def.raw) return out as Result;
      return json(def.status ?? 200, out);
    }

    const caller = callerFromClaims(event.requestContext?.authorizer?.jwt?.claims as Record<string, unknown> | undefined);
    logger.appendKeys({ callerRole: caller.role });
    if (!def.roles.includes(caller.role)) {
      throw new Forbidden(`the ${caller.role} group may not call ${def.routeKey}`);
    }
    const params = parseWith(def.params ?? EMPTY, event.pathParameters ?? {}, 'path');
    const query = parseWith(def.query ?? EMPTY, rawQuery, 'query');
    const rawBody = readBody(event);
    let body: unknown;
    if (def.body) {
      body = parseWith(def.body, rawBody === undefined ? {} : rawBody, 'body');
    } else if (rawBody !== undefined && !(typeof rawBody === 'object' && rawBody !== null && Object.keys(rawBody).length === 0)) {
      throw new ValidationFailed('this endpoint takes no body', [{ path: 'body', message: 'must be empty' }]);
    }
    const out = await (def.handle as (i: RouteInput<unknown, unknown, unknown>) => Promise<unknown>)({
      caller,
      body,
      query,
      params,
      headers,
      requestId: event.requestContext?.requestId ?? '',
    });
    return json(def.status ?? 200, out);
  };

  return middy<Event, Result>()
    .use({
      before: (request) => {
        // Fresh per-request keys; never the token or the body.
        logger.resetKeys?.();
        logger.appendKeys({ requestId: request.event.requestContext?.requestId, routeKey: request.event.routeKey });
      },
      onError: (request) => {
        const { statusCode, body } = errorResponse(request.error);
        if (statusCode >= 500) logger.error('request failed', request.error as Error);
        else logger.info('request refused', { statusCode, code: body.error.code });
        request.response = json(statusCode, body);
      },
    })
    .handler(dispatch) as unknown as HttpHandler;
}
