/**
 * The route declarations (functions/http/routes.ts) and what is derived from
 * them: HTTP_ROUTES, each group's handler table, the OpenAPI document. No
 * table is touched: bound routes are told apart from unbound ones by the
 * answer that comes before any use case runs (403 for a group that may not
 * call it, 401 without a caller), where an unbound route answers 404.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildHandlers } from '#functions/app.ts';
import { loadConfig } from '#functions/config.ts';
import { buildOpenApi } from '#functions/http/openapi.ts';
import { HTTP_GROUPS, HTTP_ROUTES, ROUTES, routeKeyOf, type RouteDecl } from '#functions/http/routes.ts';
import type { AppPorts, Role } from '#functions/ports.ts';
import { lambdaContext } from '#tests/support/app.ts';

const DECLS = Object.entries(ROUTES) as Array<[string, RouteDecl]>;
const ROLES: readonly Role[] = ['sme', 'provider', 'operator'];

/** Ports whose store and publisher fail loudly: these tests must never reach a use case. */
function untouchablePorts(): AppPorts {
  const refuse = new Proxy({}, { get: (_t, p) => () => Promise.reject(new Error(`a use case ran (${String(p)})`)) });
  return {
    store: refuse as AppPorts['store'],
    publisher: refuse as AppPorts['publisher'],
    clock: { now: () => new Date('2030-01-15T00:00:00Z') },
    config: loadConfig({ TABLE_NAME: 't', CURSOR_SECRET: 'x'.repeat(16) }),
    logger: new Logger({ logLevel: 'SILENT' }),
  };
}

function event(routeKey: string, role?: Role): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [, path] = routeKey.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      requestId: 'r1',
      ...(role ? { authorizer: { jwt: { claims: { sub: 'u1', 'cognito:groups': `[${role}]` }, scopes: null } } } : {}),
    },
  } as never;
}

describe('route declarations', () => {
  it('declare each method and path once, and HTTP_ROUTES lists exactly them, public ones without a token', () => {
    const keys = DECLS.map(([, d]) => routeKeyOf(d));
    expect(new Set(keys).size).toBe(keys.length);
    expect(HTTP_ROUTES.map(routeKeyOf)).toEqual(keys);
    for (const [name, d] of DECLS) {
      expect(HTTP_ROUTES.find((r) => routeKeyOf(r) === routeKeyOf(d)), name).toEqual({
        method: d.method,
        path: d.path,
        group: d.group,
        auth: d.roles === 'public' ? 'none' : 'jwt',
        // A route that takes a raw body carries its own limit to the gateway (route-decl.ts RawBodyDecl).
        ...(d.rawBody ? { maxBodyBytes: d.rawBody.maxBytes } : {}),
      });
    }
  });

  it('give every route with a body an example that its own body schema accepts', () => {
    for (const [name, d] of DECLS) {
      if (d.rawBody) {
        // A raw body's example is a document of its media type (the register CSVs: their header row first).
        expect(typeof d.example, name).toBe('string');
        expect(String(d.example), name).toMatch(/^uscc,name,/);
        continue;
      }
      if (!d.body) {
        expect(d.example, `${name} has an example but no body`).toBeUndefined();
        continue;
      }
      expect(d.example, `${name} has no example`).toBeDefined();
      const parsed = d.body.safeParse(d.example);
      expect(parsed.success, `${name}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it('name the path parameters their path has, and nothing else', () => {
    for (const [name, d] of DECLS) {
      const inPath = [...d.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = Object.keys((d.params as unknown as { shape?: object } | undefined)?.shape ?? {}).sort();
      expect(declared, name).toEqual(inPath);
    }
  });
});

describe('the handler tables', () => {
  const handlers = buildHandlers(untouchablePorts());

  it('bind every declared route in its own group: a group that may not call it gets 403, no token 401, public 200', async () => {
    for (const [name, d] of DECLS) {
      const h = handlers.http[d.group];
      const key = routeKeyOf(d);
      if (d.roles === 'public') {
        expect((await h(event(key), lambdaContext(d.group))).statusCode, name).toBe(200);
        continue;
      }
      const refused = ROLES.find((r) => !(d.roles as readonly Role[]).includes(r));
      const res = await h(event(key, refused), lambdaContext(d.group));
      expect(res.statusCode, `${name} as ${refused ?? 'nobody'}`).toBe(refused ? 403 : 401);
    }
  });

  it("answer 404 for another group's routes, so a group serves only its own", async () => {
    for (const group of HTTP_GROUPS) {
      for (const [name, d] of DECLS.filter(([, x]) => x.group !== group)) {
        const res = await handlers.http[group](event(routeKeyOf(d), 'operator'), lambdaContext(group));
        expect(res.statusCode, `${group} serving ${name}`).toBe(404);
        expect(JSON.parse(String(res.body)).error.message).toBe(`no route ${routeKeyOf(d)}`);
      }
    }
  });
});

describe('the OpenAPI document', () => {
  const doc = buildOpenApi() as {
    paths: Record<string, Record<string, Record<string, unknown> & { parameters?: Array<{ name: string; in: string }> }>>;
  };
  const opOf = (d: RouteDecl) => doc.paths[d.path]![d.method.toLowerCase()]!;

  it("carries each declaration's name, summary, description, groups and success status", () => {
    for (const [name, d] of DECLS) {
      const op = opOf(d);
      expect(op.operationId).toBe(name);
      expect(op.summary).toBe(d.summary);
      expect(op.description).toContain(d.description);
      expect(op['x-groups'], name).toEqual(d.roles === 'public' ? undefined : d.roles);
      expect(Object.keys(op.responses as object), name).toContain(String(d.status));
    }
  });

  it('documents declared headers as header parameters and shows each body example', () => {
    for (const [name, d] of DECLS) {
      const op = opOf(d);
      const headers = (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
      expect(headers, name).toEqual(Object.values(d.headers ?? {}).map((h) => h.name));
      const content = (op.requestBody as { content: Record<string, { example?: unknown }> } | undefined)?.content[d.rawBody?.mediaType ?? 'application/json'];
      expect(content?.example, name).toEqual(d.example);
    }
    expect(opOf(ROUTES.postNeed).parameters?.map((p) => p.name)).toContain('Idempotency-Key');
  });

  it('marks the additions to the v1 contract, and only them', () => {
    const marked = DECLS.filter(([, d]) => String(opOf(d).description).includes('An addition to the v1 contract')).map(([n]) => n);
    expect(marked.sort()).toEqual(['getOffering', 'listMatchesOfSme', 'recordCertifications']);
  });
});
