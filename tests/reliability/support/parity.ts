/**
 * Gateway / Lambda parity: one request, sent once through the local gateway
 * (real HTTP, token check, its payload 2.0 event) and once straight to the
 * route group's Lambda handler in an event built here as API Gateway would
 * send it (JSON text, as Lambda receives it), must get the same status and
 * error code. Requests are drawn for every route in ROUTES, mostly ones its
 * schemas refuse (mutated bodies, junk path parameters and queries), with a
 * caller of a role the route allows, so the schemas are what answers.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { expect } from 'vitest';
import { ROUTES, routeKeyOf, type RouteDecl } from '#functions/http/routes.ts';
import type { Role } from '#functions/ports.ts';
import { lambdaContext } from '#local/aws-shapes.ts';
import { needBody, offeringBody, providerBody, smeBody, startHttpEnv, type HttpEnv, type Token } from '#tests/support/http.ts';
import { junkValue, mutated, rawBodyArb, VALID_BODIES, withToString } from './fuzz.ts';

export interface ParityFixture {
  env: HttpEnv;
  tokens: Record<Role, Token>;
  /** Path parameter values the fixture owns, by parameter name. */
  ids: Record<string, string[]>;
}

export async function parityFixture(): Promise<ParityFixture> {
  const env = await startHttpEnv();
  const tokens = { sme: await env.token('sme'), provider: await env.token('provider'), operator: await env.token('operator') };
  const call = async (method: string, path: string, token: Token, body?: unknown) => {
    const res = await env.api(method, path, { token: token.token, ...(body === undefined ? {} : { body }) });
    expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
    return res.body as { id: string };
  };
  const provider = await call('POST', '/v1/providers', tokens.provider, providerBody());
  const offering = await call('POST', `/v1/providers/${provider.id}/offerings`, tokens.provider, offeringBody());
  const sme = await call('POST', '/v1/smes', tokens.sme, smeBody());
  const need = await call('POST', `/v1/smes/${sme.id}/needs`, tokens.sme, needBody({ serviceType: 'legal-aid' }));
  return { env, tokens, ids: { providerId: [provider.id], offeringId: [offering.id], smeId: [sme.id], needId: [need.id] } };
}

export interface ParityCase {
  decl: RouteDecl;
  params: Record<string, string>;
  role: Role | undefined;
  query: Array<[string, string]>;
  /** JSON text or raw text sent as the body; absent: no body. */
  body?: string;
  contentType?: string;
}

const idChars = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'.split(''));

function paramArb(name: string, fx: ParityFixture): fc.Arbitrary<string> {
  const own = fx.ids[name] ?? [];
  return fc.oneof(
    ...(own.length ? [{ weight: 4, arbitrary: fc.constantFrom(...own) }] : []),
    { weight: 2, arbitrary: fc.string({ unit: idChars, minLength: 10, maxLength: 30 }).map((s) => `xx_${s}`) },
    { weight: 2, arbitrary: // no '.' or '..': a URL client resolves them before the request is sent, so no route is reached.
    fc.constantFrom('x', '%', ' ', 'null', 'a'.repeat(300), '__proto__', 'pr_', '中文') },
  );
}

const queryArb: fc.Arbitrary<Array<[string, string]>> = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom('limit', 'cursor', 'period', 'status', 'serviceType', 'province', 'lang', '__proto__', 'constructor', 'x'), fc.string({ minLength: 1, maxLength: 8 })),
    fc.oneof(fc.constantFrom('0', '5', '101', 'abc', '', '2026-13', 'WAITING', 'CN-SC', 'zh'), fc.string({ maxLength: 12 })),
  ),
  { maxLength: 3 },
);

function bodyArb(decl: RouteDecl): fc.Arbitrary<{ body?: string; contentType?: string }> {
  const valid = VALID_BODIES[routeKeyOf(decl)];
  const json = (v: unknown) => ({ body: JSON.stringify(v) ?? 'null', contentType: 'application/json' });
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant({}) },
    ...(valid ? [{ weight: 6, arbitrary: mutated(valid).map(json) }] : []),
    { weight: 2, arbitrary: junkValue.map(json) },
    { weight: 2, arbitrary: rawBodyArb.filter((s) => s.length < 60_000).map((body) => ({ body, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.constantFrom('application/json; charset=iso-8859-1', 'text/plain', 'application/json').map((contentType) => ({ body: '{}', contentType })) },
  );
}

const DECLS = Object.values(ROUTES) as RouteDecl[];

export function parityCaseArb(fx: ParityFixture): fc.Arbitrary<ParityCase> {
  return fc.constantFrom(...DECLS).chain((decl) => {
    const names = [...decl.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    return fc
      .record({
        params: fc.tuple(...names.map((n) => paramArb(n, fx))).map((vs) => Object.fromEntries(names.map((n, i) => [n, vs[i]!]))),
        role: decl.roles === 'public' ? fc.constant(undefined) : fc.constantFrom(...decl.roles),
        query: queryArb,
        // fetch sends no body with a GET (nor does a browser); raw (CSV) bodies are the gateway fuzzer's.
        payload: decl.rawBody || decl.method === 'GET' ? fc.constant({}) : bodyArb(decl),
      })
      .map(({ params, role, query, payload }) =>
        withToString<ParityCase>({ decl, params, role, query, ...payload }, (c) => `${routeKeyOf(c.decl)} ${JSON.stringify(c.params)} as ${c.role} q=${JSON.stringify(c.query)} body=${c.body?.slice(0, 200)} ct=${c.contentType}`),
      )
      .filter(safeToSendTwice);
  });
}

const EMPTY = z.strictObject({});

/**
 * Whether the case must be refused without a write: a read always may be sent
 * twice; a write only if its schema (or the JSON or content-type check before
 * it) refuses it, so the second sending meets the same state as the first.
 */
export function safeToSendTwice(c: ParityCase): boolean {
  if (c.decl.method === 'GET') return true;
  if (schemaRefuses(c)) return true;
  if (c.body === undefined || c.decl.rawBody) return false;
  if (c.contentType && !/^application\/json(;\s*charset=utf-8)?$/i.test(c.contentType)) return true;
  try {
    JSON.parse(c.body);
    return false;
  } catch {
    return true;
  }
}

/** Whether the route's declared schemas refuse the case's parameters, query or (JSON) body. */
export function schemaRefuses(c: ParityCase): boolean {
  const query = Object.fromEntries(c.query.map(([k, v]) => [k, v]));
  if (c.decl.params && !c.decl.params.safeParse(c.params).success) return true;
  if (c.decl.roles !== 'public' && !(c.decl.query ?? EMPTY).safeParse(query).success) return true;
  if (c.body === undefined || c.decl.rawBody) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(c.body);
  } catch {
    return false;
  }
  if (c.decl.body) return !c.decl.body.safeParse(parsed).success;
  return !(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.keys(parsed).length === 0);
}

const pathOf = (c: ParityCase) => c.decl.path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(c.params[n]!));
const queryString = (c: ParityCase) => new URLSearchParams(c.query).toString();

/**
 * The payload 2.0 event API Gateway sends for the case, written out here
 * (not the local gateway's builder) and passed through JSON as Lambda does.
 */
function apiGatewayEvent(c: ParityCase, sub: string | undefined): unknown {
  const qs = queryString(c);
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(qs)) Object.defineProperty(query, k, { value: Object.hasOwn(query, k) ? `${query[k]},${v}` : v, enumerable: true, writable: true, configurable: true });
  // A JS string body is sent as UTF-8 text both ways (the test's bodies are text; bytes are the gateway tests' concern).
  const body = c.body !== undefined && c.body.length > 0 ? c.body : undefined;
  const event = {
    version: '2.0',
    routeKey: routeKeyOf(c.decl),
    rawPath: pathOf(c),
    rawQueryString: qs,
    headers: { 'user-agent': 'parity', ...(c.contentType ? { 'content-type': c.contentType } : {}) },
    ...(qs ? { queryStringParameters: query } : {}),
    ...(c.decl.path.includes('{') ? { pathParameters: c.params } : {}),
    requestContext: {
      requestId: randomUUID(),
      routeKey: routeKeyOf(c.decl),
      http: { method: c.decl.method, path: pathOf(c), protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'parity' },
      ...(c.role && sub ? { authorizer: { jwt: { claims: { sub, 'cognito:groups': `[${c.role}]` }, scopes: null } } } : {}),
    },
    isBase64Encoded: false,
    ...(body !== undefined ? { body } : {}),
  };
  return JSON.parse(JSON.stringify(event));
}

export interface ParityStats {
  cases: number;
  refusedBySchema: number;
  byStatus: Record<number, number>;
}

/** Sends the case both ways; same status, same error code, never a 5xx; a schema refusal is a 400 (or 413) both ways. */
export async function runParityCase(fx: ParityFixture, c: ParityCase, stats: ParityStats): Promise<void> {
  const token = c.role ? fx.tokens[c.role] : undefined;
  const qs = queryString(c);
  const viaGateway = await fx.env.api(c.decl.method, `${pathOf(c)}${qs ? `?${qs}` : ''}`, {
    ...(token ? { token: token.token } : {}),
    ...(c.body !== undefined ? { rawBody: c.body } : {}),
    ...(c.contentType ? { headers: { 'content-type': c.contentType } } : {}),
  });
  const handler = fx.env.runtime.handlers.http[c.decl.group];
  const direct = (await handler(apiGatewayEvent(c, token?.sub) as never, lambdaContext(c.decl.group))) as { statusCode?: number; body?: string };
  const directStatus = direct.statusCode ?? 200;
  const directCode = directStatus >= 400 && direct.body ? (JSON.parse(direct.body) as { error?: { code?: string } }).error?.code : undefined;
  const gatewayCode = viaGateway.status >= 400 ? (viaGateway.body as { error?: { code?: string } } | undefined)?.error?.code : undefined;
  const what = `${routeKeyOf(c.decl)}: gateway ${viaGateway.status} ${viaGateway.text.slice(0, 300)} / lambda ${directStatus} ${direct.body?.slice(0, 300)}`;
  expect(viaGateway.status, what).toBeLessThan(500);
  expect(directStatus, what).toBeLessThan(500);
  // A write the gateway accepted has changed the state the second send meets
  // (an approval, then a 409 for approving twice): only refusals, and reads,
  // must answer alike both ways.
  const acceptedWrite = c.decl.method !== 'GET' && viaGateway.status < 300;
  if (!acceptedWrite) {
    expect(directStatus, what).toBe(viaGateway.status);
    expect(directCode, what).toBe(gatewayCode);
  }
  if (schemaRefuses(c)) {
    stats.refusedBySchema++;
    expect([400, 413], what).toContain(viaGateway.status);
  }
  stats.cases++;
  stats.byStatus[viaGateway.status] = (stats.byStatus[viaGateway.status] ?? 0) + 1;
}
