/**
 * Providers' verified facts and operator holds (api.md "Verified facts:
 * providers", "Operator holds") through the local gateway over real HTTP:
 * onboarding (PENDING, approve, reject, the queue), typed certifications and
 * designations, the USCC's uniqueness, the matcher ignoring providers not
 * approved, and suspension cancelling open matches and freeing capacity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveProvider,
  dateIn,
  expectError,
  needBody,
  offeringBody,
  providerBody,
  smeBody,
  startHttpEnv,
  thisPeriod,
  type HttpEnv,
  type Token,
} from '#tests/support/http.ts';
import { testUscc } from '#tests/support/factories.ts';

let env: HttpEnv;
let op: Token;

beforeAll(async () => {
  env = await startHttpEnv();
  op = await env.token('operator');
});
afterAll(async () => {
  await env?.close();
});

const designation = (validUntil: string) => ({ type: 'CNIPA_DESIGNATION', number: '国知发保字〔2023〕7号', issuer: 'CNIPA', validUntil });

async function newProvider(over: Record<string, unknown> = {}) {
  const owner = await env.token('provider');
  const p = await env.api('POST', '/v1/providers', { token: owner.token, body: providerBody(over) });
  expect(p.status, p.text).toBe(201);
  return { owner, provider: p.body };
}

/** A provider with one offering in a market of its own (a fresh service type per test would be too few: use distinct provinces). */
async function marketOf(province: string, approve: boolean, capacityPerMonth = 1) {
  const { owner, provider } = await newProvider({ regions: [province] });
  if (approve) await approveProvider(env, provider.id);
  const o = await env.api('POST', `/v1/providers/${provider.id}/offerings`, {
    token: owner.token,
    body: offeringBody({ regions: [province], capacityPerMonth }),
  });
  expect(o.status, o.text).toBe(201);
  const smeOwner = await env.token('sme');
  const s = await env.api('POST', '/v1/smes', { token: smeOwner.token, body: smeBody({ uscc: testUscc(province as never), region: { province } }) });
  expect(s.status, s.text).toBe(201);
  return { owner, provider, offeringId: o.body.id as string, smeOwner, smeId: s.body.id as string };
}

async function needStatus(token: string, needId: string) {
  const n = await env.api('GET', `/v1/needs/${needId}`, { token });
  expect(n.status, n.text).toBe(200);
  return n.body;
}

describe('onboarding', () => {
  it('a new provider is PENDING and waits in the onboarding queue until an operator approves it', async () => {
    const { owner, provider } = await newProvider();
    expect(provider.status).toBe('PENDING');

    const queue = await env.api('GET', '/v1/providers?status=PENDING&limit=100', { token: op.token });
    expect(queue.status, queue.text).toBe(200);
    expect(queue.body.items.map((p: { id: string }) => p.id)).toContain(provider.id);

    expectError(await env.api('POST', `/v1/providers/${provider.id}/approve`, { token: owner.token }), 403, 'FORBIDDEN');
    const approved = await approveProvider(env, provider.id);
    expect(approved.status).toBe('APPROVED');

    const after = await env.api('GET', '/v1/providers?status=PENDING&limit=100', { token: op.token });
    expect(after.body.items.map((p: { id: string }) => p.id)).not.toContain(provider.id);
    const approvedList = await env.api('GET', '/v1/providers?status=APPROVED&limit=100', { token: op.token });
    expect(approvedList.body.items.map((p: { id: string }) => p.id)).toContain(provider.id);
    // Approving twice is an illegal move, not a silent repeat.
    expectError(await env.api('POST', `/v1/providers/${provider.id}/approve`, { token: op.token }), 409, 'CONFLICT');
  });

  it('a rejection needs a reason, shows it to the owner, and only a PENDING provider can be rejected', async () => {
    const { owner, provider } = await newProvider();
    expectError(await env.api('POST', `/v1/providers/${provider.id}/reject`, { token: op.token, body: {} }), 400, 'VALIDATION_FAILED', 'body.reason');
    const r = await env.api('POST', `/v1/providers/${provider.id}/reject`, { token: op.token, body: { reason: '资质文件不全 documents incomplete' } });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ status: 'REJECTED', statusReason: '资质文件不全 documents incomplete' });
    const seen = await env.api('GET', `/v1/providers/${provider.id}`, { token: owner.token });
    expect(seen.body).toMatchObject({ status: 'REJECTED', statusReason: '资质文件不全 documents incomplete' });
    expectError(await env.api('POST', `/v1/providers/${provider.id}/reject`, { token: op.token, body: { reason: 'again' } }), 409, 'CONFLICT');
  });

  it('a designated kind is approved only with a valid designation: none or an expired one is a 409', async () => {
    const none = await newProvider({ kind: 'IP_PROTECTION_CENTRE', certifications: [] });
    const refused = await env.api('POST', `/v1/providers/${none.provider.id}/approve`, { token: op.token });
    expectError(refused, 409, 'CONFLICT', 'certifications');
    expect(refused.body.error.message).toMatch(/CNIPA_DESIGNATION/);

    const expired = await newProvider({ kind: 'RIGHTS_PROTECTION_CENTRE', certifications: [designation('2024-12-31')] });
    expectError(await env.api('POST', `/v1/providers/${expired.provider.id}/approve`, { token: op.token }), 409, 'CONFLICT');

    const valid = await newProvider({ kind: 'IP_PROTECTION_CENTRE', certifications: [designation(dateIn(365))] });
    expect((await approveProvider(env, valid.provider.id)).status).toBe('APPROVED');
  });

  it('an industrial design centre claiming national status needs its MIIT recognition valid; a studio without the claim needs none', async () => {
    const national = await newProvider({
      kind: 'INDUSTRIAL_DESIGN_CENTRE',
      certifications: [{ type: 'MIIT_DESIGN_CENTRE', number: '工信部产业〔2019〕226号', validUntil: '2025-06-30' }],
    });
    expectError(await env.api('POST', `/v1/providers/${national.provider.id}/approve`, { token: op.token }), 409, 'CONFLICT');
    const studio = await newProvider({ kind: 'INDUSTRIAL_DESIGN_CENTRE', certifications: [] });
    expect((await approveProvider(env, studio.provider.id)).status).toBe('APPROVED');
  });

  it('certifications must be typed and dated; the old free-text form is refused with the field named', async () => {
    const owner = await env.token('provider');
    expectError(
      await env.api('POST', '/v1/providers', { token: owner.token, body: providerBody({ certifications: ['CMA'] }) }),
      400,
      'VALIDATION_FAILED',
      'body.certifications.0',
    );
    expectError(
      await env.api('POST', '/v1/providers', { token: owner.token, body: providerBody({ certifications: [{ type: 'CMA', number: 'x', validUntil: '31/12/2027' }] }) }),
      400,
      'VALIDATION_FAILED',
      'body.certifications.0.validUntil',
    );
    const mine = await env.api('GET', '/v1/providers', { token: owner.token });
    expect(mine.body.items).toEqual([]);
  });

  it('a USCC names one profile on the platform: a second provider with it is 409 DUPLICATE, and a wrong check character a 400', async () => {
    const uscc = testUscc('CN-SC');
    await newProvider({ uscc });
    const other = await env.token('provider');
    expectError(await env.api('POST', '/v1/providers', { token: other.token, body: providerBody({ uscc }) }), 409, 'DUPLICATE', 'body.uscc');
    const bad = uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0');
    expectError(await env.api('POST', '/v1/providers', { token: other.token, body: providerBody({ uscc: bad }) }), 400, 'VALIDATION_FAILED', 'body.uscc');
  });
});

describe('matching only what an operator vouched for', () => {
  it("the matcher never proposes a PENDING provider's offering; once approved, the waiting need is matched", async () => {
    const m = await marketOf('CN-GS', false);
    const n = await env.api('POST', `/v1/smes/${m.smeId}/needs`, { token: m.smeOwner.token, body: needBody() });
    expect(n.status, n.text).toBe(201);
    await env.idle();
    expect((await needStatus(m.smeOwner.token, n.body.id)).status).toBe('WAITING');

    await approveProvider(env, m.provider.id);
    await env.idle();
    const after = await needStatus(m.smeOwner.token, n.body.id);
    expect(after.status).toBe('PROPOSED');
    expect(after.currentMatch.offeringId).toBe(m.offeringId);
  });
});

describe('suspension', () => {
  it('cancels the open matches of a suspended provider and frees their capacity; reinstatement matches the need again', async () => {
    const m = await marketOf('CN-NX', true, 1);
    const n = await env.api('POST', `/v1/smes/${m.smeId}/needs`, { token: m.smeOwner.token, body: needBody() });
    await env.idle();
    const proposed = await needStatus(m.smeOwner.token, n.body.id);
    expect(proposed.status).toBe('PROPOSED');
    const matchId = proposed.currentMatchId as string;
    const cap = () => env.api('GET', `/v1/offerings/${m.offeringId}/capacity?period=${thisPeriod()}`, { token: op.token });
    expect((await cap()).body.used).toBe(1);

    expectError(await env.api('POST', `/v1/providers/${m.provider.id}/suspend`, { token: op.token, body: {} }), 400, 'VALIDATION_FAILED', 'body.reason');
    const s = await env.api('POST', `/v1/providers/${m.provider.id}/suspend`, { token: op.token, body: { reason: 'complaints under review' } });
    expect(s.status, s.text).toBe(200);
    expect(s.body.suspended).toMatchObject({ reason: 'complaints under review' });
    expectError(await env.api('POST', `/v1/providers/${m.provider.id}/suspend`, { token: op.token, body: { reason: 'again' } }), 409, 'CONFLICT');
    await env.idle();

    const match = await env.api('GET', `/v1/matches/${matchId}`, { token: op.token });
    expect(match.body.status).toBe('CANCELLED');
    expect((await cap()).body.used).toBe(0);
    // The need waits again, and its suspended provider's offering is not proposed to it meanwhile.
    expect((await needStatus(m.smeOwner.token, n.body.id)).status).toBe('WAITING');

    const r = await env.api('POST', `/v1/providers/${m.provider.id}/reinstate`, { token: op.token });
    expect(r.status, r.text).toBe(200);
    expect(r.body.suspended).toBeUndefined();
    expectError(await env.api('POST', `/v1/providers/${m.provider.id}/reinstate`, { token: op.token }), 409, 'CONFLICT');
    await env.idle();
    expect((await needStatus(m.smeOwner.token, n.body.id)).status).toBe('PROPOSED');
  });

  it('only operators suspend or reinstate', async () => {
    const { owner, provider } = await newProvider();
    expectError(await env.api('POST', `/v1/providers/${provider.id}/suspend`, { token: owner.token, body: { reason: 'x' } }), 403, 'FORBIDDEN');
    expectError(await env.api('POST', `/v1/providers/${provider.id}/reinstate`, { token: owner.token }), 403, 'FORBIDDEN');
  });
});
