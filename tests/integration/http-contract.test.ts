/**
 * The HTTP contract (api.md) through the local gateway over real HTTP,
 * against dynalite: every route's success path, every error status with the
 * contract's error body, nothing written on refusal, the Idempotency-Key
 * rules and pagination. One runtime for the whole file.
 */
import { PROJECT_IDS } from '#domain/catalog.ts';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SignJWT, generateKeyPair, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '#functions/http/routes.ts';
import { AUTH_KEY_FILE, LOCAL_AUDIENCE, LOCAL_ISSUER } from '#local/auth.ts';
import {
  UNSERVED_MARKET,
  expectError,
  makeParty,
  needBody,
  offeringBody,
  providerBody,
  proposedMatches,
  routeKey,
  routeOf,
  smeBody,
  startHttpEnv,
  thisPeriod,
  type ApiOptions,
  type ApiResponse,
  type HttpEnv,
  type Party,
  type Token,
} from '#tests/support/http.ts';
import { testUscc } from '#tests/support/factories.ts';

let env: HttpEnv;
let A: Party;
let B: Party;
let op: Token;

/** The 2xx statuses each route answered in this file, checked by the last tests. */
const succeeded = new Map<string, Set<number>>();

async function api(method: string, p: string, o: ApiOptions = {}): Promise<ApiResponse> {
  const res = await env.api(method, p, o);
  if (res.status >= 200 && res.status < 300) {
    const key = routeOf(method, p);
    if (key) succeeded.set(key, (succeeded.get(key) ?? new Set()).add(res.status));
  }
  return res;
}

/** Well-formed ids of records that do not exist. */
const UNKNOWN = {
  provider: 'pr_AAAAAAAAAAAAAAAAAAAAAAAA',
  offering: 'of_AAAAAAAAAAAAAAAAAAAAAAAA',
  sme: 'sm_AAAAAAAAAAAAAAAAAAAAAAAA',
  need: 'nd_AAAAAAAAAAAAAAAAAAAAAAAA',
  match: 'mt_AAAAAAAAAAAAAAAAAAAAAAAA',
  notification: 'nt_000000000AAAAAAAAAAAAAAAA',
};

/** Every item of a list, following nextCursor. */
async function everything(token: string, listPath: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | null = null;
  do {
    const sep = listPath.includes('?') ? '&' : '?';
    const res = await env.api('GET', `${listPath}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    expect(res.status, res.text).toBe(200);
    items.push(...(res.body.items as unknown[]));
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return items;
}

/**
 * The reads that show what a write to this request's target would change:
 * the record itself, the list it would join, and for match steps the
 * capacity and needs they would release or reopen. Operators read them
 * (they see every record); the inbox is read by the caller.
 */
function watched(method: string, p: string): string[] {
  const seg = p.split('?')[0]!.split('/');
  const id = seg[3] ?? '';
  switch (routeOf(method, p)) {
    case 'POST /v1/providers':
      return ['/v1/providers'];
    case 'POST /v1/providers/{providerId}/offerings':
      return [`/v1/providers/${id}/offerings`];
    case 'PATCH /v1/offerings/{offeringId}':
      return [`/v1/offerings/${id}`, `/v1/offerings/${id}/capacity`, `/v1/providers/${A.providerId}/offerings`];
    case 'POST /v1/smes':
      return ['/v1/smes'];
    case 'POST /v1/smes/{smeId}/needs':
      return [`/v1/smes/${id}/needs`];
    case 'PATCH /v1/smes/{smeId}/verification':
    case 'POST /v1/smes/{smeId}/suspend':
    case 'POST /v1/smes/{smeId}/reinstate':
      return [`/v1/smes/${id}`, `/v1/smes/${id}/needs`];
    case 'POST /v1/needs/{needId}/withdraw':
      return [`/v1/needs/${id}`, `/v1/offerings/${A.offeringId}/capacity`];
    case 'POST /v1/inbox/{notificationId}/read':
      return ['/v1/inbox'];
    default:
      if (p.startsWith('/v1/matches/')) {
        return [`/v1/matches/${id}`, `/v1/offerings/${A.offeringId}/capacity`, `/v1/smes/${A.smeId}/needs`, `/v1/providers/${A.providerId}`];
      }
      // No route: whatever the path names, and the lists a stray write could join.
      return [p.split('?')[0]!, '/v1/providers', '/v1/smes', `/v1/smes/${A.smeId}/needs`];
  }
}

async function readAll(paths: string[], callerToken: string | undefined) {
  await env.idle();
  return Promise.all(
    paths.map(async (p) => {
      const token = p === '/v1/inbox' ? (callerToken ?? op.token) : op.token;
      // A list in full (following its cursors); a record, or its 404/400, as answered.
      const pages = [];
      let res = await env.api('GET', p, { token });
      pages.push({ status: res.status, body: res.body });
      while (res.status === 200 && typeof res.body?.nextCursor === 'string') {
        res = await env.api('GET', `${p}${p.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(res.body.nextCursor)}`, { token });
        pages.push({ status: res.status, body: res.body });
      }
      return { p, pages };
    }),
  );
}

/** What a refused write could have touched, across the board (for the few checks that span several targets). */
async function snapshot() {
  return readAll(
    [
      '/v1/providers',
      '/v1/smes',
      `/v1/providers/${A.providerId}/offerings`,
      `/v1/providers/${B.providerId}/offerings`,
      `/v1/smes/${A.smeId}/needs`,
      `/v1/smes/${B.smeId}/needs`,
      `/v1/smes/${A.smeId}/matches`,
      `/v1/offerings/${A.offeringId}/capacity`,
    ],
    undefined,
  );
}

/** Sends a request that must be refused, and checks its error body and that what it targets did not change. */
async function refused(method: string, p: string, o: ApiOptions, status: number, code: string, detailPath?: string): Promise<ApiResponse> {
  const paths = watched(method, p);
  const before = await readAll(paths, o.token);
  const res = await api(method, p, o);
  expectError(res, status, code, detailPath);
  expect(await readAll(paths, o.token), `${method} ${p} was refused but changed something`).toEqual(before);
  return res;
}

beforeAll(async () => {
  env = await startHttpEnv();
  op = await env.token('operator');
  A = await makeParty(env, 'energy-audit', 'GREEN_AUDIT_FIRM');
  B = await makeParty(env, 'industrial-design', 'INDUSTRIAL_DESIGN_CENTRE');
  await env.idle();
});

afterAll(async () => {
  await env?.close();
});

// ====================================================================== public

describe('public routes', () => {
  it('GET /health answers 200 {"status":"ok"} without a token', async () => {
    const res = await api('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /v1/catalog lists the key projects with their service types in Chinese and English', async () => {
    const res = await api('GET', '/v1/catalog');
    expect(res.status).toBe(200);
    const projects = res.body.projects as { id: string; zh: string; en: string; serviceTypes: { id: string; zh: string; en: string }[] }[];
    expect(projects.map((p) => p.id)).toEqual([...PROJECT_IDS]);
    expect(projects.map((p) => p.id)).toEqual(expect.arrayContaining(['RIGHTS', 'DIGITAL', 'GREEN', 'QUALITY_BRAND', 'INTERNATIONAL']));
    for (const p of projects) {
      expect(p.zh).toMatch(/\p{Script=Han}/u);
      expect(p.en.length).toBeGreaterThan(0);
      expect(p.serviceTypes.length).toBeGreaterThan(0);
      for (const s of p.serviceTypes) {
        expect(s.id).toMatch(/^[a-z0-9-]+$/);
        expect(s.zh).toMatch(/\p{Script=Han}/u);
        expect(s.en.length).toBeGreaterThan(0);
      }
    }
    const green = projects.find((p) => p.id === 'GREEN')!;
    expect(green.serviceTypes.map((s) => s.id)).toContain('energy-audit');
  });

  it('GET /v1/regions lists every province with its code, Chinese and English names and regional group, without a token', async () => {
    const res = await api('GET', '/v1/regions');
    expect(res.status).toBe(200);
    const items = res.body.items as { code: string; zh: string; en: string; group: string }[];
    expect(items).toHaveLength(31);
    expect(new Set(items.map((r) => r.code)).size).toBe(31);
    expect(items).toContainEqual({ code: 'CN-SC', zh: '四川省', en: 'Sichuan', group: 'WESTERN' });
    for (const r of items) {
      expect(r.code).toMatch(/^CN-[A-Z]{2}$/);
      expect(r.zh).toMatch(/\p{Script=Han}/u);
      expect(['EAST', 'CENTRAL', 'WESTERN', 'NORTHEAST']).toContain(r.group);
    }
  });

  it('GET /openapi.json is an OpenAPI 3.1 document describing exactly the routes of routes.ts', async () => {
    const res = await api('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown>; security: unknown[] }>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    };
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });

    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).toEqual(HTTP_ROUTES.map(routeKey).sort());

    const operationIds = new Set<string>();
    for (const r of HTTP_ROUTES) {
      const opDoc = doc.paths[r.path]![r.method.toLowerCase()]!;
      operationIds.add(opDoc.operationId);
      expect(Object.keys(opDoc.responses).some((s) => /^2\d\d$/.test(s)), `${routeKey(r)} documents no success`).toBe(true);
      if (r.auth === 'jwt') {
        expect(opDoc.security).toEqual([{ bearer: [] }]);
        expect(Object.keys(opDoc.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404']));
      } else {
        expect(opDoc.security).toEqual([]);
      }
    }
    expect(operationIds.size).toBe(HTTP_ROUTES.length);
  });

  it('public routes ignore the Authorization header, even a garbage one', async () => {
    for (const p of ['/health', '/v1/catalog', '/openapi.json']) {
      expect((await api('GET', p, { token: 'garbage' })).status).toBe(200);
    }
  });
});

// ====================================================================== local tokens

describe('POST /local/tokens', () => {
  it('issues a token for a role, with the given sub or a made-up one', async () => {
    const given = await env.api('POST', '/local/tokens', { body: { role: 'sme', sub: 'sme-given.sub@x' } });
    expect(given.status).toBe(201);
    expect(given.body).toEqual({ token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), sub: 'sme-given.sub@x' });
    const made = await env.api('POST', '/local/tokens', { body: { role: 'operator' } });
    expect(made.status).toBe(201);
    expect(made.body.sub).toMatch(/\S/);
  });

  it('refuses an unknown role or an unknown field with 400 VALIDATION_FAILED', async () => {
    expectError(await env.api('POST', '/local/tokens', { body: { role: 'admin' } }), 400, 'VALIDATION_FAILED');
    expectError(await env.api('POST', '/local/tokens', { body: { role: 'sme', groups: ['operator'] } }), 400, 'VALIDATION_FAILED');
  });
});

// ====================================================================== providers

describe('providers and offerings: success paths', () => {
  let providerId: string;
  let offeringId: string;

  it('POST /v1/providers answers 201 with the provider, owned by the caller, unrated', async () => {
    const body = providerBody({ name: 'Chengdu IP Centre', kind: 'IP_PROTECTION_CENTRE', description: 'Fast examination' });
    const res = await api('POST', '/v1/providers', { token: A.providerOwner.token, body });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      ...body,
      id: expect.stringMatching(/^pr_[A-Za-z0-9_-]{10,64}$/),
      ownerSub: A.providerOwner.sub,
      // A new provider waits for an operator's approval before its offerings are matched.
      status: 'PENDING',
      rating: null,
      ratingCount: 0,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      updatedAt: res.body.createdAt,
    });
    providerId = res.body.id;
  });

  it('GET /v1/providers lists the caller\'s own providers; an operator sees every provider', async () => {
    const own = await api('GET', '/v1/providers', { token: A.providerOwner.token });
    expect(own.status).toBe(200);
    expect(Object.keys(own.body).sort()).toEqual(['items', 'nextCursor']);
    const ids = own.body.items.map((p: { id: string }) => p.id);
    expect(ids.sort()).toEqual([A.providerId, providerId].sort());
    expect(own.body.items.every((p: { ownerSub: string }) => p.ownerSub === A.providerOwner.sub)).toBe(true);

    const all = await api('GET', '/v1/providers', { token: op.token });
    expect(all.status).toBe(200);
    expect(all.body.items.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining([A.providerId, B.providerId, providerId]));
  });

  it('GET /v1/providers/{providerId} answers the provider', async () => {
    const res = await api('GET', `/v1/providers/${providerId}`, { token: A.providerOwner.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: providerId, ownerSub: A.providerOwner.sub, kind: 'IP_PROTECTION_CENTRE' });
    expect(res.body).not.toHaveProperty('version');
    expect(res.body).not.toHaveProperty('pendingEvents');
  });

  it('POST /v1/providers/{providerId}/offerings answers 201 with an ACTIVE offering of that provider', async () => {
    const body = offeringBody({ serviceType: 'ip-fast-examination', remote: true, regions: [], capacityPerMonth: 3, priceMin: 100, priceMax: 900 });
    const res = await api('POST', `/v1/providers/${providerId}/offerings`, { token: A.providerOwner.token, body });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...body, id: expect.stringMatching(/^of_/), providerId, status: 'ACTIVE', markets: [], eligibility: {} });
    for (const hidden of ['ownerSub', 'version', 'pendingEvents']) expect(res.body).not.toHaveProperty(hidden);
    offeringId = res.body.id;
  });

  it('GET /v1/providers/{providerId}/offerings and GET /v1/offerings/{offeringId} answer it', async () => {
    const list = await api('GET', `/v1/providers/${providerId}/offerings`, { token: A.providerOwner.token });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [expect.objectContaining({ id: offeringId })], nextCursor: null });
    const one = await api('GET', `/v1/offerings/${offeringId}`, { token: A.providerOwner.token });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(list.body.items[0]);
  });

  it('PATCH /v1/offerings/{offeringId} answers 200 with the changed offering, and pausing and resuming work', async () => {
    const res = await api('PATCH', `/v1/offerings/${offeringId}`, { token: A.providerOwner.token, body: { capacityPerMonth: 7, title: 'Renamed' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: offeringId, capacityPerMonth: 7, title: 'Renamed', status: 'ACTIVE' });
    expect(res.body.updatedAt >= res.body.createdAt).toBe(true);
    const paused = await api('PATCH', `/v1/offerings/${offeringId}`, { token: A.providerOwner.token, body: { status: 'PAUSED' } });
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('PAUSED');
    const resumed = await api('PATCH', `/v1/offerings/${offeringId}`, { token: A.providerOwner.token, body: { status: 'ACTIVE' } });
    expect(resumed.body.status).toBe('ACTIVE');
    expect((await api('GET', `/v1/offerings/${offeringId}`, { token: A.providerOwner.token })).body).toEqual(resumed.body);
  });

  it('GET /v1/offerings/{offeringId}/capacity answers { offeringId, period, limit, used } for a month, this month by default', async () => {
    const p = thisPeriod();
    const res = await api('GET', `/v1/offerings/${offeringId}/capacity?period=${p}`, { token: A.providerOwner.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ offeringId, period: p, limit: 7, used: 0 });
    const byDefault = await api('GET', `/v1/offerings/${offeringId}/capacity`, { token: op.token });
    expect(byDefault.body).toEqual(res.body);
    const later = await api('GET', `/v1/offerings/${offeringId}/capacity?period=2031-01`, { token: A.providerOwner.token });
    expect(later.body).toEqual({ offeringId, period: '2031-01', limit: 7, used: 0 });
  });

  it('GET /v1/providers/{providerId}/matches answers an empty page for a provider without matches', async () => {
    const res = await api('GET', `/v1/providers/${providerId}/matches`, { token: A.providerOwner.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });
});

// ====================================================================== SMEs and needs

describe('SMEs and needs: success paths', () => {
  let smeId: string;
  let needId: string;

  it('POST /v1/smes answers 201 with the SME, owned by the caller', async () => {
    const body = smeBody({ name: 'Mianyang Sensors', tier: 'LITTLE_GIANT', region: { province: 'CN-SC' } });
    const res = await api('POST', '/v1/smes', { token: A.smeOwner.token, body });
    expect(res.status).toBe(201);
    // The body's tier is the declared one; nobody has verified it yet, so the tier the matcher uses is NONE.
    const { tier: declaredTier, ...declared } = body;
    expect(res.body).toEqual({
      ...declared,
      declaredTier,
      tier: 'NONE',
      tierVerification: { source: null },
      verified: { sizeClass: false, weakFoundation: false },
      suspended: false,
      suspension: null,
      id: expect.stringMatching(/^sm_[A-Za-z0-9_-]{10,64}$/),
      ownerSub: A.smeOwner.sub,
      weakFoundation: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    smeId = res.body.id;
  });

  it('GET /v1/smes lists the caller\'s own SMEs; an operator sees every SME', async () => {
    const own = await api('GET', '/v1/smes', { token: A.smeOwner.token });
    expect(own.status).toBe(200);
    expect(own.body.items.map((s: { id: string }) => s.id).sort()).toEqual([A.smeId, smeId].sort());
    const all = await api('GET', '/v1/smes', { token: op.token });
    expect(all.body.items.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([A.smeId, B.smeId, smeId]));
  });

  it('GET /v1/smes/{smeId} answers the SME', async () => {
    const res = await api('GET', `/v1/smes/${smeId}`, { token: A.smeOwner.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: smeId, ownerSub: A.smeOwner.sub, declaredTier: 'LITTLE_GIANT', tier: 'NONE' });
  });

  it('POST /v1/smes/{smeId}/needs answers 201 with a WAITING need', async () => {
    const body = needBody({ serviceType: UNSERVED_MARKET, budgetMax: 5000 });
    const res = await api('POST', `/v1/smes/${smeId}/needs`, { token: A.smeOwner.token, body });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ...body,
      id: expect.stringMatching(/^nd_/),
      smeId,
      status: 'WAITING',
      languages: [],
      markets: [],
      excludedOfferingIds: [],
    });
    for (const hidden of ['version', 'pendingEvents', 'claim', 'recheckAt']) expect(res.body).not.toHaveProperty(hidden);
    needId = res.body.id;
  });

  it('GET /v1/smes/{smeId}/needs, GET /v1/needs/{needId} and GET /v1/needs/{needId}/matches answer it (no match yet)', async () => {
    await env.idle();
    const list = await api('GET', `/v1/smes/${smeId}/needs`, { token: A.smeOwner.token });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [expect.objectContaining({ id: needId, status: 'WAITING' })], nextCursor: null });
    const one = await api('GET', `/v1/needs/${needId}`, { token: A.smeOwner.token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: needId, status: 'WAITING', currentMatch: null });
    const matches = await api('GET', `/v1/needs/${needId}/matches`, { token: A.smeOwner.token });
    expect(matches.status).toBe(200);
    expect(matches.body).toEqual({ items: [], nextCursor: null });
    const smeMatches = await api('GET', `/v1/smes/${smeId}/matches`, { token: A.smeOwner.token });
    expect(smeMatches.status).toBe(200);
    expect(smeMatches.body).toEqual({ items: [], nextCursor: null });
  });

  it('GET /v1/needs/{needId} of a WAITING need says why it waits; GET /v1/needs lists it for operators, with the same reasons', async () => {
    await env.idle();
    const one = await api('GET', `/v1/needs/${needId}`, { token: A.smeOwner.token });
    expect(one.status).toBe(200);
    // Its market's round found no offering of the service type at all.
    expect(one.body.waiting).toEqual({ since: expect.any(String), lastRoundAt: expect.any(String), reasons: [{ code: 'NO_OFFERING' }] });
    const list = await api('GET', `/v1/needs?status=WAITING&serviceType=${UNSERVED_MARKET}&province=CN-SC&limit=100`, { token: op.token });
    expect(list.status).toBe(200);
    expect(list.body.items.find((n: { id: string }) => n.id === needId)?.waiting).toEqual(one.body.waiting);
  });

  it('POST /v1/needs/{needId}/withdraw answers 200 WITHDRAWN; withdrawing again is 409 CONFLICT and changes nothing', async () => {
    const res = await api('POST', `/v1/needs/${needId}/withdraw`, { token: A.smeOwner.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: needId, status: 'WITHDRAWN' });
    const before = (await api('GET', `/v1/needs/${needId}`, { token: A.smeOwner.token })).body;
    await refused('POST', `/v1/needs/${needId}/withdraw`, { token: A.smeOwner.token }, 409, 'CONFLICT');
    expect((await api('GET', `/v1/needs/${needId}`, { token: A.smeOwner.token })).body).toEqual(before);
  });
});

// ====================================================================== verified facts of SMEs (api.md v2)

describe('SMEs: USCC, verification and holds over HTTP', () => {
  let smeId: string;
  let uscc: string;

  it('POST /v1/smes refuses a second profile of one USCC with 409 DUPLICATE and a mismatched province with 400, writing nothing', async () => {
    const body = smeBody({ name: 'Deyang Castings' });
    const res = await api('POST', '/v1/smes', { token: A.smeOwner.token, body });
    expect(res.status, res.text).toBe(201);
    smeId = res.body.id;
    uscc = res.body.uscc;
    await refused('POST', '/v1/smes', { token: B.smeOwner.token, body: smeBody({ uscc }) }, 409, 'DUPLICATE', 'body.uscc');
    await refused('POST', '/v1/smes', { token: B.smeOwner.token, body: smeBody({ region: { province: 'CN-GD' }, uscc: smeBody().uscc }) }, 400, 'VALIDATION_FAILED', 'body.uscc');
  });

  it('PATCH /v1/smes/{smeId}/verification answers 200 with the verified tier; the owner sees it without the history', async () => {
    const res = await api('PATCH', `/v1/smes/${smeId}/verification`, { token: op.token, body: { tier: 'SPECIALIZED', tierValidUntil: '2030-12-31', note: '四川省专精特新名单' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ declaredTier: 'INNOVATIVE', tier: 'SPECIALIZED', tierVerification: { source: 'OPERATOR', validUntil: '2030-12-31' } });
    expect(res.body.verificationHistory).toHaveLength(1);
    const own = await api('GET', `/v1/smes/${smeId}`, { token: A.smeOwner.token });
    expect(own.body).toMatchObject({ tier: 'SPECIALIZED' });
    expect(own.body).not.toHaveProperty('verificationHistory');
    await refused('PATCH', `/v1/smes/${smeId}/verification`, { token: op.token, body: { tier: 'NONE' } }, 400, 'VALIDATION_FAILED', 'body.note');
  });

  it('POST /v1/smes/{smeId}/suspend and /reinstate answer 200; each again is 409; a suspended SME cannot post a need (409)', async () => {
    const sus = await api('POST', `/v1/smes/${smeId}/suspend`, { token: op.token, body: { reason: 'under review' } });
    expect(sus.status, sus.text).toBe(200);
    expect(sus.body).toMatchObject({ suspended: true, suspension: { reason: 'under review' } });
    await refused('POST', `/v1/smes/${smeId}/suspend`, { token: op.token, body: { reason: 'twice' } }, 409, 'CONFLICT');
    await refused('POST', `/v1/smes/${smeId}/needs`, { token: A.smeOwner.token, body: needBody({ serviceType: UNSERVED_MARKET }) }, 409, 'CONFLICT');
    const back = await api('POST', `/v1/smes/${smeId}/reinstate`, { token: op.token });
    expect(back.status, back.text).toBe(200);
    expect(back.body).toMatchObject({ suspended: false, suspension: null });
    await refused('POST', `/v1/smes/${smeId}/reinstate`, { token: op.token }, 409, 'CONFLICT');
  });
});

// ====================================================================== a match's lifecycle

describe('a match through every step, and the illegal ones (409)', () => {
  let m: { needId: string; matchId: string }[];
  const get = async (id: string) => (await api('GET', `/v1/matches/${id}`, { token: op.token })).body;
  const capacityUsed = async () => (await api('GET', `/v1/offerings/${A.offeringId}/capacity`, { token: A.providerOwner.token })).body.used as number;

  beforeAll(async () => {
    m = await proposedMatches(env, A, 4);
  });

  it('the matcher proposes the needs posted: each need is PROPOSED with its match, and the capacity is claimed', async () => {
    const n = await api('GET', `/v1/needs/${m[0]!.needId}`, { token: A.smeOwner.token });
    expect(n.body.currentMatch).toMatchObject({ id: m[0]!.matchId, status: 'PROPOSED' });
    expect(await capacityUsed()).toBe(4);
  });

  it('GET /v1/matches/{matchId} answers the match to its SME, its provider and operators, without internal fields', async () => {
    const seen = [];
    for (const t of [A.smeOwner, A.providerOwner, op]) {
      const res = await api('GET', `/v1/matches/${m[0]!.matchId}`, { token: t.token });
      expect(res.status).toBe(200);
      seen.push(res.body);
    }
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
    expect(seen[0]).toMatchObject({
      id: m[0]!.matchId,
      needId: m[0]!.needId,
      offeringId: A.offeringId,
      providerId: A.providerId,
      smeId: A.smeId,
      serviceType: 'energy-audit',
      period: thisPeriod(),
      status: 'PROPOSED',
      score: expect.any(Number),
      breakdown: expect.objectContaining({ fit: expect.any(Number), priority: expect.any(Number), weight: expect.any(Number) }),
      policyVersion: expect.any(String),
      createdAt: expect.any(String),
      history: [expect.objectContaining({ status: 'PROPOSED', at: expect.any(String), by: 'system' })],
    });
    for (const hidden of ['smeOwnerSub', 'providerOwnerSub', 'version', 'pendingEvents']) expect(seen[0]).not.toHaveProperty(hidden);
  });

  it('the match is listed under its need, its SME and its provider, and in the operators\' review queue oldest first', async () => {
    const ids = (r: ApiResponse) => r.body.items.map((x: { id: string }) => x.id);
    expect(ids(await api('GET', `/v1/needs/${m[0]!.needId}/matches`, { token: A.smeOwner.token }))).toEqual([m[0]!.matchId]);
    const all = m.map((x) => x.matchId).sort();
    expect(ids(await api('GET', `/v1/smes/${A.smeId}/matches`, { token: A.smeOwner.token })).sort()).toEqual(all);
    expect(ids(await api('GET', `/v1/providers/${A.providerId}/matches`, { token: A.providerOwner.token })).sort()).toEqual(all);

    const queue = await api('GET', '/v1/matches?status=PROPOSED&serviceType=energy-audit', { token: op.token });
    expect(queue.status).toBe(200);
    expect(ids(queue).sort()).toEqual(all);
    const created = queue.body.items.map((x: { createdAt: string }) => x.createdAt);
    expect(created).toEqual([...created].sort());
    const byDefault = await api('GET', '/v1/matches', { token: op.token });
    expect(ids(byDefault)).toEqual(expect.arrayContaining(all));
    const newest = await api('GET', '/v1/matches?status=PROPOSED&serviceType=energy-audit&order=newest', { token: op.token });
    expect(newest.body.items.map((x: { createdAt: string }) => x.createdAt)).toEqual([...created].reverse());
    expect((await api('GET', '/v1/matches?status=PROPOSED&serviceType=industrial-design', { token: op.token })).body.items).toEqual([]);
  });

  it('accept, decline, deliver, confirm, dispute and feedback before approval are 409 CONFLICT and change nothing', async () => {
    const id = m[0]!.matchId;
    const before = await get(id);
    await refused('POST', `/v1/matches/${id}/accept`, { token: A.smeOwner.token }, 409, 'CONFLICT');
    await refused('POST', `/v1/matches/${id}/accept`, { token: A.providerOwner.token }, 409, 'CONFLICT');
    await refused('POST', `/v1/matches/${id}/decline`, { token: A.smeOwner.token, body: {} }, 409, 'CONFLICT');
    await refused('POST', `/v1/matches/${id}/deliver`, { token: A.providerOwner.token }, 409, 'CONFLICT');
    await refused('POST', `/v1/matches/${id}/confirm`, { token: A.smeOwner.token }, 409, 'CONFLICT');
    await refused('POST', `/v1/matches/${id}/dispute`, { token: A.smeOwner.token, body: { reason: 'early' } }, 409, 'CONFLICT');
    await refused('POST', `/v1/matches/${id}/resolve`, { token: op.token, body: { outcome: 'COMPLETED', note: 'early' } }, 409, 'CONFLICT');
    await refused('POST', `/v1/matches/${id}/feedback`, { token: A.smeOwner.token, body: { rating: 5 } }, 409, 'CONFLICT');
    expect(await get(id)).toEqual(before);
  });

  it('approve answers 200 APPROVED; approving twice or rejecting an approved match is 409 and changes nothing', async () => {
    const id = m[0]!.matchId;
    const res = await api('POST', `/v1/matches/${id}/approve`, { token: op.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'APPROVED', expiresAt: expect.any(String) });
    expect(res.body.history.at(-1)).toMatchObject({ status: 'APPROVED', by: 'operator' });
    const before = await get(id);
    await refused('POST', `/v1/matches/${id}/approve`, { token: op.token }, 409, 'CONFLICT');
    await refused('POST', `/v1/matches/${id}/reject`, { token: op.token, body: { reason: 'too late' } }, 409, 'CONFLICT');
    expect(await get(id)).toEqual(before);
  });

  it('deliver and feedback before confirmation are 409', async () => {
    const id = m[0]!.matchId;
    await refused('POST', `/v1/matches/${id}/deliver`, { token: A.providerOwner.token }, 409, 'CONFLICT');
    await refused('POST', `/v1/matches/${id}/feedback`, { token: A.smeOwner.token, body: { rating: 5 } }, 409, 'CONFLICT');
  });

  it('accept by both parties answers 200 and confirms the match; the need is MATCHED; accepting again is 409', async () => {
    const id = m[0]!.matchId;
    const bySme = await api('POST', `/v1/matches/${id}/accept`, { token: A.smeOwner.token });
    expect(bySme.status).toBe(200);
    expect(bySme.body).toMatchObject({ status: 'APPROVED', smeAccepted: true, providerAccepted: false });
    await refused('POST', `/v1/matches/${id}/accept`, { token: A.smeOwner.token }, 409, 'CONFLICT');
    const byProvider = await api('POST', `/v1/matches/${id}/accept`, { token: A.providerOwner.token });
    expect(byProvider.status).toBe(200);
    expect(byProvider.body).toMatchObject({ status: 'CONFIRMED', smeAccepted: true, providerAccepted: true });
    expect((await api('GET', `/v1/needs/${m[0]!.needId}`, { token: A.smeOwner.token })).body.status).toBe('MATCHED');
    await refused('POST', `/v1/matches/${id}/accept`, { token: A.smeOwner.token }, 409, 'CONFLICT');
    // A MATCHED need ends by fulfilment, not withdrawal.
    await refused('POST', `/v1/needs/${m[0]!.needId}/withdraw`, { token: A.smeOwner.token }, 409, 'CONFLICT');
  });

  it('POST /complete is gone: 404 NOT_FOUND for every caller, the match unchanged', async () => {
    const id = m[0]!.matchId;
    const before = await get(id);
    for (const token of [A.providerOwner.token, A.smeOwner.token, op.token]) {
      await refused('POST', `/v1/matches/${id}/complete`, { token }, 404, 'NOT_FOUND');
    }
    expect(await get(id)).toEqual(before);
  });

  it('deliver answers 200 DELIVERED (provider), confirm 200 COMPLETED (SME) and fulfils the need; each again is 409', async () => {
    const id = m[0]!.matchId;
    const delivered = await api('POST', `/v1/matches/${id}/deliver`, { token: A.providerOwner.token });
    expect(delivered.status).toBe(200);
    expect(delivered.body).toMatchObject({ status: 'DELIVERED', deliveredAt: expect.any(String), autoConfirmAt: expect.any(String) });
    await refused('POST', `/v1/matches/${id}/deliver`, { token: A.providerOwner.token }, 409, 'CONFLICT');
    const res = await api('POST', `/v1/matches/${id}/confirm`, { token: A.smeOwner.token });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('COMPLETED');
    expect((await api('GET', `/v1/needs/${m[0]!.needId}`, { token: A.smeOwner.token })).body.status).toBe('FULFILLED');
    await refused('POST', `/v1/matches/${id}/confirm`, { token: A.smeOwner.token }, 409, 'CONFLICT');
    await refused('POST', `/v1/matches/${id}/dispute`, { token: A.smeOwner.token, body: { reason: 'too late' } }, 409, 'CONFLICT');
  });

  it('feedback answers 200 once and sets the provider\'s rating; a second feedback is 409 and changes nothing', async () => {
    const id = m[0]!.matchId;
    const res = await api('POST', `/v1/matches/${id}/feedback`, { token: A.smeOwner.token, body: { rating: 4, comment: '很专业 professional' } });
    expect(res.status).toBe(200);
    expect(res.body.feedback).toMatchObject({ rating: 4, comment: '很专业 professional', at: expect.any(String) });
    const provider = async () => (await api('GET', `/v1/providers/${A.providerId}`, { token: A.providerOwner.token })).body;
    expect(await provider()).toMatchObject({ rating: 4, ratingCount: 1 });
    const before = await get(id);
    await refused('POST', `/v1/matches/${id}/feedback`, { token: A.smeOwner.token, body: { rating: 1 } }, 409, 'CONFLICT');
    expect(await get(id)).toEqual(before);
    expect(await provider()).toMatchObject({ rating: 4, ratingCount: 1 });
  });

  it('reject answers 200 REJECTED, releases the capacity and the need waits again without that offering', async () => {
    const { matchId, needId } = m[1]!;
    const usedBefore = await capacityUsed();
    const res = await api('POST', `/v1/matches/${matchId}/reject`, { token: op.token, body: { reason: 'out of scope' } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('REJECTED');
    expect(res.body.history.at(-1)).toMatchObject({ status: 'REJECTED', by: 'operator', reason: 'out of scope' });
    await env.idle();
    expect(await capacityUsed()).toBe(usedBefore - 1);
    const need = (await api('GET', `/v1/needs/${needId}`, { token: A.smeOwner.token })).body;
    // The market's only offering is excluded for it: it keeps waiting.
    expect(need).toMatchObject({ status: 'WAITING', excludedOfferingIds: [A.offeringId], currentMatch: null });
    await refused('POST', `/v1/matches/${matchId}/approve`, { token: op.token }, 409, 'CONFLICT');
  });

  it('decline answers 200 DECLINED and releases the capacity; accepting a declined match is 409', async () => {
    const { matchId, needId } = m[2]!;
    expect((await api('POST', `/v1/matches/${matchId}/approve`, { token: op.token })).status).toBe(200);
    const usedBefore = await capacityUsed();
    const res = await api('POST', `/v1/matches/${matchId}/decline`, { token: A.providerOwner.token, body: { reason: 'fully booked' } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('DECLINED');
    await env.idle();
    expect(await capacityUsed()).toBe(usedBefore - 1);
    expect((await api('GET', `/v1/needs/${needId}`, { token: A.smeOwner.token })).body.status).toBe('WAITING');
    await refused('POST', `/v1/matches/${matchId}/accept`, { token: A.smeOwner.token }, 409, 'CONFLICT');
  });

  it('withdrawing a PROPOSED need cancels its match and releases the capacity', async () => {
    const { matchId, needId } = m[3]!;
    const usedBefore = await capacityUsed();
    const res = await api('POST', `/v1/needs/${needId}/withdraw`, { token: A.smeOwner.token });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('WITHDRAWN');
    await env.idle();
    expect((await get(matchId)).status).toBe('CANCELLED');
    expect(await capacityUsed()).toBe(usedBefore - 1);
  });

  it('GET /v1/inbox answers each party its notifications newest first, with a title and body; POST /v1/inbox/{id}/read marks one read', async () => {
    await env.idle();
    const inbox = await api('GET', '/v1/inbox?limit=100', { token: A.smeOwner.token });
    expect(inbox.status).toBe(200);
    type Item = { id: string; type: string; matchId: string; at: string; read: boolean; title: string; body: string };
    const items = inbox.body.items as Item[];
    expect([...new Set(items.map((i) => i.type))]).toEqual(
      expect.arrayContaining(['MATCH_APPROVED', 'MATCH_CONFIRMED', 'MATCH_REJECTED', 'MATCH_DECLINED', 'MATCH_CANCELLED']),
    );
    // Feedback is the provider's news; proposals are the operators'.
    expect(items.map((i) => i.type)).not.toContain('FEEDBACK_RECEIVED');
    expect(items.map((i) => i.type)).not.toContain('MATCH_PROPOSED');
    const at = items.map((i) => i.at);
    expect(at).toEqual([...at].sort().reverse());
    expect(items.every((i) => i.read === false && /^nt_/.test(i.id))).toBe(true);
    for (const i of items) {
      expect(Object.keys(i)).not.toContain('recipientSub');
      expect(i.title).toMatch(/\p{Script=Han}/u);
      expect(i.body.length).toBeGreaterThan(i.title.length);
    }

    const providerInbox = (await api('GET', '/v1/inbox?limit=100', { token: A.providerOwner.token })).body.items as Item[];
    expect(providerInbox.map((i) => i.type)).toContain('FEEDBACK_RECEIVED');
    const opInbox = (await api('GET', '/v1/inbox?limit=100&lang=en', { token: op.token })).body.items as Item[];
    expect(opInbox.length).toBeGreaterThan(0);
    expect(new Set(opInbox.map((i) => i.type))).toEqual(new Set(['MATCH_PROPOSED']));
    expect(opInbox[0]!.title).toMatch(/[A-Za-z]/);

    const read = await api('POST', `/v1/inbox/${items[0]!.id}/read`, { token: A.smeOwner.token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ id: items[0]!.id, read: true });
    const after = (await api('GET', '/v1/inbox', { token: A.smeOwner.token })).body.items as { id: string; read: boolean }[];
    expect(after.find((i) => i.id === items[0]!.id)!.read).toBe(true);
    expect(after.filter((i) => i.read)).toHaveLength(1);
  });

  it('GET /v1/analytics/markets answers demand against capacity per service type for a period', async () => {
    const res = await api('GET', `/v1/analytics/markets?period=${thisPeriod()}`, { token: op.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.period).toBe(thisPeriod());
    const total = (res.body.items as { serviceType: string; province?: string }[]).find((r) => r.serviceType === 'energy-audit' && !r.province);
    expect(total).toMatchObject({ completed: 1, capacity: 20, waiting: 2 });
    expect(total).toEqual(
      expect.objectContaining({
        proposed: expect.any(Number),
        confirmed: expect.any(Number),
        used: expect.any(Number),
        medianHoursToMatch: expect.any(Number),
      }),
    );
    // This month by default; one market on request.
    const byDefault = await api('GET', '/v1/analytics/markets?serviceType=energy-audit', { token: op.token });
    expect(byDefault.status).toBe(200);
    expect(byDefault.body.period).toBe(thisPeriod());
    expect(byDefault.body.items.every((r: { serviceType: string }) => r.serviceType === 'energy-audit')).toBe(true);
    expect(byDefault.body.items.find((r: { province?: string }) => !r.province)).toEqual(total);
  });
});

describe('disputes and profile edits: success paths', () => {
  it('dispute answers 200 DISPUTED (SME) and resolve 200 (operator) with the outcome and the note', async () => {
    const [x] = await proposedMatches(env, B, 1);
    const id = x!.matchId;
    for (const [step, token] of [['approve', op], ['accept', B.smeOwner], ['accept', B.providerOwner], ['deliver', B.providerOwner]] as const) {
      const res = await api('POST', `/v1/matches/${id}/${step}`, { token: token.token });
      expect(res.status, res.text).toBe(200);
    }
    const disputed = await api('POST', `/v1/matches/${id}/dispute`, { token: B.smeOwner.token, body: { reason: '交付物不完整' } });
    expect(disputed.status).toBe(200);
    expect(disputed.body.history.at(-1)).toMatchObject({ status: 'DISPUTED', by: 'sme', reason: '交付物不完整' });
    await refused('POST', `/v1/matches/${id}/confirm`, { token: B.smeOwner.token }, 409, 'CONFLICT');
    await refused('POST', `/v1/matches/${id}/resolve`, { token: op.token, body: { outcome: 'COMPLETED' } }, 400, 'VALIDATION_FAILED', 'body.note');
    const resolved = await api('POST', `/v1/matches/${id}/resolve`, { token: op.token, body: { outcome: 'COMPLETED', note: 'both agreed by phone' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'COMPLETED', sme: { id: B.smeId }, provider: { id: B.providerId } });
    await refused('POST', `/v1/matches/${id}/resolve`, { token: op.token, body: { outcome: 'CANCELLED', note: 'again' } }, 409, 'CONFLICT');
  });

  it('PATCH /v1/smes/{smeId} and PATCH /v1/providers/{providerId} answer 200 with the changed profile', async () => {
    const contact = { name: '周女士', phone: '028-87654321', email: 'zhou@example.cn' };
    const sme = await api('PATCH', `/v1/smes/${B.smeId}`, { token: B.smeOwner.token, body: { industry: 'industrial design', contact } });
    expect(sme.status).toBe(200);
    expect(sme.body).toMatchObject({ id: B.smeId, industry: 'industrial design', contact });
    const provider = await api('PATCH', `/v1/providers/${B.providerId}`, { token: B.providerOwner.token, body: { description: 'Design for SMEs', contact } });
    expect(provider.status).toBe(200);
    expect(provider.body).toMatchObject({ id: B.providerId, description: 'Design for SMEs', contact });
    await refused('PATCH', `/v1/smes/${B.smeId}`, { token: B.smeOwner.token, body: { region: { province: 'CN-BJ' } } }, 400, 'VALIDATION_FAILED');
  });
});

// ====================================================================== 400

describe('400 VALIDATION_FAILED', () => {
  const longKey = 'k'.repeat(129);
  type Case = [name: string, detailPath: string, method: string, path: () => string, opts: () => ApiOptions];
  const cases: Case[] = [
    ['malformed JSON', 'body', 'POST', () => '/v1/smes', () => ({ token: A.smeOwner.token, rawBody: '{"name": "x",', headers: { 'content-type': 'application/json' } })],
    ['a body that is not JSON by its content type', 'header.content-type', 'POST', () => '/v1/smes', () => ({ token: A.smeOwner.token, rawBody: 'name=x', headers: { 'content-type': 'text/plain' } })],
    ['an unknown field', 'body', 'POST', () => '/v1/smes', () => ({ token: A.smeOwner.token, body: smeBody({ nickname: 'x' }) })],
    ['a bad enum (sizeClass)', 'body.sizeClass', 'POST', () => '/v1/smes', () => ({ token: A.smeOwner.token, body: smeBody({ sizeClass: 'HUGE' }) })],
    ['a bad enum (provider kind)', 'body.kind', 'POST', () => '/v1/providers', () => ({ token: A.providerOwner.token, body: providerBody({ kind: 'BANK' }) })],
    ['a bad enum (serviceType)', 'body.serviceType', 'POST', () => `/v1/providers/${A.providerId}/offerings`, () => ({ token: A.providerOwner.token, body: offeringBody({ serviceType: 'haircut' }) })],
    ['a bad province', 'body.region.province', 'POST', () => '/v1/smes', () => ({ token: A.smeOwner.token, body: smeBody({ region: { province: 'CN-XX' } }) })],
    ['a missing required field', 'body.name', 'POST', () => '/v1/smes', () => ({ token: A.smeOwner.token, body: { ...smeBody(), name: undefined } })],
    ['an empty body', 'body.name', 'POST', () => '/v1/smes', () => ({ token: A.smeOwner.token, rawBody: '', headers: { 'content-type': 'application/json' } })],
    ['a JSON null body', 'body', 'POST', () => '/v1/smes', () => ({ token: A.smeOwner.token, rawBody: 'null', headers: { 'content-type': 'application/json' } })],
    ['a JSON array for an object', 'body', 'POST', () => '/v1/smes', () => ({ token: A.smeOwner.token, body: [smeBody()] })],
    ['a negative capacity', 'body.capacityPerMonth', 'POST', () => `/v1/providers/${A.providerId}/offerings`, () => ({ token: A.providerOwner.token, body: offeringBody({ capacityPerMonth: -1 }) })],
    ['a fractional capacity', 'body.capacityPerMonth', 'PATCH', () => `/v1/offerings/${A.offeringId}`, () => ({ token: A.providerOwner.token, body: { capacityPerMonth: 1.5 } })],
    ['an empty patch', 'body', 'PATCH', () => `/v1/offerings/${A.offeringId}`, () => ({ token: A.providerOwner.token, body: {} })],
    ['a patch of the service type (fixed for life)', 'body', 'PATCH', () => `/v1/offerings/${A.offeringId}`, () => ({ token: A.providerOwner.token, body: { serviceType: 'energy-monitoring' } })],
    ['a patch leaving priceMin above priceMax', 'body.priceMin', 'PATCH', () => `/v1/offerings/${A.offeringId}`, () => ({ token: A.providerOwner.token, body: { priceMin: 900, priceMax: 100 } })],
    ['a deadline in the past', 'body.deadline', 'POST', () => `/v1/smes/${A.smeId}/needs`, () => ({ token: A.smeOwner.token, body: needBody({ deadline: '2020-01-01' }) })],
    ['a deadline that is not a date', 'body.deadline', 'POST', () => `/v1/smes/${A.smeId}/needs`, () => ({ token: A.smeOwner.token, body: needBody({ deadline: 'next week' }) })],
    ['a bad Idempotency-Key (characters)', 'header.idempotency-key', 'POST', () => `/v1/smes/${A.smeId}/needs`, () => ({ token: A.smeOwner.token, body: needBody(), headers: { 'idempotency-key': 'bad key!' } })],
    ['a bad Idempotency-Key (129 characters)', 'header.idempotency-key', 'POST', () => `/v1/smes/${A.smeId}/needs`, () => ({ token: A.smeOwner.token, body: needBody(), headers: { 'idempotency-key': longKey } })],
    ['a rating of 0', 'body.rating', 'POST', () => `/v1/matches/${UNKNOWN.match}/feedback`, () => ({ token: A.smeOwner.token, body: { rating: 0 } })],
    ['a rating of 6', 'body.rating', 'POST', () => `/v1/matches/${UNKNOWN.match}/feedback`, () => ({ token: A.smeOwner.token, body: { rating: 6 } })],
    ['a fractional rating', 'body.rating', 'POST', () => `/v1/matches/${UNKNOWN.match}/feedback`, () => ({ token: A.smeOwner.token, body: { rating: 4.5 } })],
    ['a reject without a reason', 'body.reason', 'POST', () => `/v1/matches/${UNKNOWN.match}/reject`, () => ({ token: op.token, body: {} })],
    ['a body on an endpoint that takes none', 'body', 'POST', () => `/v1/matches/${UNKNOWN.match}/approve`, () => ({ token: op.token, body: { note: 'x' } })],
    ['a bad path id (not an id)', 'path.smeId', 'GET', () => '/v1/smes/123', () => ({ token: A.smeOwner.token })],
    ['a bad path id (another entity\'s prefix)', 'path.providerId', 'GET', () => `/v1/providers/${A.smeId}`, () => ({ token: A.providerOwner.token })],
    ['a bad path id (too short)', 'path.matchId', 'POST', () => '/v1/matches/mt_short/approve', () => ({ token: op.token })],
    ['a bad path id (a write)', 'path.needId', 'POST', () => '/v1/needs/nd_bad!id%20here/withdraw', () => ({ token: A.smeOwner.token })],
    ['a bad notification id', 'path.notificationId', 'POST', () => '/v1/inbox/nt_nope/read', () => ({ token: A.smeOwner.token })],
    ['limit=0', 'query.limit', 'GET', () => '/v1/smes?limit=0', () => ({ token: A.smeOwner.token })],
    ['limit=101', 'query.limit', 'GET', () => '/v1/smes?limit=101', () => ({ token: A.smeOwner.token })],
    ['limit=abc', 'query.limit', 'GET', () => '/v1/smes?limit=abc', () => ({ token: A.smeOwner.token })],
    ['limit=-1', 'query.limit', 'GET', () => `/v1/smes/${A.smeId}/needs?limit=-1`, () => ({ token: A.smeOwner.token })],
    ['limit=2.5', 'query.limit', 'GET', () => '/v1/inbox?limit=2.5', () => ({ token: A.smeOwner.token })],
    ['an empty limit', 'query.limit', 'GET', () => '/v1/providers?limit=', () => ({ token: A.providerOwner.token })],
    ['an unknown query parameter', 'query', 'GET', () => '/v1/smes?owner=someone', () => ({ token: A.smeOwner.token })],
    ['a forged cursor', 'cursor', 'GET', () => '/v1/smes?cursor=eyJzIjoiIn0.forged', () => ({ token: A.smeOwner.token })],
    ['a bad match status', 'query.status', 'GET', () => '/v1/matches?status=DONE', () => ({ token: op.token })],
    ['a bad service type filter', 'query.serviceType', 'GET', () => '/v1/matches?serviceType=haircut', () => ({ token: op.token })],
    ['a bad period (month 13)', 'query.period', 'GET', () => `/v1/offerings/${A.offeringId}/capacity?period=2026-13`, () => ({ token: A.providerOwner.token })],
    ['a bad period (one-digit month)', 'query.period', 'GET', () => `/v1/offerings/${A.offeringId}/capacity?period=2026-1`, () => ({ token: A.providerOwner.token })],
    ['a bad period (a date)', 'query.period', 'GET', () => `/v1/analytics/markets?period=2026-11-01`, () => ({ token: op.token })],
    ['a bad period (month 00)', 'query.period', 'GET', () => `/v1/analytics/markets?period=2026-00`, () => ({ token: op.token })],
  ];

  it.each(cases)('%s answers 400 VALIDATION_FAILED naming %s, and writes nothing', async (_name, detailPath, method, p, o) => {
    if (method === 'GET') expectError(await api(method, p(), o()), 400, 'VALIDATION_FAILED', detailPath);
    else await refused(method, p(), o(), 400, 'VALIDATION_FAILED', detailPath);
  });

  it('a value that fails a pattern is told what is expected, in the words of its schema (ids, limit, period)', async () => {
    const cases: [string, string, string, string][] = [
      ['/v1/smes/123', A.smeOwner.token, 'path.smeId', 'must be a sm_ id'],
      ['/v1/smes?limit=abc', A.smeOwner.token, 'query.limit', 'must be an integer 1..100'],
      [`/v1/offerings/${A.offeringId}/capacity?period=2026-1`, A.providerOwner.token, 'query.period', 'must be a month, YYYY-MM'],
    ];
    const got = [];
    for (const [p, token, detailPath] of cases) {
      const res = await api('GET', p, { token });
      expectError(res, 400, 'VALIDATION_FAILED', detailPath);
      got.push(res.body.error.details[0]);
    }
    expect(got).toEqual(cases.map(([, , path, message]) => ({ path, message })));
  });

  it('a province written as a name or in another case, and a near-miss service type, are refused with the code they meant, writing nothing', async () => {
    const suggested: [string, string, ApiOptions, string, string][] = [
      ['POST', '/v1/smes', { token: A.smeOwner.token, body: smeBody({ region: { province: '四川省' } }) }, 'body.region.province', 'did you mean CN-SC?'],
      ['POST', '/v1/smes', { token: A.smeOwner.token, body: smeBody({ region: { province: 'Sichuan' } }) }, 'body.region.province', 'did you mean CN-SC?'],
      ['POST', '/v1/smes', { token: A.smeOwner.token, body: smeBody({ region: { province: 'cn-sc' } }) }, 'body.region.province', 'did you mean CN-SC?'],
      ['POST', '/v1/providers', { token: A.providerOwner.token, body: providerBody({ regions: ['CN-SC', '重庆'] }) }, 'body.regions.1', 'did you mean CN-CQ?'],
      ['POST', `/v1/providers/${A.providerId}/offerings`, { token: A.providerOwner.token, body: offeringBody({ serviceType: 'enrgy-audit' }) }, 'body.serviceType', 'did you mean "energy-audit"'],
      ['POST', `/v1/smes/${A.smeId}/needs`, { token: A.smeOwner.token, body: needBody({ serviceType: 'energy-audti' }) }, 'body.serviceType', 'did you mean "energy-audit"'],
      ['GET', '/v1/matches?serviceType=energy_audit', { token: op.token }, 'query.serviceType', 'did you mean "energy-audit"'],
    ];
    for (const [method, p, o, detailPath, hint] of suggested) {
      const res = method === 'GET' ? await api(method, p, o) : await refused(method, p, o, 400, 'VALIDATION_FAILED', detailPath);
      expectError(res, 400, 'VALIDATION_FAILED', detailPath);
      const detail = (res.body.error.details as { path: string; message: string }[]).find((d) => d.path === detailPath)!;
      expect(detail.message, `${method} ${p}`).toContain(hint);
    }
    // Nothing near: no guess, and no dump of the whole catalog either.
    const far = await api('POST', `/v1/smes/${A.smeId}/needs`, { token: A.smeOwner.token, body: needBody({ serviceType: 'haircut' }) });
    const message = far.body.error.details[0].message as string;
    expect(message).not.toContain('did you mean');
    expect(message).toContain('GET /v1/catalog');
  });

  it('an unknown field is named in the error', async () => {
    const res = await api('POST', '/v1/smes', { token: A.smeOwner.token, body: smeBody({ nickname: 'x' }) });
    expectError(res, 400, 'VALIDATION_FAILED', 'body');
    expect(res.body.error.details.map((d: { message: string }) => d.message).join(' ')).toContain('nickname');
  });
});

// ====================================================================== 401

describe('401 UNAUTHENTICATED', () => {
  let runtimeKey: JWK;

  /** A token signed with `key` (default: the runtime's own key, read from DATA_DIR), claims as given. */
  async function sign(
    over: { claims?: Record<string, unknown>; sub?: string; iss?: string; aud?: string; exp?: number; key?: Parameters<SignJWT['sign']>[0]; kid?: string } = {},
  ) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ 'cognito:groups': ['sme'], token_use: 'id', ...(over.claims ?? {}) })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: over.kid ?? runtimeKey.kid! })
      .setSubject(over.sub ?? A.smeOwner.sub)
      .setIssuer(over.iss ?? LOCAL_ISSUER)
      .setAudience(over.aud ?? LOCAL_AUDIENCE)
      .setIssuedAt(now - 60)
      .setExpirationTime(over.exp ?? now + 600)
      .sign(over.key ?? (await importJWK(runtimeKey, 'ES256')));
  }

  beforeAll(async () => {
    runtimeKey = JSON.parse(await fs.readFile(path.join(env.dataDir, AUTH_KEY_FILE), 'utf8')) as JWK;
  });

  it('a token forged here with the runtime\'s own key and valid claims is accepted (the control for the cases below)', async () => {
    const res = await api('GET', '/v1/smes', { token: await sign() });
    expect(res.status).toBe(200);
    expect(res.body.items.map((s: { id: string }) => s.id)).toContain(A.smeId);
  });

  // [name, token maker, also probed on a write (the gateway's refusals and the handler's)]
  const cases: [string, () => Promise<string | undefined>, boolean][] = [
    ['no token', async () => undefined, true],
    ['a garbage token', async () => 'not-a-jwt', true],
    [
      'a tampered token (groups changed to operator, signature kept)',
      async () => {
        const [h, p, s] = A.smeOwner.token.split('.') as [string, string, string];
        const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
        payload['cognito:groups'] = ['operator'];
        return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
      },
      true,
    ],
    ['a token with its signature cut off', async () => A.smeOwner.token.split('.').slice(0, 2).join('.') + '.', false],
    ['a token signed by another key under the same kid', async () => sign({ key: (await generateKeyPair('ES256')).privateKey }), true],
    ['an expired token', async () => sign({ exp: Math.floor(Date.now() / 1000) - 10 }), true],
    ['a token of another issuer', async () => sign({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/other' }), false],
    ['a token for another audience', async () => sign({ aud: 'another-app' }), false],
    ['a token with another kid', async () => sign({ kid: 'another-kid' }), false],
    [
      'an unsigned token (alg none)',
      async () => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: A.smeOwner.sub, 'cognito:groups': ['operator'], iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, iat: now, exp: now + 600 })}.`;
      },
      false,
    ],
    ['a token not valid yet (nbf in an hour)', async () => sign({ claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } }), false],
    ['a valid token carrying no platform group', async () => sign({ claims: { 'cognito:groups': ['admin'] } }), true],
    ['a valid token with an empty sub', async () => sign({ sub: '' }), false],
  ];

  it.each(cases)('%s answers 401 on a read', async (_name, make) => {
    const token = await make();
    const res = await api('GET', `/v1/smes/${A.smeId}`, { token });
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  const writeCases = cases.filter(([, , write]) => write);

  it.each(writeCases)('%s answers 401 on a write, and writes nothing', async (_name, make) => {
    await refused('POST', `/v1/smes/${A.smeId}/needs`, { token: await make(), body: needBody({ serviceType: UNSERVED_MARKET }) }, 401, 'UNAUTHENTICATED');
  });

  it('the gateway\'s 401 says how to authenticate (WWW-Authenticate: Bearer)', async () => {
    const res = await api('GET', '/v1/inbox');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('authentication comes before validation: a bad body without a token is 401, not 400', async () => {
    expectError(await api('POST', '/v1/smes', { rawBody: '{oops', headers: { 'content-type': 'application/json' } }), 401, 'UNAUTHENTICATED');
  });
});

// ====================================================================== 403

describe('403 FORBIDDEN: a group calling another group\'s endpoint', () => {
  const cases: [string, string, () => string, () => ApiOptions][] = [
    ['an SME registers a provider', 'POST', () => '/v1/providers', () => ({ token: A.smeOwner.token, body: providerBody() })],
    ['an operator registers a provider', 'POST', () => '/v1/providers', () => ({ token: op.token, body: providerBody() })],
    ['a provider registers an SME', 'POST', () => '/v1/smes', () => ({ token: A.providerOwner.token, body: smeBody() })],
    ['a provider posts a need', 'POST', () => `/v1/smes/${A.smeId}/needs`, () => ({ token: A.providerOwner.token, body: needBody() })],
    ['an operator posts a need', 'POST', () => `/v1/smes/${A.smeId}/needs`, () => ({ token: op.token, body: needBody() })],
    ['an operator patches an offering', 'PATCH', () => `/v1/offerings/${A.offeringId}`, () => ({ token: op.token, body: { capacityPerMonth: 0 } })],
    ['an SME approves a match', 'POST', () => `/v1/matches/${UNKNOWN.match}/approve`, () => ({ token: A.smeOwner.token })],
    ['an operator accepts a match', 'POST', () => `/v1/matches/${UNKNOWN.match}/accept`, () => ({ token: op.token })],
    ['an SME reads the analytics', 'GET', () => '/v1/analytics/markets', () => ({ token: A.smeOwner.token })],
    ['a provider reads the review queue', 'GET', () => '/v1/matches', () => ({ token: A.providerOwner.token })],
    ['a provider reads an SME', 'GET', () => `/v1/smes/${A.smeId}`, () => ({ token: A.providerOwner.token })],
    ['an SME reads a provider', 'GET', () => `/v1/providers/${A.providerId}`, () => ({ token: A.smeOwner.token })],
  ];

  it.each(cases)('%s: 403 FORBIDDEN, nothing written', async (_name, method, p, o) => {
    if (method === 'GET') expectError(await api(method, p(), o()), 403, 'FORBIDDEN');
    else await refused(method, p(), o(), 403, 'FORBIDDEN');
  });

  it('the group check comes before validation: a provider posting a malformed SME is 403', async () => {
    expectError(await api('POST', '/v1/smes', { token: A.providerOwner.token, body: { bogus: true } }), 403, 'FORBIDDEN');
  });
});

// ====================================================================== 404

describe('404 NOT_FOUND', () => {
  const cases: [string, string, () => ApiOptions][] = [
    ['GET', `/v1/providers/${UNKNOWN.provider}`, () => ({ token: A.providerOwner.token })],
    ['GET', `/v1/providers/${UNKNOWN.provider}/offerings`, () => ({ token: op.token })],
    ['POST', `/v1/providers/${UNKNOWN.provider}/offerings`, () => ({ token: A.providerOwner.token, body: offeringBody() })],
    ['GET', `/v1/offerings/${UNKNOWN.offering}`, () => ({ token: op.token })],
    ['PATCH', `/v1/offerings/${UNKNOWN.offering}`, () => ({ token: A.providerOwner.token, body: { title: 'x' } })],
    ['GET', `/v1/offerings/${UNKNOWN.offering}/capacity`, () => ({ token: A.providerOwner.token })],
    ['GET', `/v1/smes/${UNKNOWN.sme}`, () => ({ token: op.token })],
    ['POST', `/v1/smes/${UNKNOWN.sme}/needs`, () => ({ token: A.smeOwner.token, body: needBody() })],
    ['GET', `/v1/needs/${UNKNOWN.need}`, () => ({ token: A.smeOwner.token })],
    ['POST', `/v1/needs/${UNKNOWN.need}/withdraw`, () => ({ token: A.smeOwner.token })],
    ['GET', `/v1/matches/${UNKNOWN.match}`, () => ({ token: op.token })],
    ['POST', `/v1/matches/${UNKNOWN.match}/approve`, () => ({ token: op.token })],
    ['POST', `/v1/matches/${UNKNOWN.match}/accept`, () => ({ token: A.smeOwner.token })],
    ['POST', `/v1/matches/${UNKNOWN.match}/feedback`, () => ({ token: A.smeOwner.token, body: { rating: 3 } })],
    ['POST', `/v1/inbox/${UNKNOWN.notification}/read`, () => ({ token: A.smeOwner.token })],
  ];

  it.each(cases)('%s %s (no such record) answers 404 NOT_FOUND and writes nothing', async (method, p, o) => {
    if (method === 'GET') expectError(await api(method, p, o()), 404, 'NOT_FOUND');
    else await refused(method, p, o(), 404, 'NOT_FOUND');
  });

  it('another owner\'s record answers exactly as a record that does not exist', async () => {
    const pairs: [string, string][] = [
      [`/v1/smes/${B.smeId}`, `/v1/smes/${UNKNOWN.sme}`],
      [`/v1/smes/${B.smeId}/needs`, `/v1/smes/${UNKNOWN.sme}/needs`],
    ];
    for (const [foreign, absent] of pairs) {
      const f = await api('GET', foreign, { token: A.smeOwner.token });
      const a = await api('GET', absent, { token: A.smeOwner.token });
      expectError(f, 404, 'NOT_FOUND');
      expect(f.body).toEqual(a.body);
    }
    const f = await api('GET', `/v1/offerings/${B.offeringId}`, { token: A.providerOwner.token });
    expectError(f, 404, 'NOT_FOUND');
    expect(f.body).toEqual((await api('GET', `/v1/offerings/${UNKNOWN.offering}`, { token: A.providerOwner.token })).body);
  });

  it('another owner\'s record refuses writes with 404 and keeps them unchanged', async () => {
    await refused('PATCH', `/v1/offerings/${B.offeringId}`, { token: A.providerOwner.token, body: { capacityPerMonth: 0 } }, 404, 'NOT_FOUND');
    await refused('POST', `/v1/providers/${B.providerId}/offerings`, { token: A.providerOwner.token, body: offeringBody() }, 404, 'NOT_FOUND');
    await refused('POST', `/v1/smes/${B.smeId}/needs`, { token: A.smeOwner.token, body: needBody() }, 404, 'NOT_FOUND');
  });

  it('a path no route serves, or a method a path does not take, answers 404 NOT_FOUND', async () => {
    expectError(await api('GET', '/v1/nothing-here', { token: op.token }), 404, 'NOT_FOUND');
    expectError(await api('GET', '/v2/smes', { token: A.smeOwner.token }), 404, 'NOT_FOUND');
    await refused('DELETE', `/v1/smes/${A.smeId}`, { token: A.smeOwner.token }, 404, 'NOT_FOUND');
    await refused('PUT', `/v1/offerings/${A.offeringId}`, { token: A.providerOwner.token, body: { title: 'x' } }, 404, 'NOT_FOUND');
  });
});

// ====================================================================== 413

describe('413 PAYLOAD_TOO_LARGE', () => {
  /** A JSON object of exactly `bytes` bytes: {"name":"xxx..."}. */
  const bodyOf = (bytes: number) => `{"name":"${'x'.repeat(bytes - '{"name":""}'.length)}"}`;

  it('a body of 64 KiB + 1 byte answers 413 and writes nothing', async () => {
    const raw = bodyOf(64 * 1024 + 1);
    expect(Buffer.byteLength(raw)).toBe(65_537);
    await refused('POST', '/v1/smes', { token: A.smeOwner.token, rawBody: raw, headers: { 'content-type': 'application/json' } }, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a chunked body (no Content-Length) growing past 64 KiB answers 413 and writes nothing', async () => {
    const before = await snapshot();
    const chunk = new TextEncoder().encode('x'.repeat(1024));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 80; i++) c.enqueue(chunk);
        c.close();
      },
    });
    const init = { method: 'POST', headers: { authorization: `Bearer ${A.smeOwner.token}`, 'content-type': 'application/json' }, body: stream, duplex: 'half' };
    const raw = await fetch(`${env.url}/v1/smes`, init as RequestInit);
    const text = await raw.text();
    expectError({ status: raw.status, body: JSON.parse(text), text, headers: raw.headers }, 413, 'PAYLOAD_TOO_LARGE');
    expect(await snapshot()).toEqual(before);
  });

  it('a body of exactly 64 KiB is read and validated (400 for its over-long field), not refused as too large', async () => {
    const raw = bodyOf(64 * 1024);
    expect(Buffer.byteLength(raw)).toBe(65_536);
    await refused('POST', '/v1/smes', { token: A.smeOwner.token, rawBody: raw, headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION_FAILED');
  });

  it('an oversized need with an Idempotency-Key and an oversized patch answer 413 and write nothing', async () => {
    const body = needBody({ description: '测'.repeat(30_000) });
    await refused('POST', `/v1/smes/${A.smeId}/needs`, { token: A.smeOwner.token, body, headers: { 'idempotency-key': 'big-1' } }, 413, 'PAYLOAD_TOO_LARGE');
    await refused('PATCH', `/v1/offerings/${A.offeringId}`, { token: A.providerOwner.token, body: { title: 'y'.repeat(70_000) } }, 413, 'PAYLOAD_TOO_LARGE');
    // The refused key was not recorded: it is free for a first use.
    const res = await api('POST', `/v1/smes/${A.smeId}/needs`, {
      token: A.smeOwner.token,
      body: needBody({ serviceType: UNSERVED_MARKET }),
      headers: { 'idempotency-key': 'big-1' },
    });
    expect(res.status).toBe(201);
  });
});

// ====================================================================== Idempotency-Key

describe('Idempotency-Key on POST /v1/smes/{smeId}/needs', () => {
  const post = (party: Party, body: unknown, key?: string) =>
    api('POST', `/v1/smes/${party.smeId}/needs`, { token: party.smeOwner.token, body, ...(key ? { headers: { 'idempotency-key': key } } : {}) });
  const needIds = async (party: Party) =>
    (await everything(party.smeOwner.token, `/v1/smes/${party.smeId}/needs`)).map((n) => (n as { id: string }).id);

  it('the same key with the same body answers 201 with the first need again, and only one need exists', async () => {
    const body = needBody({ serviceType: UNSERVED_MARKET, description: 'idempotent 1' });
    const before = await needIds(A);
    const first = await post(A, body, 'key-same-1');
    expect(first.status).toBe(201);
    const again = await post(A, body, 'key-same-1');
    expect(again.status).toBe(201);
    // The need as it is now: a market round may have run in between and said why it waits.
    expect(again.body).toMatchObject({ ...body, id: first.body.id, smeId: A.smeId });
    const after = await needIds(A);
    expect(after.filter((id) => !before.includes(id))).toEqual([first.body.id]);
  });

  it('the same body with its keys in another order is the same request', async () => {
    const body = needBody({ serviceType: UNSERVED_MARKET, description: 'idempotent 2', budgetMax: 100 });
    const first = await post(A, body, 'key-order-1');
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await post(A, reordered, 'key-order-1');
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
  });

  it('the same key with another body answers 409 CONFLICT and writes nothing', async () => {
    const first = await post(A, needBody({ serviceType: UNSERVED_MARKET, description: 'idempotent 3' }), 'key-other-1');
    expect(first.status).toBe(201);
    await refused(
      'POST',
      `/v1/smes/${A.smeId}/needs`,
      { token: A.smeOwner.token, body: needBody({ serviceType: UNSERVED_MARKET, description: 'something else' }), headers: { 'idempotency-key': 'key-other-1' } },
      409,
      'CONFLICT',
    );
    // The first request still replays.
    const replay = await post(A, needBody({ serviceType: UNSERVED_MARKET, description: 'idempotent 3' }), 'key-other-1');
    expect(replay.body.id).toBe(first.body.id);
  });

  it('different callers using the same key are independent', async () => {
    const body = needBody({ serviceType: UNSERVED_MARKET, description: 'shared key' });
    const a = await post(A, body, 'key-shared-1');
    const b = await post(B, body, 'key-shared-1');
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.smeId).toBe(B.smeId);
    // Another body from B under the same key would be a conflict only with B's own first use.
    const bOther = await post(B, needBody({ serviceType: UNSERVED_MARKET, description: 'B, other' }), 'key-shared-1');
    expectError(bOther, 409, 'CONFLICT');
    const aAgain = await post(A, body, 'key-shared-1');
    expect(aAgain.body.id).toBe(a.body.id);
  });

  it('the replay answers the need as it is now, after the matcher changed it', async () => {
    const body = needBody({ serviceType: B.serviceType, description: 'replayed after matching' });
    const first = await post(B, body, 'key-matched-1');
    expect(first.body.status).toBe('WAITING');
    await env.idle();
    const replay = await post(B, body, 'key-matched-1');
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    expect(replay.body.status).toBe('PROPOSED');
  });

  it('the same key and body on another SME of the same owner is another request: 201, a need of that SME', async () => {
    // Keys are scoped by caller, route and path: a walk-through run twice (a new SME each time) reuses its keys safely.
    const other = await api('POST', '/v1/smes', { token: A.smeOwner.token, body: smeBody({ name: 'Second SME of A' }) });
    expect(other.status).toBe(201);
    const body = needBody({ serviceType: UNSERVED_MARKET, description: 'one key, two SMEs' });
    const first = await post(A, body, 'key-two-smes-1');
    expect(first.status).toBe(201);
    const second = await api('POST', `/v1/smes/${other.body.id}/needs`, { token: A.smeOwner.token, body, headers: { 'idempotency-key': 'key-two-smes-1' } });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ smeId: other.body.id });
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('the same key with another body on the same path is 409, saying the key was used for another request on this path', async () => {
    const key = 'key-reused-on-path';
    expect((await post(A, needBody({ serviceType: UNSERVED_MARKET, description: 'first' }), key)).status).toBe(201);
    const res = await refused(
      'POST',
      `/v1/smes/${A.smeId}/needs`,
      { token: A.smeOwner.token, body: needBody({ serviceType: UNSERVED_MARKET, description: 'second' }), headers: { 'idempotency-key': key } },
      409,
      'CONFLICT',
    );
    expect(res.body.error.message).toMatch(/another request on this path/);
  });

  it('without a key, the same body twice makes two needs', async () => {
    const body = needBody({ serviceType: UNSERVED_MARKET, description: 'no key' });
    const one = await post(A, body);
    const two = await post(A, body);
    expect(one.status).toBe(201);
    expect(two.status).toBe(201);
    expect(two.body.id).not.toBe(one.body.id);
  });
});

// ====================================================================== concurrency

describe('concurrent requests', () => {
  it('six identical requests with one Idempotency-Key at once make one need, answered to all six', async () => {
    const body = needBody({ serviceType: UNSERVED_MARKET, description: 'sent six times at once' });
    const before = (await everything(A.smeOwner.token, `/v1/smes/${A.smeId}/needs`)).length;
    const all = await Promise.all(
      Array.from({ length: 6 }, () =>
        api('POST', `/v1/smes/${A.smeId}/needs`, { token: A.smeOwner.token, body, headers: { 'idempotency-key': 'at-once-1' } }),
      ),
    );
    expect(all.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(all.map((r) => r.body.id)).size).toBe(1);
    await env.idle();
    expect((await everything(A.smeOwner.token, `/v1/smes/${A.smeId}/needs`)).length).toBe(before + 1);
  });

  it('five approvals of one match at once: one 200, four 409, never a 500', async () => {
    const [m] = await proposedMatches(env, B, 1);
    const all = await Promise.all(Array.from({ length: 5 }, () => api('POST', `/v1/matches/${m!.matchId}/approve`, { token: op.token })));
    expect(all.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    for (const r of all.filter((x) => x.status === 409)) expectError(r, 409, 'CONFLICT');
    const match = (await api('GET', `/v1/matches/${m!.matchId}`, { token: op.token })).body;
    expect(match.history.filter((h: { status: string }) => h.status === 'APPROVED')).toHaveLength(1);
  });

  it('both parties accepting at once both succeed and confirm the match', async () => {
    const [m] = await proposedMatches(env, B, 1);
    expect((await api('POST', `/v1/matches/${m!.matchId}/approve`, { token: op.token })).status).toBe(200);
    const both = await Promise.all([
      api('POST', `/v1/matches/${m!.matchId}/accept`, { token: B.smeOwner.token }),
      api('POST', `/v1/matches/${m!.matchId}/accept`, { token: B.providerOwner.token }),
    ]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const match = (await api('GET', `/v1/matches/${m!.matchId}`, { token: op.token })).body;
    expect(match).toMatchObject({ status: 'CONFIRMED', smeAccepted: true, providerAccepted: true });
  });
});

// ====================================================================== pagination

describe('pagination over HTTP', () => {
  let owner: Token;
  let created: string[];

  beforeAll(async () => {
    owner = await env.token('sme');
    created = [];
    for (let i = 0; i < 105; i++) {
      const res = await env.api('POST', '/v1/smes', { token: owner.token, body: smeBody({ name: `Paged SME ${i}` }) });
      expect(res.status).toBe(201);
      created.push(res.body.id);
    }
  });

  it('lists answer 20 items by default and at most 100 with limit=100 (101 is refused)', async () => {
    const byDefault = await api('GET', '/v1/smes', { token: owner.token });
    expect(byDefault.body.items).toHaveLength(20);
    expect(byDefault.body.nextCursor).toEqual(expect.any(String));
    const max = await api('GET', '/v1/smes?limit=100', { token: owner.token });
    expect(max.status).toBe(200);
    expect(max.body.items).toHaveLength(100);
    const rest = await api('GET', `/v1/smes?limit=100&cursor=${encodeURIComponent(max.body.nextCursor)}`, { token: owner.token });
    expect(rest.body.items).toHaveLength(5);
    expect(rest.body.nextCursor).toBeNull();
    expectError(await api('GET', '/v1/smes?limit=101', { token: owner.token }), 400, 'VALIDATION_FAILED', 'query.limit');
  });

  it('following nextCursor visits every item exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: ApiResponse = await api('GET', `/v1/smes?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: owner.token });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...res.body.items.map((s: { id: string }) => s.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    // 105 items in pages of 7: 15 full pages, and DynamoDB may answer one more, empty, before nextCursor is null.
    expect(pages).toBeGreaterThanOrEqual(15);
    expect(pages).toBeLessThanOrEqual(16);
    expect(seen).toHaveLength(105);
    expect(new Set(seen)).toEqual(new Set(created));
  });

  it('a cursor from one owner\'s list is refused (400) on another owner\'s list and on the operator\'s', async () => {
    const page = await api('GET', '/v1/smes?limit=2', { token: owner.token });
    const cursor = encodeURIComponent(page.body.nextCursor);
    expectError(await api('GET', `/v1/smes?limit=2&cursor=${cursor}`, { token: A.smeOwner.token }), 400, 'VALIDATION_FAILED', 'cursor');
    expectError(await api('GET', `/v1/smes?limit=2&cursor=${cursor}`, { token: op.token }), 400, 'VALIDATION_FAILED', 'cursor');
    // The owner's own next page still works.
    expect((await api('GET', `/v1/smes?limit=2&cursor=${cursor}`, { token: owner.token })).status).toBe(200);
  });

  it('a cursor from one SME\'s needs is refused (400) on another SME\'s needs, and on the same SME\'s matches', async () => {
    for (const party of [A, B]) {
      for (let i = 0; i < 2; i++) {
        await env.api('POST', `/v1/smes/${party.smeId}/needs`, { token: party.smeOwner.token, body: needBody({ serviceType: UNSERVED_MARKET }) });
      }
    }
    const aPage = await api('GET', `/v1/smes/${A.smeId}/needs?limit=1`, { token: A.smeOwner.token });
    const cursor = encodeURIComponent(aPage.body.nextCursor);
    expectError(await api('GET', `/v1/smes/${B.smeId}/needs?limit=1&cursor=${cursor}`, { token: B.smeOwner.token }), 400, 'VALIDATION_FAILED', 'cursor');
    expectError(await api('GET', `/v1/smes/${B.smeId}/needs?limit=1&cursor=${cursor}`, { token: op.token }), 400, 'VALIDATION_FAILED', 'cursor');
    expectError(await api('GET', `/v1/smes/${A.smeId}/matches?limit=1&cursor=${cursor}`, { token: A.smeOwner.token }), 400, 'VALIDATION_FAILED', 'cursor');
    // On its own list it still works, for the owner and for an operator.
    expect((await api('GET', `/v1/smes/${A.smeId}/needs?limit=1&cursor=${cursor}`, { token: A.smeOwner.token })).status).toBe(200);
    expect((await api('GET', `/v1/smes/${A.smeId}/needs?limit=1&cursor=${cursor}`, { token: op.token })).status).toBe(200);
  });

  it('an edited cursor is refused with 400, even on the list it was made for', async () => {
    const page = await api('GET', '/v1/smes?limit=2', { token: owner.token });
    const [payload, mac] = (page.body.nextCursor as string).split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const edited = Buffer.from(JSON.stringify({ ...decoded, k: { pk: 'SOMEWHERE#else', sk: 'x' } })).toString('base64url');
    expect(edited).not.toBe(payload);
    expectError(await api('GET', `/v1/smes?cursor=${encodeURIComponent(`${edited}.${mac}`)}`, { token: owner.token }), 400, 'VALIDATION_FAILED', 'cursor');
  });
});

// ====================================================================== coverage

describe('provider onboarding and holds: success paths', () => {
  const newProvider = async () => {
    const res = await api('POST', '/v1/providers', { token: A.providerOwner.token, body: providerBody({ name: '四川绿色审计事务所' }) });
    expect(res.status, res.text).toBe(201);
    expect(res.body.status).toBe('PENDING');
    return res.body.id as string;
  };

  it('POST /v1/providers/{providerId}/approve answers 200 APPROVED; approving again is 409', async () => {
    const id = await newProvider();
    const res = await api('POST', `/v1/providers/${id}/approve`, { token: op.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'APPROVED', ownerSub: A.providerOwner.sub });
    await refused('POST', `/v1/providers/${id}/approve`, { token: op.token }, 409, 'CONFLICT');
  });

  it('POST /v1/providers/{providerId}/reject answers 200 REJECTED and shows the reason', async () => {
    const id = await newProvider();
    const res = await api('POST', `/v1/providers/${id}/reject`, { token: op.token, body: { reason: '资质文件不全' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'REJECTED' });
    expect(JSON.stringify(res.body)).toContain('资质文件不全');
  });

  it('POST /v1/providers/{providerId}/certifications answers 200 with the certifications on file replaced', async () => {
    // Another owner's provider: A's owner is at its quota of providers by now.
    const made = await api('POST', '/v1/providers', { token: B.providerOwner.token, body: providerBody({ name: '成都质量检测中心' }) });
    expect(made.status, made.text).toBe(201);
    const id = made.body.id as string;
    const certifications = [{ type: 'CMA', number: '211912345678', issuer: '四川省市场监督管理局', validUntil: '2030-12-31' }];
    const res = await api('POST', `/v1/providers/${id}/certifications`, { token: op.token, body: { certifications } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id, certifications });
    await refused('POST', `/v1/providers/${id}/certifications`, { token: B.providerOwner.token, body: { certifications } }, 403, 'FORBIDDEN');
  });

  it('POST /v1/providers/{providerId}/suspend and /reinstate answer 200 with the hold set, then lifted', async () => {
    const id = await newProvider();
    expect((await api('POST', `/v1/providers/${id}/approve`, { token: op.token })).status).toBe(200);
    const held = await api('POST', `/v1/providers/${id}/suspend`, { token: op.token, body: { reason: 'complaints under review' } });
    expect(held.status, held.text).toBe(200);
    expect(held.body).toMatchObject({ id, suspended: { reason: 'complaints under review' } });
    const back = await api('POST', `/v1/providers/${id}/reinstate`, { token: op.token });
    expect(back.status, back.text).toBe(200);
    expect(back.body).toMatchObject({ id, status: 'APPROVED' });
    expect(back.body.suspended).toBeUndefined();
  });
});

describe('vouchers and settlements: success paths', () => {
  let programmeId: string;

  it('POST /v1/voucher-programmes answers 201 with the programme and its whole budget available', async () => {
    const body = { name: '2026年四川省节能诊断服务券', serviceTypes: ['energy-audit'], provinces: ['CN-SC'], budget: 10_000, faceValue: 5_000, validUntil: '2027-06-30' };
    const res = await api('POST', '/v1/voucher-programmes', { token: op.token, body });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ ...body, id: expect.any(String), available: 10_000, allocated: 0, held: 0, redeemed: 0 });
    programmeId = res.body.id;
  });

  it('GET /v1/voucher-programmes lists it and GET /v1/voucher-programmes/{programmeId} answers it', async () => {
    const list = await api('GET', '/v1/voucher-programmes', { token: op.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).toContain(programmeId);
    const one = await api('GET', `/v1/voucher-programmes/${programmeId}`, { token: op.token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: programmeId, budget: 10_000 });
  });

  it('POST /v1/voucher-programmes/{programmeId}/vouchers answers 201 ISSUED; the SME lists it under GET /v1/smes/{smeId}/vouchers', async () => {
    const sme = await api('POST', '/v1/smes', { token: A.smeOwner.token, body: smeBody({ name: '成都节能样板企业' }) });
    expect(sme.status, sme.text).toBe(201);
    const smeId = sme.body.id as string;
    const v = await api('POST', `/v1/voucher-programmes/${programmeId}/vouchers`, { token: op.token, body: { smeId } });
    expect(v.status, v.text).toBe(201);
    expect(v.body).toMatchObject({ programmeId, smeId, faceValue: 5_000, balance: 5_000, status: 'ISSUED' });
    const mine = await api('GET', `/v1/smes/${smeId}/vouchers`, { token: A.smeOwner.token });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((x: { id: string }) => x.id)).toEqual([v.body.id]);
  });

  it('GET /v1/providers/{providerId}/settlements answers a provider without redemptions a zero total for the month', async () => {
    const res = await api('GET', `/v1/providers/${A.providerId}/settlements?period=${thisPeriod()}`, { token: A.providerOwner.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ total: 0, items: [] });
  });

  it('GET /v1/analytics/kpis answers the KPIs of the month', async () => {
    // The counters are kept by the kpi consumer: let the bus deliver what this file's matches published.
    await env.idle();
    const res = await api('GET', `/v1/analytics/kpis?period=${thisPeriod()}`, { token: op.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ period: thisPeriod(), smesServed: expect.any(Number), matchesCompleted: expect.any(Number) });
    expect(res.body.matchesCompleted).toBeGreaterThanOrEqual(1);
  });
});

describe('registers and imports: success paths', () => {
  const csv = (lines: string[]) => lines.join('\n') + '\n';
  const postCsv = (p: string, body: string) => api('POST', p, { token: op.token, rawBody: body, headers: { 'content-type': 'text/csv; charset=utf-8' } });

  /** Polls GET /v1/imports/{importId} until the import leaves RUNNING. */
  async function finished(importId: string): Promise<ApiResponse> {
    for (let i = 0; i < 400; i++) {
      const r = await api('GET', `/v1/imports/${importId}`, { token: op.token });
      expect(r.status, r.text).toBe(200);
      if (r.body.status !== 'RUNNING') return r;
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error(`import ${importId} still RUNNING`);
  }

  it('POST /v1/registers/tiers answers 202 { importId }; GET /v1/imports/{importId} answers it DONE with its counts', async () => {
    const r = await postCsv('/v1/registers/tiers', csv(['uscc,name,tier,batch,validUntil', `${testUscc('CN-SC')},成都精密传动,LITTLE_GIANT,第五批,2030-12-31`]));
    expect(r.status, r.text).toBe(202);
    expect(Object.keys(r.body)).toEqual(['importId']);
    const done = await finished(r.body.importId);
    expect(done.body).toMatchObject({ id: r.body.importId, kind: 'TIERS', status: 'DONE', total: 1, processed: 1, accepted: 1, rejected: 0 });
  });

  it('POST /v1/registers/providers answers 202 and the row becomes an APPROVED provider', async () => {
    const header = 'uscc,name,kind,regions,languages,contactName,contactEmail,ownerSub';
    const r = await postCsv('/v1/registers/providers', csv([header, `${testUscc('CN-SC')},四川省节能监测中心,GREEN_AUDIT_FIRM,CN-SC,zh-CN,王工,wang@example.cn,`]));
    expect(r.status, r.text).toBe(202);
    const done = await finished(r.body.importId);
    expect(done.body).toMatchObject({ kind: 'PROVIDERS', status: 'DONE', accepted: 1, rejected: 0 });
    const all = await everything(op.token, '/v1/providers');
    expect(all).toContainEqual(expect.objectContaining({ name: '四川省节能监测中心', status: 'APPROVED' }));
  });
});

describe('coverage', () => {
  it('every route of routes.ts answered its success status over HTTP in this file', () => {
    const missing = HTTP_ROUTES.map(routeKey).filter((k) => !succeeded.has(k));
    expect(missing).toEqual([]);
  });

  it('each route answered exactly the success status its OpenAPI operation documents', async () => {
    const doc = (await env.api('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const documented = Object.fromEntries(
      HTTP_ROUTES.map((r) => [routeKey(r), Object.keys(doc.paths[r.path]![r.method.toLowerCase()]!.responses).filter((c) => /^2\d\d$/.test(c)).map(Number)]),
    );
    const observed = Object.fromEntries(HTTP_ROUTES.map((r) => [routeKey(r), [...(succeeded.get(routeKey(r)) ?? [])].sort()]));
    expect(observed).toEqual(documented);
  });
});
