/**
 * The authorization matrix over real HTTP: six actors (SME A, SME B,
 * provider A, provider B, an operator, anonymous) against every route, on
 * A's and on B's records. Each row of EXPECTED states, per actor, the status
 * that route answers on that record: 2xx where the group may call it and the
 * record is the caller's (or the caller is an operator reading), 404 for
 * another owner's record, 403 for a group that may not call the route, 401
 * without a token. Writes run their refused cells first and check that the
 * owner's records did not change, then their allowed cells; match writes
 * follow the lifecycle (approve, accept, deliver, confirm, feedback; a
 * delivered match of its own is disputed and resolved). Then the contact
 * rule: a party sees the other's contact only from CONFIRMED on, a third
 * party never.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUscc } from '#domain/uscc.ts';
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
/** Set on each owner's SME and provider by their PATCH rows; the contact rule's test looks for them. */
const SME_CONTACT = { name: '矩阵联系人', phone: '13800138000' };
const PROVIDER_CONTACT = { name: 'Matrix Contact', email: 'matrix@example.cn' };
type Status = 200 | 201 | 202 | 401 | 403 | 404;
const ACTORS = ['smeA', 'smeB', 'provA', 'provB', 'op', 'anon'] as const;
type ActorName = (typeof ACTORS)[number];
type Row = [route: string, owner: Owner | '-', smeA: Status, smeB: Status, provA: Status, provB: Status, op: Status, anon: Status];

// prettier-ignore
const EXPECTED: Row[] = [
  // route                                        owner  smeA smeB provA provB  op  anon
  // ---------------------------------------------------------------- reads
  ['GET /health',                                  '-',  200, 200, 200, 200, 200, 200],
  ['GET /v1/catalog',                              '-',  200, 200, 200, 200, 200, 200],
  ['GET /v1/regions',                              '-',  200, 200, 200, 200, 200, 200],
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
  ['GET /v1/needs',                                '-',  403, 403, 403, 403, 200, 401],
  ['GET /v1/matches',                              '-',  403, 403, 403, 403, 200, 401],
  ['GET /v1/matches/{matchId}',                    'A',  200, 404, 200, 404, 200, 401],
  ['GET /v1/matches/{matchId}',                    'B',  404, 200, 404, 200, 200, 401],
  ['GET /v1/inbox',                                '-',  200, 200, 200, 200, 200, 401],
  ['GET /v1/analytics/markets',                    '-',  403, 403, 403, 403, 200, 401],
  ['GET /v1/analytics/kpis',                       '-',  403, 403, 403, 403, 200, 401],
  ['GET /v1/voucher-programmes',                   '-',  403, 403, 403, 403, 200, 401],
  ['GET /v1/voucher-programmes/{programmeId}',     'A',  403, 403, 403, 403, 200, 401],
  ['GET /v1/voucher-programmes/{programmeId}',     'B',  403, 403, 403, 403, 200, 401],
  ['GET /v1/smes/{smeId}/vouchers',                'A',  200, 404, 403, 403, 200, 401],
  ['GET /v1/smes/{smeId}/vouchers',                'B',  404, 200, 403, 403, 200, 401],
  ['GET /v1/providers/{providerId}/settlements',   'A',  403, 403, 200, 404, 200, 401],
  ['GET /v1/providers/{providerId}/settlements',   'B',  403, 403, 404, 200, 200, 401],
  ['GET /v1/imports/{importId}',                   'A',  403, 403, 403, 403, 200, 401],
  ['GET /v1/imports/{importId}',                   'B',  403, 403, 403, 403, 200, 401],
  // ---------------------------------------------------------------- writes (refusals first, then the 2xx cells)
  ['POST /v1/providers',                           '-',  403, 403, 201, 201, 403, 401],
  ['POST /v1/providers/{providerId}/approve',      'A',  403, 403, 403, 403, 200, 401],
  ['POST /v1/providers/{providerId}/approve',      'B',  403, 403, 403, 403, 200, 401],
  ['POST /v1/providers/{providerId}/reject',       'A',  403, 403, 403, 403, 200, 401],
  ['POST /v1/providers/{providerId}/reject',       'B',  403, 403, 403, 403, 200, 401],
  ['POST /v1/providers/{providerId}/certifications', 'A', 403, 403, 403, 403, 200, 401],
  ['POST /v1/providers/{providerId}/certifications', 'B', 403, 403, 403, 403, 200, 401],
  ['POST /v1/providers/{providerId}/suspend',      'A',  403, 403, 403, 403, 200, 401],
  ['POST /v1/providers/{providerId}/suspend',      'B',  403, 403, 403, 403, 200, 401],
  ['POST /v1/providers/{providerId}/reinstate',    'A',  403, 403, 403, 403, 200, 401],
  ['POST /v1/providers/{providerId}/reinstate',    'B',  403, 403, 403, 403, 200, 401],
  ['POST /v1/registers/tiers',                     '-',  403, 403, 403, 403, 202, 401],
  ['POST /v1/registers/providers',                 '-',  403, 403, 403, 403, 202, 401],
  ['POST /v1/voucher-programmes',                  '-',  403, 403, 403, 403, 201, 401],
  ['POST /v1/voucher-programmes/{programmeId}/vouchers', 'A', 403, 403, 403, 403, 201, 401],
  ['POST /v1/voucher-programmes/{programmeId}/vouchers', 'B', 403, 403, 403, 403, 201, 401],
  ['POST /v1/providers/{providerId}/offerings',    'A',  403, 403, 201, 404, 403, 401],
  ['POST /v1/providers/{providerId}/offerings',    'B',  403, 403, 404, 201, 403, 401],
  ['PATCH /v1/offerings/{offeringId}',             'A',  403, 403, 200, 404, 403, 401],
  ['PATCH /v1/offerings/{offeringId}',             'B',  403, 403, 404, 200, 403, 401],
  ['POST /v1/smes',                                '-',  201, 201, 403, 403, 403, 401],
  ['POST /v1/smes/{smeId}/needs',                  'A',  201, 404, 403, 403, 403, 401],
  ['POST /v1/smes/{smeId}/needs',                  'B',  404, 201, 403, 403, 403, 401],
  ['PATCH /v1/smes/{smeId}',                       'A',  200, 404, 403, 403, 403, 401],
  ['PATCH /v1/smes/{smeId}',                       'B',  404, 200, 403, 403, 403, 401],
  ['PATCH /v1/providers/{providerId}',             'A',  403, 403, 200, 404, 403, 401],
  ['PATCH /v1/providers/{providerId}',             'B',  403, 403, 404, 200, 403, 401],
  ['PATCH /v1/smes/{smeId}/verification',         'A',  403, 403, 403, 403, 200, 401],
  ['PATCH /v1/smes/{smeId}/verification',         'B',  403, 403, 403, 403, 200, 401],
  ['POST /v1/smes/{smeId}/suspend',                'A',  403, 403, 403, 403, 200, 401],
  ['POST /v1/smes/{smeId}/suspend',                'B',  403, 403, 403, 403, 200, 401],
  ['POST /v1/smes/{smeId}/reinstate',              'A',  403, 403, 403, 403, 200, 401],
  ['POST /v1/smes/{smeId}/reinstate',              'B',  403, 403, 403, 403, 200, 401],
  ['POST /v1/needs/{needId}/withdraw',             'A',  200, 404, 403, 403, 403, 401],
  ['POST /v1/needs/{needId}/withdraw',             'B',  404, 200, 403, 403, 403, 401],
  ['POST /v1/matches/{matchId}/approve',           'A',  403, 403, 403, 403, 200, 401],
  ['POST /v1/matches/{matchId}/approve',           'B',  403, 403, 403, 403, 200, 401],
  ['POST /v1/matches/{matchId}/accept',            'A',  200, 404, 200, 404, 403, 401],
  ['POST /v1/matches/{matchId}/accept',            'B',  404, 200, 404, 200, 403, 401],
  ['POST /v1/matches/{matchId}/deliver',           'A',  403, 403, 200, 404, 403, 401],
  ['POST /v1/matches/{matchId}/deliver',           'B',  403, 403, 404, 200, 403, 401],
  ['POST /v1/matches/{matchId}/confirm',           'A',  200, 404, 403, 403, 403, 401],
  ['POST /v1/matches/{matchId}/confirm',           'B',  404, 200, 403, 403, 403, 401],
  ['POST /v1/matches/{matchId}/dispute',           'A',  200, 404, 403, 403, 403, 401],
  ['POST /v1/matches/{matchId}/dispute',           'B',  404, 200, 403, 403, 403, 401],
  ['POST /v1/matches/{matchId}/resolve',           'A',  403, 403, 403, 403, 200, 401],
  ['POST /v1/matches/{matchId}/resolve',           'B',  403, 403, 403, 403, 200, 401],
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
  /** PROPOSED; approved, accepted, delivered, confirmed and rated by the rows, in that order. */
  chainMatchId: string;
  /** DELIVERED; disputed and resolved by the rows. */
  disputeMatchId: string;
  /** PROPOSED; rejected by its row. */
  rejectMatchId: string;
  /** APPROVED; declined by the SME's cell, and by the provider's cell. */
  declineBySmeMatchId: string;
  declineByProviderMatchId: string;
  /** WAITING in a market nobody serves; withdrawn by its row. */
  withdrawNeedId: string;
  /** A second SME of the owner, without needs: the operator's verification, suspension and reinstatement rows act on it. */
  holdSmeId: string;
  /** Two more providers of the owner, PENDING: one approved, suspended and reinstated by the rows, one rejected. */
  holdProviderId: string;
  rejectProviderId: string;
  /** A tier register import an operator ran, read by its row. */
  importId: string;
  /** A voucher programme an operator made: read by its rows, and issuing to holdSmeId. */
  programmeId: string;
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
    else if (p.endsWith('/dispute') || p.endsWith('/resolve')) matchId = f.disputeMatchId;
    else matchId = f.chainMatchId;
  }
  // Holds act on an SME of their own, so a suspension cancels none of the matches other rows use.
  const hold = /^(PATCH|POST) \/v1\/smes\/\{smeId\}\/(verification|suspend|reinstate)$/.test(route);
  // Onboarding and holds act on providers of their own, so no row's match is cancelled by a suspension.
  const providerHold = /^POST \/v1\/providers\/\{providerId\}\/(approve|suspend|reinstate)$/.test(route);
  const providerReject = route === 'POST /v1/providers/{providerId}/reject';
  return {
    providerId: providerHold ? f.holdProviderId : providerReject ? f.rejectProviderId : f.party.providerId,
    importId: f.importId,
    programmeId: f.programmeId,
    offeringId: f.party.offeringId,
    smeId: hold ? f.holdSmeId : f.party.smeId,
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
    case 'PATCH /v1/smes/{smeId}/verification':
      return { tier: 'INNOVATIVE', tierValidUntil: '2030-12-31', note: 'verified by the matrix' };
    case 'POST /v1/smes/{smeId}/suspend':
    case 'POST /v1/providers/{providerId}/suspend':
      return { reason: 'suspended by the matrix' };
    case 'POST /v1/providers/{providerId}/reject':
      return { reason: 'rejected by the matrix' };
    case 'POST /v1/providers/{providerId}/certifications':
      return { certifications: [{ type: 'CMA', number: '211912345678', validUntil: '2030-12-31' }] };
    case 'POST /v1/matches/{matchId}/reject':
      return { reason: 'rejected by the matrix' };
    case 'POST /v1/matches/{matchId}/decline':
      return { reason: 'declined by the matrix' };
    case 'POST /v1/matches/{matchId}/feedback':
      return { rating: 5 };
    case 'POST /v1/matches/{matchId}/dispute':
      return { reason: 'disputed by the matrix' };
    case 'POST /v1/matches/{matchId}/resolve':
      return { outcome: 'COMPLETED', note: 'resolved by the matrix' };
    case 'PATCH /v1/smes/{smeId}':
      return { contact: SME_CONTACT };
    case 'PATCH /v1/providers/{providerId}':
      return { contact: PROVIDER_CONTACT };
    case 'POST /v1/voucher-programmes':
      return { name: '矩阵服务券', serviceTypes: [market], budget: 100_000, faceValue: 1_000, validUntil: '2099-12-31' };
    case 'POST /v1/voucher-programmes/{programmeId}/vouchers':
      return { smeId: fx[owner as Owner].holdSmeId };
    default:
      return undefined;
  }
}

/** The register routes take CSV: a one-row file, new at every call (a file already imported would answer its first import). */
let registerSerial = 70_000_000 + Math.floor(Math.random() * 1_000_000);
function csvFor(route: string): string | undefined {
  if (route === 'POST /v1/registers/tiers') return `uscc,name,tier,batch,validUntil\n${makeUscc('CN-SC', registerSerial++)},矩阵企业,INNOVATIVE,,2030-12-31\n`;
  if (route === 'POST /v1/registers/providers') {
    return `uscc,name,kind,regions,languages,contactName,contactEmail,ownerSub\n${makeUscc('CN-SC', registerSerial++)},矩阵机构,LEGAL_AID_ORGANISATION,CN-SC,zh-CN,周,zhou@example.cn,\n`;
  }
  return undefined;
}

async function send(route: string, owner: Owner | '-', actor: ActorName): Promise<ApiResponse> {
  const [method, p] = route.split(' ') as [string, string];
  // The analytics of one market: the whole catalog's is slow to compute and proves nothing more here.
  const query =
    route === 'GET /v1/analytics/markets'
      ? '?serviceType=energy-audit'
      : route === 'GET /v1/needs'
        ? '?status=WAITING'
        : route === 'GET /v1/providers/{providerId}/settlements'
          ? '?period=2030-01'
          : '';
  const url = (owner === '-' ? p : fill(p, paramsFor(route, owner, actor))) + query;
  const body = bodyFor(route, owner);
  const csvBody = csvFor(route);
  return env.api(method, url, {
    ...(actor === 'anon' ? {} : { token: tokens[actor].token }),
    ...(csvBody !== undefined ? { rawBody: csvBody, headers: { 'content-type': 'text/csv' } } : body === undefined ? {} : { body }),
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
    get(op.token, `/v1/smes/${fx[owner].holdSmeId}`),
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
    const [read, chain, reject, declineBySme, declineByProvider, dispute] = await proposedMatches(env, party, 6);
    for (const m of [declineBySme!, declineByProvider!, dispute!]) {
      const res = await env.api('POST', `/v1/matches/${m.matchId}/approve`, { token: op.token });
      expect(res.status, res.text).toBe(200);
    }
    for (const [path, token] of [['accept', party.smeOwner], ['accept', party.providerOwner], ['deliver', party.providerOwner]] as const) {
      const res = await env.api('POST', `/v1/matches/${dispute!.matchId}/${path}`, { token: token.token });
      expect(res.status, res.text).toBe(200);
    }
    const withdraw = await env.api('POST', `/v1/smes/${party.smeId}/needs`, {
      token: party.smeOwner.token,
      body: needBody({ serviceType: UNSERVED_MARKET, description: 'to be withdrawn' }),
    });
    expect(withdraw.status).toBe(201);
    const hold = await env.api('POST', '/v1/smes', { token: party.smeOwner.token, body: smeBody({ name: 'Held by the matrix' }) });
    expect(hold.status, hold.text).toBe(201);
    const holdProvider = await env.api('POST', '/v1/providers', { token: party.providerOwner.token, body: providerBody({ name: 'Held by the matrix' }) });
    const rejectProvider = await env.api('POST', '/v1/providers', { token: party.providerOwner.token, body: providerBody({ name: 'Rejected by the matrix' }) });
    expect([holdProvider.status, rejectProvider.status], rejectProvider.text).toEqual([201, 201]);
    const imported = await env.api('POST', '/v1/registers/tiers', { token: op.token, rawBody: csvFor('POST /v1/registers/tiers')!, headers: { 'content-type': 'text/csv' } });
    expect(imported.status, imported.text).toBe(202);
    const programme = await env.api('POST', '/v1/voucher-programmes', { token: op.token, body: bodyFor('POST /v1/voucher-programmes', '-') });
    expect(programme.status, programme.text).toBe(201);
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
      disputeMatchId: dispute!.matchId,
      rejectMatchId: reject!.matchId,
      declineBySmeMatchId: declineBySme!.matchId,
      declineByProviderMatchId: declineByProvider!.matchId,
      withdrawNeedId: withdraw.body.id,
      holdSmeId: hold.body.id,
      holdProviderId: holdProvider.body.id,
      rejectProviderId: rejectProvider.body.id,
      importId: imported.body.importId,
      programmeId: programme.body.id,
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

describe('contacts on a match', () => {
  const contactsOf = async (matchId: string, t: Token) => {
    const res = await env.api('GET', `/v1/matches/${matchId}`, { token: t.token });
    expect(res.status, res.text).toBe(200);
    return { sme: res.body.sme.contact, provider: res.body.provider.contact };
  };

  it("shows a party the other's contact only from CONFIRMED on, operators always, a third party never", async () => {
    await env.idle();
    for (const [owner, other] of [['A', 'B'], ['B', 'A']] as const) {
      const { party, readMatchId, chainMatchId } = fx[owner];
      // PROPOSED: each party sees its own contact only; operators both.
      expect(await contactsOf(readMatchId, party.smeOwner)).toEqual({ sme: SME_CONTACT, provider: undefined });
      expect(await contactsOf(readMatchId, party.providerOwner)).toEqual({ sme: undefined, provider: PROVIDER_CONTACT });
      expect(await contactsOf(readMatchId, op)).toEqual({ sme: SME_CONTACT, provider: PROVIDER_CONTACT });
      // The chain match went through CONFIRMED to COMPLETED: both parties see both.
      expect(await contactsOf(chainMatchId, party.smeOwner)).toEqual({ sme: SME_CONTACT, provider: PROVIDER_CONTACT });
      expect(await contactsOf(chainMatchId, party.providerOwner)).toEqual({ sme: SME_CONTACT, provider: PROVIDER_CONTACT });
      // The other owner's SME and provider: 404, nothing of the contacts in the answer.
      for (const stranger of [fx[other].party.smeOwner, fx[other].party.providerOwner]) {
        for (const id of [readMatchId, chainMatchId]) {
          const res = await env.api('GET', `/v1/matches/${id}`, { token: stranger.token });
          expect(res.status).toBe(404);
          expect(res.text).not.toContain(SME_CONTACT.phone);
          expect(res.text).not.toContain(PROVIDER_CONTACT.email);
        }
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
        // Notifications about a match (others, e.g. a provider's approval, name none) name one of the owner's.
        const aboutMatches = (inbox.body.items as { matchId?: string }[]).filter((n) => n.matchId !== undefined);
        for (const n of aboutMatches) expect(own.has(n.matchId!), n.matchId).toBe(true);
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
      // Proposed, approved, accepted by each party, delivered by the provider, confirmed by the SME.
      expect(chain.history.map((h: { status: string; by: string }) => `${h.status}:${h.by}`)).toEqual([
        'PROPOSED:system',
        'APPROVED:operator',
        'SME_ACCEPTED:sme',
        'CONFIRMED:provider',
        'DELIVERED:provider',
        'COMPLETED:sme',
      ]);
      const disputed = await match(f.disputeMatchId);
      expect(disputed.history.slice(-2)).toMatchObject([
        { status: 'DISPUTED', by: 'sme', reason: 'disputed by the matrix' },
        { status: 'COMPLETED', by: 'operator', reason: 'resolved by the matrix' },
      ]);
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
      const held = await env.api('GET', `/v1/smes/${f.holdSmeId}`, { token: op.token });
      expect(held.body).toMatchObject({ tier: 'INNOVATIVE', tierVerification: { source: 'OPERATOR', validUntil: '2030-12-31' }, suspended: false });
      expect(held.body.verificationHistory.map((h: { by: string; changes: object }) => [h.by, Object.keys(h.changes)])).toEqual([
        [op.sub, ['tierVerification']],
        [op.sub, ['suspended']],
        [op.sub, ['suspended']],
      ]);
    }
  });
});
