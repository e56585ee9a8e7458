/**
 * The authorization matrix over real HTTP: six actors (SME A, SME B,
 * provider A, provider B, an operator, anonymous) against every route, on
 * A's and on B's records. Each row of EXPECTED states, per actor, the status
 * that route answers on that record: 2xx where the group may call it and the
 * record is the caller's (or the caller is an operator reading), 404 for
 * another owner's record, 403 for a group that may not call the route, 401
 * without a token. Writes run their refused cells first and check that the
 * owner's records did not change, then their allowed cells; match writes
 * follow the lifecycle (approve, accept, complete, feedback).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '#functions/http/routes.ts';
import {
  CODE_OF,
  UNSERVED_MARKET,
  expectError,
  fill,
  makeParty,
  needBody,
  offeringBody,
  proposedMatches,
  providerBody,
  routeKey,
  smeBody,
  startHttpEnv,
  type ApiResponse,
  type HttpEnv,
  type Party,
  type Token,
} from '#tests/support/http.ts';

type Owner = 'A' | 'B';
type Status = 200 | 201 | 401 | 403 | 404;
const ACTORS = ['smeA', 'smeB', 'provA', 'provB', 'op', 'anon'] as const;
type ActorName = (typeof ACTORS)[number];
type Row = [route: string, owner: Owner | '-', smeA: Status, smeB: Status, provA: Status, provB: Status, op: Status, anon: Status];

// prettier-ignore
const EXPECTED: Row[] = [
  // route                                        owner  smeA smeB provA provB  op  anon
  // ---------------------------------------------------------------- reads
  ['GET /health',                                  '-',  200, 200, 200, 200, 200, 200],
  ['GET /v1/catalog',                              '-',  200, 200, 200, 200, 200, 200],
  ['GET /openapi.json',                            '-',  200, 200, 200, 200, 200, 200],
  ['GET /v1/providers',                            '-',  403, 403, 200, 200, 200, 401],
  ['GET /v1/providers/{providerId}',               'A',  403, 403, 200, 404, 200, 401],
  ['GET /v1/providers/{providerId}',               'B',  403, 403, 404, 200, 200, 401],
  ['GET /v1/providers/{providerId}/offerings',     'A',  403, 403, 200, 404, 200, 401],
  ['GET /v1/providers/{providerId}/offerings',     'B',  403, 403, 404, 200, 200, 401],
  ['GET /v1/providers/{providerId}/matches',       'A',  403, 403, 200, 404, 200, 401],
  ['GET /v1/providers/{providerId}/matches',       'B',  403, 403, 404, 200, 200, 401],
  ['GET /v1/offerings/{offeringId}',               'A',  403, 403, 200, 404, 200, 401],
  ['GET /v1/offerings/{offeringId}',               'B',  403, 403, 404, 200, 200, 401],
  ['GET /v1/offerings/{offeringId}/capacity',      'A',  403, 403, 200, 404, 200, 401],
  ['GET /v1/offerings/{offeringId}/capacity',      'B',  403, 403, 404, 200, 200, 401],
  ['GET /v1/smes',                                 '-',  200, 200, 403, 403, 200, 401],
  ['GET /v1/smes/{smeId}',                         'A',  200, 404, 403, 403, 200, 401],
  ['GET /v1/smes/{smeId}',                         'B',  404, 200, 403, 403, 200, 401],
  ['GET /v1/smes/{smeId}/needs',                   'A',  200, 404, 403, 403, 200, 401],
  ['GET /v1/smes/{smeId}/needs',                   'B',  404, 200, 403, 403, 200, 401],
  ['GET /v1/smes/{smeId}/matches',                 'A',  200, 404, 403, 403, 200, 401],
  ['GET /v1/smes/{smeId}/matches',                 'B',  404, 200, 403, 403, 200, 401],
  ['GET /v1/needs/{needId}',                       'A',  200, 404, 403, 403, 200, 401],
  ['GET /v1/needs/{needId}',                       'B',  404, 200, 403, 403, 200, 401],
  ['GET /v1/needs/{needId}/matches',               'A',  200, 404, 403, 403, 200, 401],
  ['GET /v1/needs/{needId}/matches',               'B',  404, 200, 403, 403, 200, 401],
  ['GET /v1/matches',                              '-',  403, 403, 403, 403, 200, 401],
  ['GET /v1/matches/{matchId}',                    'A',  200, 404, 200, 404, 200, 401],
  ['GET /v1/matches/{matchId}',                    'B',  404, 200, 404, 200, 200, 401],
  ['GET /v1/inbox',                                '-',  200, 200, 200, 200, 200, 401],
  ['GET /v1/analytics/markets',                    '-',  403, 403, 403, 403, 200, 401],
  // ---------------------------------------------------------------- writes (refusals first, then the 2xx cells)
  ['POST /v1/providers',                           '-',  403, 403, 201, 201, 403, 401],
  ['POST /v1/providers/{providerId}/offerings',    'A',  403, 403, 201, 404, 403, 401],
  ['POST /v1/providers/{providerId}/offerings',    'B',  403, 403, 404, 201, 403, 401],
  ['PATCH /v1/offerings/{offeringId}',             'A',  403, 403, 200, 404, 403, 401],
  ['PATCH /v1/offerings/{offeringId}',             'B',  403, 403, 404, 200, 403, 401],
  ['POST /v1/smes',                                '-',  201, 201, 403, 403, 403, 401],
  ['POST /v1/smes/{smeId}/needs',                  'A',  201, 404, 403, 403, 403, 401],
  ['POST /v1/smes/{smeId}/needs',                  'B',  404, 201, 403, 403, 403, 401],
  ['POST /v1/needs/{needId}/withdraw',             'A',  200, 404, 403, 403, 403, 401],
  ['POST /v1/needs/{needId}/withdraw',             'B',  404, 200, 403, 403, 403, 401],
  ['POST /v1/matches/{matchId}/approve',           'A',  403, 403, 403, 403, 200, 401],
  ['POST /v1/matches/{matchId}/approve',           'B',  403, 403, 403, 403, 200, 401],
  ['POST /v1/matches/{matchId}/accept',            'A',  200, 404, 200, 404, 403, 401],
  ['POST /v1/matches/{matchId}/accept',            'B',  404, 200, 404, 200, 403, 401],
  ['POST /v1/matches/{matchId}/complete',          'A',  403, 403, 200, 404, 403, 401],
  ['POST /v1/matches/{matchId}/complete',          'B',  403, 403, 404, 200, 403, 401],
  ['POST /v1/matches/{matchId}/feedback',          'A',  200, 404, 403, 403, 403, 401],
  ['POST /v1/matches/{matchId}/feedback',          'B',  404, 200, 403, 403, 403, 401],
  ['POST /v1/matches/{matchId}/reject',            'A',  403, 403, 403, 403, 200, 401],
  ['POST /v1/matches/{matchId}/reject',            'B',  403, 403, 403, 403, 200, 401],
  ['POST /v1/matches/{matchId}/decline',           'A',  200, 404, 200, 404, 403, 401],
  ['POST /v1/matches/{matchId}/decline',           'B',  404, 200, 404, 200, 403, 401],
  ['POST /v1/inbox/{notificationId}/read',         'A',  200, 404, 200, 404, 404, 401],
  ['POST /v1/inbox/{notificationId}/read',         'B',  404, 200, 404, 200, 404, 401],
];

/** The records of one owner the rows act on. */
interface Fixture {
  party: Party;
  /** A PROPOSED match (and its need) that only reads touch. */
  readMatchId: string;
  readNeedId: string;
  /** PROPOSED; approved, accepted, completed and rated by the rows, in that order. */
  chainMatchId: string;
  /** PROPOSED; rejected by its row. */
  rejectMatchId: string;
  /** APPROVED; declined by the SME's cell, and by the provider's cell. */
  declineBySmeMatchId: string;
  declineByProviderMatchId: string;
  /** WAITING in a market nobody serves; withdrawn by its row. */
  withdrawNeedId: string;
  smeNotificationId: string;
  providerNotificationId: string;
}

let env: HttpEnv;
let op: Token;
const fx = {} as Record<Owner, Fixture>;
const tokens = {} as Record<Exclude<ActorName, 'anon'>, Token>;

const isProvider = (a: ActorName) => a === 'provA' || a === 'provB';

/** The value of each path parameter of `route` for a row on `owner`'s records, as `actor` sends it. */
function paramsFor(route: string, owner: Owner, actor: ActorName): Record<string, string> {
  const f = fx[owner];
  const [method, p] = route.split(' ') as [string, string];
  let matchId = f.readMatchId;
  if (method === 'POST' && p.startsWith('/v1/matches/')) {
    if (p.endsWith('/reject')) matchId = f.rejectMatchId;
    else if (p.endsWith('/decline')) matchId = isProvider(actor) ? f.declineByProviderMatchId : f.declineBySmeMatchId;
    else matchId = f.chainMatchId;
  }
  return {
    providerId: f.party.providerId,
    offeringId: f.party.offeringId,
    smeId: f.party.smeId,
    needId: route === 'POST /v1/needs/{needId}/withdraw' ? f.withdrawNeedId : f.readNeedId,
    matchId,
    notificationId: isProvider(actor) ? f.providerNotificationId : f.smeNotificationId,
  };
}

/** A valid body for the route (so a refusal is about who calls, not about what is sent). */
function bodyFor(route: string, owner: Owner | '-'): unknown {
  const market = owner === '-' ? 'energy-audit' : fx[owner].party.serviceType;
  switch (route) {
    case 'POST /v1/providers':
      return providerBody({ name: 'Registered by the matrix' });
    case 'POST /v1/providers/{providerId}/offerings':
      // No capacity: it never takes part in a match.
      return offeringBody({ serviceType: market, capacityPerMonth: 0, title: 'Added by the matrix' });
    case 'PATCH /v1/offerings/{offeringId}':
      return { title: 'Renamed by the matrix' };
    case 'POST /v1/smes':
      return smeBody({ name: 'Registered by the matrix' });
    case 'POST /v1/smes/{smeId}/needs':
      return needBody({ serviceType: UNSERVED_MARKET, description: 'Posted by the matrix' });
    case 'POST /v1/matches/{matchId}/reject':
      return { reason: 'rejected by the matrix' };
    case 'POST /v1/matches/{matchId}/decline':
      return { reason: 'declined by the matrix' };
    case 'POST /v1/matches/{matchId}/feedback':
      return { rating: 5 };
    default:
      return undefined;
  }
}

async function send(route: string, owner: Owner | '-', actor: ActorName): Promise<ApiResponse> {
  const [method, p] = route.split(' ') as [string, string];
  // The analytics of one market: the whole catalog's is slow to compute and proves nothing more here.
  const query = route === 'GET /v1/analytics/markets' ? '?serviceType=energy-audit' : '';
  const url = (owner === '-' ? p : fill(p, paramsFor(route, owner, actor))) + query;
  const body = bodyFor(route, owner);
  return env.api(method, url, {
    ...(actor === 'anon' ? {} : { token: tokens[actor].token }),
    ...(body === undefined ? {} : { body }),
  });
}

/** Everything of one owner a write could change, read by the owner and an operator. */
async function ownerState(owner: Owner | '-') {
  await env.idle();
  const get = async (token: string, p: string) => {
    const res = await env.api('GET', p, { token });
    expect(res.status, `${p}: ${res.text}`).toBe(200);
    return res.body;
  };
  if (owner === '-') {
    const [providers, smes] = await Promise.all([get(op.token, '/v1/providers?limit=100'), get(op.token, '/v1/smes?limit=100')]);
    return { providers, smes };
  }
  const { party } = fx[owner];
  const reads = await Promise.all([
    get(op.token, `/v1/providers/${party.providerId}`),
    get(op.token, `/v1/providers/${party.providerId}/offerings?limit=100`),
    get(op.token, `/v1/offerings/${party.offeringId}/capacity`),
    get(op.token, `/v1/smes/${party.smeId}`),
    get(op.token, `/v1/smes/${party.smeId}/needs?limit=100`),
    get(op.token, `/v1/smes/${party.smeId}/matches?limit=100`),
    get(party.smeOwner.token, '/v1/inbox?limit=100'),
    get(party.providerOwner.token, '/v1/inbox?limit=100'),
  ]);
  return reads;
}

beforeAll(async () => {
  env = await startHttpEnv();
  op = await env.token('operator');
  const A = await makeParty(env, 'energy-audit', 'GREEN_AUDIT_FIRM');
  const B = await makeParty(env, 'industrial-design', 'INDUSTRIAL_DESIGN_CENTRE');
  Object.assign(tokens, { smeA: A.smeOwner, smeB: B.smeOwner, provA: A.providerOwner, provB: B.providerOwner, op });

  for (const [owner, party] of [['A', A], ['B', B]] as const) {
    const [read, chain, reject, declineBySme, declineByProvider] = await proposedMatches(env, party, 5);
    for (const m of [declineBySme!, declineByProvider!]) {
      const res = await env.api('POST', `/v1/matches/${m.matchId}/approve`, { token: op.token });
      expect(res.status, res.text).toBe(200);
    }
    const withdraw = await env.api('POST', `/v1/smes/${party.smeId}/needs`, {
      token: party.smeOwner.token,
      body: needBody({ serviceType: UNSERVED_MARKET, description: 'to be withdrawn' }),
    });
    expect(withdraw.status).toBe(201);
    await env.idle();
    // The approvals told both parties.
    const note = async (t: Token) => {
      const inbox = await env.api('GET', '/v1/inbox', { token: t.token });
      expect(inbox.body.items.length, inbox.text).toBeGreaterThan(0);
      return inbox.body.items[0].id as string;
    };
    fx[owner] = {
      party,
      readMatchId: read!.matchId,
      readNeedId: read!.needId,
      chainMatchId: chain!.matchId,
      rejectMatchId: reject!.matchId,
      declineBySmeMatchId: declineBySme!.matchId,
      declineByProviderMatchId: declineByProvider!.matchId,
      withdrawNeedId: withdraw.body.id,
      smeNotificationId: await note(party.smeOwner),
      providerNotificationId: await note(party.providerOwner),
    };
  }
});

afterAll(async () => {
  await env?.close();
});

describe('the authorization matrix', () => {
  it('has a row for every route of routes.ts: collections once, records once per owner', () => {
    for (const r of HTTP_ROUTES) {
      const key = routeKey(r);
      const owners = EXPECTED.filter((row) => row[0] === key).map((row) => row[1]);
      expect(owners.sort(), key).toEqual(r.path.includes('{') ? ['A', 'B'] : ['-']);
    }
    expect(EXPECTED.length).toBe(HTTP_ROUTES.filter((r) => !r.path.includes('{')).length + 2 * HTTP_ROUTES.filter((r) => r.path.includes('{')).length);
  });

  it.each(EXPECTED)('%s on the records of %s answers smeA %i, smeB %i, provA %i, provB %i, operator %i, anonymous %i', async (route, owner, ...statuses) => {
    const expected = Object.fromEntries(ACTORS.map((a, i) => [a, statuses[i]!])) as Record<ActorName, Status>;
    const write = !route.startsWith('GET ');
    const refusedFirst = write
      ? [...ACTORS.filter((a) => expected[a] >= 400), ...ACTORS.filter((a) => expected[a] < 400)]
      : [...ACTORS];

    const got = {} as Record<ActorName, number>;
    const responses = {} as Record<ActorName, ApiResponse>;
    const before = write ? await ownerState(owner) : undefined;
    let checkedUnchanged = false;
    for (const actor of refusedFirst) {
      if (write && expected[actor] < 400 && !checkedUnchanged) {
        expect(await ownerState(owner), `refused calls of ${route} changed ${owner}'s records`).toEqual(before);
        checkedUnchanged = true;
      }
      responses[actor] = await send(route, owner, actor);
      got[actor] = responses[actor].status;
      if (write && expected[actor] < 400) await env.idle();
    }
    if (write && !checkedUnchanged) expect(await ownerState(owner), `refused calls of ${route} changed ${owner}'s records`).toEqual(before);

    expect(got).toEqual(expected);
    for (const actor of ACTORS) {
      const res = responses[actor];
      if (expected[actor] >= 400) expectError(res, expected[actor], CODE_OF[expected[actor]]!);
      else if (owner !== '-' && /\}$/.test(route) && route.startsWith('GET ')) {
        // A record read answers that very record.
        const param = /\{(\w+)\}$/.exec(route)![1]!;
        expect(res.body.id).toBe(paramsFor(route, owner, actor)[param]);
      }
    }
  });
});

describe('the OpenAPI document', () => {
  it('names, for every route, exactly the groups the matrix lets through (x-groups)', async () => {
    const doc = (await env.api('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { 'x-groups'?: string[] }>> };
    for (const r of HTTP_ROUTES.filter((x) => x.auth === 'jwt')) {
      const rows = EXPECTED.filter((row) => row[0] === routeKey(r));
      const passes = (cols: number[]) => rows.some((row) => cols.some((c) => row[c] !== 403));
      const groups = [
        ...(passes([2, 3]) ? ['sme'] : []),
        ...(passes([4, 5]) ? ['provider'] : []),
        ...(passes([6]) ? ['operator'] : []),
      ];
      expect([...(doc.paths[r.path]![r.method.toLowerCase()]!['x-groups'] ?? [])].sort(), routeKey(r)).toEqual(groups.sort());
    }
  });
});

describe('lists never show another owner\'s records', () => {
  const ids = (res: ApiResponse) => (res.body.items as { id: string }[]).map((x) => x.id);

  it('GET /v1/providers and GET /v1/smes answer only the caller\'s own; operators see both owners', async () => {
    for (const [owner, other] of [['A', 'B'], ['B', 'A']] as const) {
      const { party } = fx[owner];
      const providers = await env.api('GET', '/v1/providers?limit=100', { token: party.providerOwner.token });
      expect(ids(providers)).toContain(party.providerId);
      expect(ids(providers)).not.toContain(fx[other].party.providerId);
      expect(providers.body.items.every((p: { ownerSub: string }) => p.ownerSub === party.providerOwner.sub)).toBe(true);
      const smes = await env.api('GET', '/v1/smes?limit=100', { token: party.smeOwner.token });
      expect(ids(smes)).toContain(party.smeId);
      expect(ids(smes)).not.toContain(fx[other].party.smeId);
      expect(smes.body.items.every((s: { ownerSub: string }) => s.ownerSub === party.smeOwner.sub)).toBe(true);
    }
    expect(ids(await env.api('GET', '/v1/providers?limit=100', { token: op.token }))).toEqual(
      expect.arrayContaining([fx.A.party.providerId, fx.B.party.providerId]),
    );
    expect(ids(await env.api('GET', '/v1/smes?limit=100', { token: op.token }))).toEqual(expect.arrayContaining([fx.A.party.smeId, fx.B.party.smeId]));
  });

  it('each party\'s inbox holds notifications about its own matches only', async () => {
    for (const owner of ['A', 'B'] as const) {
      const { party } = fx[owner];
      const own = new Set(ids(await env.api('GET', `/v1/smes/${party.smeId}/matches?limit=100`, { token: op.token })));
      for (const t of [party.smeOwner, party.providerOwner]) {
        const inbox = await env.api('GET', '/v1/inbox?limit=100', { token: t.token });
        expect(inbox.body.items.length).toBeGreaterThan(0);
        for (const n of inbox.body.items as { matchId: string }[]) expect(own.has(n.matchId), n.matchId).toBe(true);
      }
    }
  });

  it('the match lists of a provider and an SME hold only their own matches', async () => {
    for (const owner of ['A', 'B'] as const) {
      const { party } = fx[owner];
      const byProvider = await env.api('GET', `/v1/providers/${party.providerId}/matches?limit=100`, { token: party.providerOwner.token });
      expect(byProvider.body.items.length).toBeGreaterThan(0);
      expect(byProvider.body.items.every((m: { providerId: string }) => m.providerId === party.providerId)).toBe(true);
      const bySme = await env.api('GET', `/v1/smes/${party.smeId}/matches?limit=100`, { token: party.smeOwner.token });
      expect(bySme.body.items.every((m: { smeId: string }) => m.smeId === party.smeId)).toBe(true);
    }
  });

  it('the writes of the matrix happened to the owners\' own records', async () => {
    const match = async (id: string) => (await env.api('GET', `/v1/matches/${id}`, { token: op.token })).body;
    for (const owner of ['A', 'B'] as const) {
      const f = fx[owner];
      const chain = await match(f.chainMatchId);
      expect(chain.status).toBe('COMPLETED');
      expect(chain.feedback.rating).toBe(5);
      expect(chain.history.map((h: { by: string }) => h.by)).toEqual(['system', 'operator', 'sme', 'provider', 'provider']);
      expect((await match(f.rejectMatchId)).status).toBe('REJECTED');
      expect((await match(f.declineBySmeMatchId)).history.at(-1)).toMatchObject({ status: 'DECLINED', by: 'sme' });
      expect((await match(f.declineByProviderMatchId)).history.at(-1)).toMatchObject({ status: 'DECLINED', by: 'provider' });
      expect((await match(f.readMatchId)).status).toBe('PROPOSED');
      const withdrawn = await env.api('GET', `/v1/needs/${f.withdrawNeedId}`, { token: f.party.smeOwner.token });
      expect(withdrawn.body.status).toBe('WITHDRAWN');
      const offering = await env.api('GET', `/v1/offerings/${f.party.offeringId}`, { token: f.party.providerOwner.token });
      expect(offering.body.title).toBe('Renamed by the matrix');
      const provider = await env.api('GET', `/v1/providers/${f.party.providerId}`, { token: f.party.providerOwner.token });
      expect(provider.body).toMatchObject({ rating: 5, ratingCount: 1 });
    }
  });
});
