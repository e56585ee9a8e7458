/**
 * POST /v1/providers/{providerId}/certifications (an addition of this
 * implementation): operators record a provider's certifications after
 * checking the documents, the way a designation is renewed. Through the
 * real handlers on dynalite, as API Gateway invokes them, with a clock the
 * test moves: who may call it, a bad body writes nothing, a renewal brings a
 * lapsed designated provider back to matching at once, and an expired entry
 * is kept but counts for nothing (the choice made here, rather than a 400:
 * registration accepts one too, and the answer shows the provider still lapsed).
 */
import { describe, expect, it } from 'vitest';
import { actor, testApp } from '#tests/support/app.ts';
import { postNeed } from '#tests/support/market.ts';

const operator = actor('operator');
const designation = (validUntil: string, number = '国知发保字〔2021〕3号') => ({ type: 'CNIPA_DESIGNATION', number, issuer: 'CNIPA', validUntil });

/** An approved IP protection centre whose designation ends 2026-06-30, with one offering in ip-fast-examination. */
async function ipCentre() {
  const app = await testApp({ NOW: '2026-06-01T02:00:00.000Z' });
  const owner = actor('provider');
  const p = await app.call('POST', '/v1/providers', {
    as: owner,
    body: { name: '四川省知识产权保护中心', kind: 'IP_PROTECTION_CENTRE', regions: ['CN-SC'], languages: ['zh-CN'], certifications: [designation('2026-06-30')] },
  });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  expect((await app.call('POST', `/v1/providers/${p.body.id}/approve`, { as: operator })).status).toBe(200);
  const o = await app.call('POST', `/v1/providers/${p.body.id}/offerings`, {
    as: owner,
    body: { serviceType: 'ip-fast-examination', title: '专利预审', regions: ['CN-SC'], remote: false, languages: ['zh-CN'], capacityPerMonth: 5, publicWelfare: true, leadTimeDays: 1 },
  });
  expect(o.status, JSON.stringify(o.body)).toBe(201);
  await app.drain();
  const record = (body: unknown, as = operator) => app.call('POST', `/v1/providers/${p.body.id}/certifications`, { as, body });
  const provider = async () => (await app.call('GET', `/v1/providers/${p.body.id}`, { as: operator })).body;
  const need = async (id: string) => (await app.call('GET', `/v1/needs/${id}`, { as: operator })).body;
  return { app, owner, providerId: p.body.id as string, offeringId: o.body.id as string, record, provider, need };
}

/** Lets the designation expire and the daily job record it: the provider is lapsed and its offering out of matching. */
async function lapsed(c: Awaited<ReturnType<typeof ipCentre>>) {
  c.app.setNow('2026-07-01T02:00:00.000Z');
  expect(await c.app.handlers.lapse({}, {} as never)).toMatchObject({ designationsLapsed: 1 });
  const needId = await postNeed(c.app.call, actor('sme'), {}, { serviceType: 'ip-fast-examination', deadline: '2026-12-31' });
  await c.app.drain();
  const n = await c.need(needId);
  expect(n.status).toBe('WAITING');
  expect(n.waiting.reasons.map((r: { code: string }) => r.code)).toContain('PROVIDER_NOT_APPROVED');
  return needId;
}

describe('who may record certifications', () => {
  it('operators only: the owner, another provider and an SME are 403, no token 401, and none of them writes', async () => {
    const c = await ipCentre();
    const body = { certifications: [designation('2029-12-31', '国知发保字〔2026〕11号')] };
    for (const who of [c.owner, actor('provider'), actor('sme')]) {
      const r = await c.record(body, who);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN');
    }
    const anonymous = await c.app.call('POST', `/v1/providers/${c.providerId}/certifications`, { body });
    expect(anonymous.status).toBe(401);
    expect((await c.provider()).certifications).toEqual([designation('2026-06-30')]);

    const ok = await c.record(body);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    // The list replaces what was on file.
    expect(ok.body).toMatchObject({ id: c.providerId, status: 'APPROVED', certifications: body.certifications });
    expect((await c.provider()).certifications).toEqual(body.certifications);
  });

  it('an unknown provider is 404', async () => {
    const c = await ipCentre();
    const r = await c.app.call('POST', '/v1/providers/pr_AAAAAAAAAAAAAAAAAAAAAA/certifications', { as: operator, body: { certifications: [] } });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
  });
});

describe('a body that fails the registration schema', () => {
  it.each([
    ['a free-text certification', { certifications: ['CNIPA designation'] }, 'body.certifications.0'],
    ['a date in another format', { certifications: [{ type: 'CMA', number: '211912345678', validUntil: '31/12/2029' }] }, 'body.certifications.0.validUntil'],
    ['an unknown type', { certifications: [{ type: 'GOLD_STAR', number: '1', validUntil: '2029-12-31' }] }, 'body.certifications.0.type'],
    ['the same certificate twice', { certifications: [designation('2029-12-31'), designation('2030-12-31')] }, 'body.certifications'],
    ['an unknown field', { certifications: [], note: 'checked' }, 'body'],
    ['no list', {}, 'body.certifications'],
  ])('%s is 400 VALIDATION_FAILED naming the field, and writes nothing', async (_name, body, path) => {
    const c = await ipCentre();
    const before = await c.provider();
    const r = await c.record(body);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await c.provider()).toEqual(before);
  });
});

describe('a renewal', () => {
  it("brings a lapsed designated provider back to matching at once: its offering is matched again", async () => {
    const c = await ipCentre();
    const needId = await lapsed(c);
    expect((await c.provider()).designationLapsedAt).toBe('2026-07-01T02:00:00.000Z');

    const renewed = await c.record({ certifications: [designation('2026-06-30'), designation('2029-06-30', '国知发保字〔2026〕11号')] });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    expect(renewed.body.designationLapsedAt).toBeUndefined();
    // The write asked for a round of the offering's market; nothing else happened in between.
    await c.app.drain();
    const n = await c.need(needId);
    expect(n.status).toBe('PROPOSED');
    expect(n.currentMatch).toMatchObject({ offeringId: c.offeringId, providerId: c.providerId, status: 'PROPOSED' });
    // The daily job agrees: nothing to lapse or restore.
    expect(await c.app.handlers.lapse({}, {} as never)).toMatchObject({ designationsLapsed: 0, designationsRestored: 0 });
  });

  it('with an expired date is kept but counts for nothing: the provider stays lapsed and unmatched', async () => {
    const c = await ipCentre();
    const needId = await lapsed(c);
    const stale = await c.record({ certifications: [designation('2026-06-30', '国知发保字〔2026〕11号')] });
    expect(stale.status, JSON.stringify(stale.body)).toBe(200);
    expect(stale.body.certifications).toEqual([designation('2026-06-30', '国知发保字〔2026〕11号')]);
    expect(stale.body.designationLapsedAt).toBe('2026-07-01T02:00:00.000Z');
    await c.app.drain();
    expect((await c.need(needId)).status).toBe('WAITING');
  });

  it('that leaves a designated provider without a valid designation takes it out of matching the same moment', async () => {
    const c = await ipCentre();
    const r = await c.record({ certifications: [{ type: 'CMA', number: '211912345678', validUntil: '2029-12-31' }] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.designationLapsedAt).toBe('2026-06-01T02:00:00.000Z');
    const needId = await postNeed(c.app.call, actor('sme'), {}, { serviceType: 'ip-fast-examination', deadline: '2026-12-31' });
    await c.app.drain();
    expect((await c.need(needId)).status).toBe('WAITING');
  });
});
