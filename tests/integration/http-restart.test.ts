/**
 * A restart of the local runtime on the same DATA_DIR, over real HTTP:
 * everything written before is there after (read with the same tokens, and
 * with new tokens for the same subs), cursors and Idempotency-Keys stay
 * valid, the bus delivers what it had accepted but not delivered, and the
 * signing key in DATA_DIR is what keeps tokens valid.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_KEY_FILE } from '#local/auth.ts';
import {
  UNSERVED_MARKET,
  expectError,
  makeParty,
  needBody,
  postNeed,
  proposedMatches,
  startHttpEnv,
  type HttpEnv,
  type Party,
  type Token,
} from '#tests/support/http.ts';

let env: HttpEnv;
let A: Party;
let op: Token;
let approved: { needId: string; matchId: string };
let proposed: { needId: string; matchId: string };
const idempotentBody = needBody({ serviceType: UNSERVED_MARKET, description: 'posted once, before the restart' });
let idempotentNeedId: string;
let cursor: string;
let firstPageIds: string[];

/** What a client can read of A's records, by each of A's owners and an operator. */
async function readAll(tokens: { sme: string; provider: string; op: string }) {
  const get = async (token: string, p: string) => {
    const res = await env.api('GET', p, { token });
    expect(res.status, `${p}: ${res.text}`).toBe(200);
    return res.body;
  };
  return {
    provider: await get(tokens.provider, `/v1/providers/${A.providerId}`),
    providers: await get(tokens.provider, '/v1/providers'),
    offering: await get(tokens.provider, `/v1/offerings/${A.offeringId}`),
    offerings: await get(tokens.provider, `/v1/providers/${A.providerId}/offerings`),
    capacity: await get(tokens.provider, `/v1/offerings/${A.offeringId}/capacity`),
    providerMatches: await get(tokens.provider, `/v1/providers/${A.providerId}/matches`),
    providerInbox: await get(tokens.provider, '/v1/inbox'),
    sme: await get(tokens.sme, `/v1/smes/${A.smeId}`),
    smes: await get(tokens.sme, '/v1/smes'),
    needs: await get(tokens.sme, `/v1/smes/${A.smeId}/needs`),
    need: await get(tokens.sme, `/v1/needs/${approved.needId}`),
    needMatches: await get(tokens.sme, `/v1/needs/${approved.needId}/matches`),
    smeMatches: await get(tokens.sme, `/v1/smes/${A.smeId}/matches`),
    match: await get(tokens.sme, `/v1/matches/${approved.matchId}`),
    proposedMatch: await get(tokens.provider, `/v1/matches/${proposed.matchId}`),
    smeInbox: await get(tokens.sme, '/v1/inbox'),
    queue: await get(tokens.op, '/v1/matches?status=PROPOSED'),
    allSmes: await get(tokens.op, '/v1/smes'),
  };
}

beforeAll(async () => {
  // A round delay long enough that a stop right after a post finds the round not yet run.
  env = await startHttpEnv({ roundDelayMs: 1000 });
  op = await env.token('operator');
  A = await makeParty(env, 'energy-audit', 'GREEN_AUDIT_FIRM');
  [approved, proposed] = (await proposedMatches(env, A, 2)) as [typeof approved, typeof proposed];
  const res = await env.api('POST', `/v1/matches/${approved.matchId}/approve`, { token: op.token });
  expect(res.status).toBe(200);
  const idem = await env.api('POST', `/v1/smes/${A.smeId}/needs`, {
    token: A.smeOwner.token,
    body: idempotentBody,
    headers: { 'idempotency-key': 'before-restart-1' },
  });
  expect(idem.status).toBe(201);
  idempotentNeedId = idem.body.id;
  await env.idle();
  const page = await env.api('GET', `/v1/smes/${A.smeId}/needs?limit=1`, { token: A.smeOwner.token });
  cursor = page.body.nextCursor;
  firstPageIds = page.body.items.map((n: { id: string }) => n.id);
  expect(cursor).toEqual(expect.any(String));
});

afterAll(async () => {
  await env?.close();
});

describe('a restart on the same DATA_DIR', () => {
  let before: Awaited<ReturnType<typeof readAll>>;

  it('keeps every record: provider, offering, capacity, SME, needs, matches and inboxes read the same, with tokens issued before it', async () => {
    const tokens = { sme: A.smeOwner.token, provider: A.providerOwner.token, op: op.token };
    before = await readAll(tokens);
    expect(before.match.status).toBe('APPROVED');
    expect(before.capacity.used).toBe(2);
    expect(before.smeInbox.items.length).toBeGreaterThan(0);
    await env.restart();
    expect(await readAll(tokens)).toEqual(before);
  });

  it('new tokens for the same subs own the same records', async () => {
    const sme = await env.token('sme', A.smeOwner.sub);
    const provider = await env.token('provider', A.providerOwner.sub);
    const operator = await env.token('operator', op.sub);
    expect(sme.token).not.toBe(A.smeOwner.token);
    expect(await readAll({ sme: sme.token, provider: provider.token, op: operator.token })).toEqual(before);
  });

  it('a cursor handed out before it still pages after it', async () => {
    const res = await env.api('GET', `/v1/smes/${A.smeId}/needs?limit=1&cursor=${encodeURIComponent(cursor)}`, { token: A.smeOwner.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0].id).not.toBe(firstPageIds[0]);
  });

  it('an Idempotency-Key used before it still answers the first need, and still refuses another body', async () => {
    const again = await env.api('POST', `/v1/smes/${A.smeId}/needs`, {
      token: A.smeOwner.token,
      body: idempotentBody,
      headers: { 'idempotency-key': 'before-restart-1' },
    });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(idempotentNeedId);
    const other = await env.api('POST', `/v1/smes/${A.smeId}/needs`, {
      token: A.smeOwner.token,
      body: { ...idempotentBody, description: 'another body' },
      headers: { 'idempotency-key': 'before-restart-1' },
    });
    expectError(other, 409, 'CONFLICT');
  });

  it('the lifecycle goes on: the match approved before it is confirmed after it, and the proposed one can be approved', async () => {
    expect((await env.api('POST', `/v1/matches/${approved.matchId}/accept`, { token: A.smeOwner.token })).status).toBe(200);
    const confirmed = await env.api('POST', `/v1/matches/${approved.matchId}/accept`, { token: A.providerOwner.token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('CONFIRMED');
    const approve = await env.api('POST', `/v1/matches/${proposed.matchId}/approve`, { token: op.token });
    expect(approve.status).toBe(200);
    // An illegal step is still refused after a restart.
    expectError(await env.api('POST', `/v1/matches/${proposed.matchId}/approve`, { token: op.token }), 409, 'CONFLICT');
  });

  it('a need posted just before a stop, whose round had not run yet, is matched after the next start', async () => {
    const needId = await postNeed(env, A, { description: 'posted just before the stop' });
    expect((await env.api('GET', `/v1/needs/${needId}`, { token: A.smeOwner.token })).body.status).toBe('WAITING');
    await env.restart();
    await env.idle();
    // The round runs after the restart's replay plus its delay.
    let need: { status: string; currentMatch: { offeringId: string } | null } | undefined;
    for (let i = 0; i < 50 && need?.status !== 'PROPOSED'; i++) {
      await env.idle();
      need = (await env.api('GET', `/v1/needs/${needId}`, { token: A.smeOwner.token })).body;
      if (need?.status !== 'PROPOSED') await new Promise((r) => setTimeout(r, 50));
    }
    expect(need).toMatchObject({ status: 'PROPOSED', currentMatch: { offeringId: A.offeringId } });
  });

  it('deleting the signing key in DATA_DIR revokes every token issued before; the data stays, for new tokens of the same subs', async () => {
    await env.restart(() => fs.rm(path.join(env.dataDir, AUTH_KEY_FILE)));
    expectError(await env.api('GET', `/v1/smes/${A.smeId}`, { token: A.smeOwner.token }), 401, 'UNAUTHENTICATED');
    expectError(await env.api('GET', `/v1/providers/${A.providerId}`, { token: A.providerOwner.token }), 401, 'UNAUTHENTICATED');
    const sme = await env.token('sme', A.smeOwner.sub);
    const res = await env.api('GET', `/v1/smes/${A.smeId}`, { token: sme.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(before.sme);
  });
});
