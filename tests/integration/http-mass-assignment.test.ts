/**
 * Mass assignment over real HTTP: every endpoint that takes a body refuses
 * the fields the server owns (status, ownerSub, score, rating, used, id,
 * providerId, version, pendingEvents) with 400 VALIDATION_FAILED naming the
 * field, and writes nothing; the same body without the field is accepted
 * (so the field alone is the reason).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  UNSERVED_MARKET,
  expectError,
  makeParty,
  needBody,
  offeringBody,
  proposedMatches,
  providerBody,
  smeBody,
  startHttpEnv,
  type ApiResponse,
  type HttpEnv,
  type Party,
  type Token,
} from '#tests/support/http.ts';

let env: HttpEnv;
let A: Party;
let B: Party;
let op: Token;
/** A's matches: PROPOSED (reject), APPROVED (decline), COMPLETED (feedback). */
let toReject: string;
let toDecline: string;
let toRate: string;

const FIELDS = ['status', 'ownerSub', 'score', 'rating', 'used', 'id', 'providerId', 'version', 'pendingEvents'] as const;
type Field = (typeof FIELDS)[number];

/** What an attacker would send: another owner's sub and ids, final states, perfect scores. */
const attack = (): Record<Field, unknown> => ({
  status: 'COMPLETED',
  ownerSub: B.smeOwner.sub,
  score: 1,
  rating: 5,
  used: 0,
  id: B.smeId,
  providerId: B.providerId,
  version: 99,
  pendingEvents: [{ detailType: 'MatchConfirmed', id: 'ev-1' }],
});

interface Endpoint {
  name: string;
  method: string;
  path: () => string;
  token: () => string;
  body: () => Record<string, unknown>;
  /** Fields the contract lets callers send on this endpoint (never probed here). */
  allowed?: readonly Field[];
  /** What a write to this endpoint would change. */
  observe: () => Promise<unknown>;
  okStatus: number;
}

async function read(token: string, p: string): Promise<unknown> {
  await env.idle();
  const res = await env.api('GET', p, { token });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'POST /v1/providers',
    method: 'POST',
    path: () => '/v1/providers',
    token: () => A.providerOwner.token,
    body: () => providerBody(),
    observe: () => read(op.token, '/v1/providers?limit=100'),
    okStatus: 201,
  },
  {
    name: 'POST /v1/providers/{providerId}/offerings',
    method: 'POST',
    path: () => `/v1/providers/${A.providerId}/offerings`,
    token: () => A.providerOwner.token,
    body: () => offeringBody({ capacityPerMonth: 0, serviceType: 'energy-monitoring' }),
    observe: () => read(op.token, `/v1/providers/${A.providerId}/offerings?limit=100`),
    okStatus: 201,
  },
  {
    name: 'PATCH /v1/offerings/{offeringId}',
    method: 'PATCH',
    path: () => `/v1/offerings/${A.offeringId}`,
    token: () => A.providerOwner.token,
    body: () => ({ title: 'Patched title' }),
    // ACTIVE/PAUSED is the provider's to set (api.md).
    allowed: ['status'],
    observe: async () => [await read(op.token, `/v1/offerings/${A.offeringId}`), await read(op.token, `/v1/offerings/${A.offeringId}/capacity`)],
    okStatus: 200,
  },
  {
    name: 'POST /v1/smes',
    method: 'POST',
    path: () => '/v1/smes',
    token: () => A.smeOwner.token,
    body: () => smeBody(),
    observe: () => read(op.token, '/v1/smes?limit=100'),
    okStatus: 201,
  },
  {
    name: 'POST /v1/smes/{smeId}/needs',
    method: 'POST',
    path: () => `/v1/smes/${A.smeId}/needs`,
    token: () => A.smeOwner.token,
    body: () => needBody({ serviceType: UNSERVED_MARKET }),
    observe: () => read(op.token, `/v1/smes/${A.smeId}/needs?limit=100`),
    okStatus: 201,
  },
  {
    name: 'POST /v1/matches/{matchId}/reject',
    method: 'POST',
    path: () => `/v1/matches/${toReject}/reject`,
    token: () => op.token,
    body: () => ({ reason: 'out of scope' }),
    observe: () => read(op.token, `/v1/matches/${toReject}`),
    okStatus: 200,
  },
  {
    name: 'POST /v1/matches/{matchId}/decline',
    method: 'POST',
    path: () => `/v1/matches/${toDecline}/decline`,
    token: () => A.smeOwner.token,
    body: () => ({ reason: 'changed our plans' }),
    observe: () => read(op.token, `/v1/matches/${toDecline}`),
    okStatus: 200,
  },
  {
    name: 'POST /v1/matches/{matchId}/feedback',
    method: 'POST',
    path: () => `/v1/matches/${toRate}/feedback`,
    token: () => A.smeOwner.token,
    body: () => ({ rating: 4 }),
    allowed: ['rating'],
    observe: async () => [await read(op.token, `/v1/matches/${toRate}`), await read(op.token, `/v1/providers/${A.providerId}`)],
    okStatus: 200,
  },
];

const PROBES = ENDPOINTS.flatMap((e) => FIELDS.filter((f) => !(e.allowed ?? []).includes(f)).map((f) => [e.name, f, e] as const));

function expectNamed(res: ApiResponse, field: string, at = 'body'): void {
  expectError(res, 400, 'VALIDATION_FAILED', at);
  // The field is the only problem, and it is named.
  expect(res.body.error.details).toEqual([{ path: at, message: expect.stringContaining(field) }]);
}

beforeAll(async () => {
  env = await startHttpEnv();
  op = await env.token('operator');
  A = await makeParty(env, 'energy-audit', 'GREEN_AUDIT_FIRM');
  B = await makeParty(env, 'industrial-design', 'INDUSTRIAL_DESIGN_CENTRE');
  const [r, d, f] = await proposedMatches(env, A, 3);
  toReject = r!.matchId;
  toDecline = d!.matchId;
  toRate = f!.matchId;
  const step = async (p: string, t: string) => {
    const res = await env.api('POST', p, { token: t });
    expect(res.status, `${p}: ${res.text}`).toBe(200);
  };
  await step(`/v1/matches/${toDecline}/approve`, op.token);
  await step(`/v1/matches/${toRate}/approve`, op.token);
  await step(`/v1/matches/${toRate}/accept`, A.smeOwner.token);
  await step(`/v1/matches/${toRate}/accept`, A.providerOwner.token);
  await step(`/v1/matches/${toRate}/deliver`, A.providerOwner.token);
  await step(`/v1/matches/${toRate}/confirm`, A.smeOwner.token);
  await env.idle();
});

afterAll(async () => {
  await env?.close();
});

describe('server-owned fields in a body', () => {
  it.each(PROBES)('%s carrying `%s` answers 400 VALIDATION_FAILED naming it, and writes nothing', async (_name, field, e) => {
    const before = await e.observe();
    const res = await env.api(e.method, e.path(), { token: e.token(), body: { ...e.body(), [field]: attack()[field] } });
    expectNamed(res, field);
    expect(await e.observe()).toEqual(before);
  });

  it('all of them at once are all named', async () => {
    const e = ENDPOINTS.find((x) => x.name === 'POST /v1/smes')!;
    const before = await e.observe();
    const res = await env.api('POST', '/v1/smes', { token: e.token(), body: { ...e.body(), ...attack() } });
    expectError(res, 400, 'VALIDATION_FAILED', 'body');
    const text = (res.body.error.details as { message: string }[]).map((d) => d.message).join(' ');
    for (const f of FIELDS) expect(text).toContain(f);
    expect(await e.observe()).toEqual(before);
  });

  it('nested objects refuse them too (region of an SME, eligibility of an offering)', async () => {
    const smes = await read(op.token, '/v1/smes?limit=100');
    expectNamed(
      await env.api('POST', '/v1/smes', { token: A.smeOwner.token, body: smeBody({ region: { province: 'CN-SC', ownerSub: B.smeOwner.sub } }) }),
      'ownerSub',
      'body.region',
    );
    expect(await read(op.token, '/v1/smes?limit=100')).toEqual(smes);

    const offerings = await read(op.token, `/v1/providers/${A.providerId}/offerings?limit=100`);
    expectNamed(
      await env.api('POST', `/v1/providers/${A.providerId}/offerings`, {
        token: A.providerOwner.token,
        body: offeringBody({ eligibility: { sizeClasses: ['SMALL'], used: 0 } }),
      }),
      'used',
      'body.eligibility',
    );
    expectNamed(
      await env.api('PATCH', `/v1/offerings/${A.offeringId}`, { token: A.providerOwner.token, body: { eligibility: { tiers: ['NONE'], status: 'ACTIVE' } } }),
      'status',
      'body.eligibility',
    );
    expect(await read(op.token, `/v1/providers/${A.providerId}/offerings?limit=100`)).toEqual(offerings);
  });

  it('a status outside ACTIVE/PAUSED on PATCH /v1/offerings is refused as a bad value', async () => {
    const before = await read(op.token, `/v1/offerings/${A.offeringId}`);
    const res = await env.api('PATCH', `/v1/offerings/${A.offeringId}`, { token: A.providerOwner.token, body: { status: 'DELETED' } });
    expectError(res, 400, 'VALIDATION_FAILED', 'body.status');
    expect(await read(op.token, `/v1/offerings/${A.offeringId}`)).toEqual(before);
  });
});

describe('the same bodies without the server-owned field are accepted (the probes fail for the field alone)', () => {
  it.each(ENDPOINTS.map((e) => [e.name, e] as const))('%s', async (_name, e) => {
    const res = await env.api(e.method, e.path(), { token: e.token(), body: e.body() });
    expect(res.status, res.text).toBe(e.okStatus);
  });

  it('what was created carries the server\'s values, not anything a caller chose', async () => {
    const sme = await env.api('POST', '/v1/smes', { token: A.smeOwner.token, body: smeBody() });
    expect(sme.body.ownerSub).toBe(A.smeOwner.sub);
    const need = await env.api('POST', `/v1/smes/${A.smeId}/needs`, { token: A.smeOwner.token, body: needBody({ serviceType: UNSERVED_MARKET }) });
    expect(need.body).toMatchObject({ status: 'WAITING', smeId: A.smeId });
    const offering = await env.api('POST', `/v1/providers/${A.providerId}/offerings`, { token: A.providerOwner.token, body: offeringBody({ capacityPerMonth: 0 }) });
    expect(offering.body).toMatchObject({ status: 'ACTIVE', providerId: A.providerId });
    const provider = await env.api('GET', `/v1/providers/${A.providerId}`, { token: A.providerOwner.token });
    // Only the feedback of the control above (4) rated it.
    expect(provider.body).toMatchObject({ ownerSub: A.providerOwner.sub, rating: 4, ratingCount: 1 });
  });
});

describe('prototype keys', () => {
  it('a `__proto__` key carrying ownerSub is refused as an unknown field, and writes nothing', async () => {
    const before = await read(op.token, '/v1/smes?limit=100');
    const raw = JSON.stringify(smeBody()).replace('{', `{"__proto__":{"ownerSub":"${B.smeOwner.sub}"},`);
    const res = await env.api('POST', '/v1/smes', { token: A.smeOwner.token, rawBody: raw, headers: { 'content-type': 'application/json' } });
    expectNamed(res, '__proto__');
    expect(await read(op.token, '/v1/smes?limit=100')).toEqual(before);
  });
});
