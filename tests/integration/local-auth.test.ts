/**
 * Local tokens, checked as API Gateway's JWT authorizer checks them: every
 * forged, altered, expired or misaddressed token answers 401 before any
 * handler runs; a good one reaches the handler with API Gateway's rendering
 * of its claims. Also POST /local/tokens and key persistence across restarts.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT, base64url, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HttpHandler } from '#functions/ports.ts';
import { HTTP_GROUPS, type HttpGroup } from '#functions/http/routes.ts';
import { AUTH_KEY_FILE, LOCAL_AUDIENCE, LOCAL_ISSUER, openLocalAuth, renderClaims, type LocalAuth } from '#local/auth.ts';
import { startGateway, type GatewayLogger, type RunningGateway } from '#local/gateway.ts';
import { localRoutes } from '#local/local-routes.ts';

let dir: string;
let otherDir: string;
let auth: LocalAuth;
let gw: RunningGateway;
let privateJwk: JWK;
let events: APIGatewayProxyEventV2WithJWTAuthorizer[] = [];

const silent = { info() {}, warn() {}, error() {} } as unknown as GatewayLogger;
const recordingHandler: HttpHandler = async (event) => {
  events.push(event);
  return { statusCode: 200, body: '{}' };
};
const handlers = Object.fromEntries(HTTP_GROUPS.map((g) => [g, recordingHandler])) as Record<HttpGroup, HttpHandler>;

const now = () => Math.floor(Date.now() / 1000);

/** Signs claims with a key of our choosing: the runtime's own unless told otherwise. */
async function forge(
  claims: Record<string, unknown>,
  opts: { key?: JWK; alg?: string; kid?: string | null; secret?: Uint8Array } = {},
): Promise<string> {
  const kid = opts.kid === undefined ? privateJwk.kid : opts.kid;
  const header = { alg: opts.alg ?? 'ES256', typ: 'JWT', ...(kid ? { kid } : {}) };
  const jwt = new SignJWT({
    sub: 'forged-sub',
    'cognito:groups': ['operator'],
    token_use: 'id',
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    iat: now(),
    exp: now() + 3600,
    ...claims,
  }).setProtectedHeader(header);
  if (opts.secret) return jwt.sign(opts.secret);
  return jwt.sign(await importJWK(opts.key ?? privateJwk, header.alg));
}

async function call(routePath: string, authorization?: string) {
  const res = await fetch(gw.url + routePath, { headers: authorization ? { authorization } : {} });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string; details: unknown[] } } };
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'local-auth-'));
  otherDir = await fs.mkdtemp(path.join(os.tmpdir(), 'local-auth-other-'));
  auth = await openLocalAuth(dir);
  privateJwk = JSON.parse(await fs.readFile(path.join(dir, AUTH_KEY_FILE), 'utf8')) as JWK;
  gw = await startGateway({ http: handlers, auth, logger: silent, localRoutes: localRoutes(auth) });
});

afterAll(async () => {
  await gw.close();
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rm(otherDir, { recursive: true, force: true });
});

afterEach(() => {
  events = [];
});

describe('issued tokens', () => {
  it('reach the handler with the claims rendered as API Gateway renders them', async () => {
    const { token, sub } = await auth.issue('sme', 'sme-owner-1');
    expect(sub).toBe('sme-owner-1');
    const res = await call('/v1/smes', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const claims = events[0]!.requestContext.authorizer.jwt.claims;
    expect(claims).toMatchObject({
      sub: 'sme-owner-1',
      'cognito:groups': '[sme]',
      token_use: 'id',
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
    });
    const exp = Number(claims.exp);
    const iat = Number(claims.iat);
    expect(exp - iat).toBe(12 * 3600);
  });

  it('are ES256 with the key id in the header', async () => {
    const { token } = await auth.issue('provider');
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    expect(header).toMatchObject({ alg: 'ES256', kid: privateJwk.kid });
  });

  it('survive a restart: the key pair persists under the data dir, its private part never in the key set', async () => {
    const { token } = await auth.issue('operator', 'op-1');
    const reopened = await openLocalAuth(dir);
    expect(await reopened.verify(token)).not.toBeNull();
    expect(reopened.jwks.keys[0]).not.toHaveProperty('d');
    expect((await fs.stat(path.join(dir, AUTH_KEY_FILE))).mode & 0o077).toBe(0);
  });

  it('render array and object claims like API Gateway', () => {
    expect(renderClaims({ 'cognito:groups': ['sme', 'provider'], exp: 5, ok: true, m: { a: 1 } })).toEqual({
      'cognito:groups': '[sme provider]',
      exp: '5',
      ok: 'true',
      m: 'map[a:1]',
    });
  });
});

describe('refused with 401 UNAUTHENTICATED before the handler runs', () => {
  const cases: Array<[string, () => Promise<string | undefined>]> = [
    ['no Authorization header', async () => undefined],
    ['a bearer that is not a JWT', async () => 'Bearer not-a-jwt'],
    [
      'alg none',
      async () => {
        const enc = (o: unknown) => base64url.encode(JSON.stringify(o));
        const body = { sub: 'x', 'cognito:groups': ['operator'], iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, iat: now(), exp: now() + 3600 };
        return `Bearer ${enc({ alg: 'none', typ: 'JWT', kid: privateJwk.kid })}.${enc(body)}.`;
      },
    ],
    [
      'HS256 keyed with the public key',
      async () => {
        const { d: _d, ...pub } = privateJwk;
        return `Bearer ${await forge({}, { alg: 'HS256', secret: new TextEncoder().encode(JSON.stringify(pub)) })}`;
      },
    ],
    [
      'a foreign ES256 key presenting our key id',
      async () => {
        const { privateKey } = await generateKeyPair('ES256', { extractable: true });
        return `Bearer ${await forge({}, { key: await exportJWK(privateKey) })}`;
      },
    ],
    [
      'a tampered payload (role raised, signature kept)',
      async () => {
        const { token } = await auth.issue('sme', 'tamper-1');
        const [h, p, s] = token.split('.') as [string, string, string];
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
        claims['cognito:groups'] = ['operator'];
        return `Bearer ${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
      },
    ],
    ['an expired token', async () => `Bearer ${await forge({ iat: now() - 7200, exp: now() - 60 })}`],
    ['a token not valid yet', async () => `Bearer ${await forge({ nbf: now() + 3600 })}`],
    ['a wrong issuer', async () => `Bearer ${await forge({ iss: 'http://localhost:3000/local' })}`],
    ['a wrong audience', async () => `Bearer ${await forge({ aud: 'another-app' })}`],
    ['no expiry', async () => `Bearer ${await forge({ exp: undefined })}`],
    ['no key id', async () => `Bearer ${await forge({}, { kid: null })}`],
    // API Gateway: "iat must be before the current time"; a clock a day ahead is not a token to trust.
    ['an iat a day in the future', async () => `Bearer ${await forge({ iat: now() + 24 * 3600, exp: now() + 25 * 3600 })}`],
    ['a numeric sub', async () => `Bearer ${await forge({ sub: 12345 })}`],
    ['an empty sub', async () => `Bearer ${await forge({ sub: '' })}`],
    [
      'a token of another data dir (another key)',
      async () => {
        const other = await openLocalAuth(otherDir);
        return `Bearer ${(await other.issue('operator')).token}`;
      },
    ],
  ];

  it('(control: the forging helper, left alone, makes a token that passes)', async () => {
    expect((await call('/v1/matches', `Bearer ${await forge({})}`)).status).toBe(200);
    expect(events).toHaveLength(1);
    events = [];
  });

  for (const [name, make] of cases) {
    it(name, async () => {
      const res = await call('/v1/matches', await make());
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String), details: [] } });
      expect(events).toHaveLength(0);
    });
  }

  it('while open routes need no token', async () => {
    expect((await call('/health')).status).toBe(200);
    expect(events).toHaveLength(1);
  });
});

describe('POST /local/tokens', () => {
  const post = async (body: string) => {
    const res = await fetch(`${gw.url}/local/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('issues a token for a role, making up a UUID sub when absent', async () => {
    const res = await post('{"role":"provider"}');
    expect(res.status).toBe(201);
    expect(res.body.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const verified = await auth.verify(res.body.token as string);
    expect(verified?.claims).toMatchObject({ sub: res.body.sub, 'cognito:groups': '[provider]' });
  });

  it('keeps a given sub', async () => {
    const res = await post('{"role":"operator","sub":"ops-7"}');
    expect(res.status).toBe(201);
    expect(res.body.sub).toBe('ops-7');
    expect((await call('/v1/matches', `Bearer ${res.body.token as string}`)).status).toBe(200);
  });

  it.each([
    ['an unknown role', '{"role":"admin"}'],
    ['an unknown field', '{"role":"sme","groups":["operator"]}'],
    ['no role', '{}'],
    ['an empty sub', '{"role":"sme","sub":""}'],
    ['a sub with key syntax', '{"role":"sme","sub":"a#b"}'],
    ['malformed JSON', '{"role":'],
    ['no body', ''],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_name, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.any(String), details: expect.any(Array) } });
  });
});
