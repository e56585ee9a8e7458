/**
 * A voucher's life through the HTTP API (the real handlers on dynalite):
 * a programme, an issued voucher, a need paid by it, the hold on approval,
 * the redemption on the SME's confirmation, the provider's settlement (JSON
 * and CSV) and the plan's KPIs.
 */
import { describe, expect, it } from 'vitest';
import { actor, testApp } from '#tests/support/app.ts';
import { testUscc } from '#tests/support/factories.ts';

const programmeBody = (over: Record<string, unknown> = {}) => ({
  name: '2026年四川省节能诊断服务券',
  serviceTypes: ['energy-audit'],
  provinces: ['CN-SC'],
  budget: 10_000,
  faceValue: 5_000,
  validUntil: '2027-06-30',
  ...over,
});
const needBody = (over: Record<string, unknown> = {}) => ({
  serviceType: 'energy-audit',
  description: '年度能源审计',
  remoteOk: false,
  deadline: '2027-03-31',
  ...over,
});

async function setup() {
  const app = await testApp({ NOW: '2026-12-01T08:00:00.000Z' });
  const prov = actor('provider');
  const sme = actor('sme');
  const op = actor('operator');
  const p = await app.call('POST', '/v1/providers', {
    as: prov,
    body: { name: '四川绿色审计', kind: 'GREEN_AUDIT_FIRM', regions: ['CN-SC'], languages: ['zh-CN'], certifications: [{ type: 'CMA', number: '211912345678', validUntil: '2028-12-31' }] },
  });
  await app.call('POST', `/v1/providers/${p.body.id}/approve`, { as: op });
  const o = await app.call('POST', `/v1/providers/${p.body.id}/offerings`, {
    as: prov,
    body: { serviceType: 'energy-audit', title: '现场能源审计', regions: ['CN-SC'], remote: false, languages: ['zh-CN'], capacityPerMonth: 5, priceMin: 2_000, priceMax: 3_000, publicWelfare: false, leadTimeDays: 3 },
  });
  const s = await app.call('POST', '/v1/smes', {
    as: sme,
    body: { name: '成都阀门有限公司', uscc: testUscc('CN-SC'), sizeClass: 'SMALL', tier: 'SPECIALIZED', industry: '阀门', region: { province: 'CN-SC', city: '成都' } },
  });
  return { app, prov, sme, op, providerId: p.body.id as string, offeringId: o.body.id as string, smeId: s.body.id as string };
}

describe('a voucher through the API', () => {
  it('is issued, held on approval, redeemed on confirmation and settled to the provider', async () => {
    const { app, prov, sme, op, providerId, smeId } = await setup();
    const prog = await app.call('POST', '/v1/voucher-programmes', { as: op, body: programmeBody() });
    expect(prog.status).toBe(201);
    expect(prog.body).toMatchObject({ budget: 10_000, allocated: 0, held: 0, redeemed: 0, available: 10_000 });

    const v = await app.call('POST', `/v1/voucher-programmes/${prog.body.id}/vouchers`, { as: op, body: { smeId } });
    expect(v.status).toBe(201);
    expect(v.body).toMatchObject({ programmeId: prog.body.id, smeId, faceValue: 5_000, balance: 5_000, status: 'ISSUED' });
    expect((await app.call('POST', `/v1/voucher-programmes/${prog.body.id}/vouchers`, { as: op, body: { smeId } })).status).toBe(409);

    const n = await app.call('POST', `/v1/smes/${smeId}/needs`, { as: sme, body: needBody({ voucherId: v.body.id }) });
    expect(n.status).toBe(201);
    expect(n.body.voucherId).toBe(v.body.id);
    // One open need per voucher.
    expect((await app.call('POST', `/v1/smes/${smeId}/needs`, { as: sme, body: needBody({ voucherId: v.body.id }) })).status).toBe(409);

    await app.drain();
    const m = (await app.call('GET', `/v1/needs/${n.body.id}`, { as: sme })).body.currentMatch;
    expect(m.status).toBe('PROPOSED');
    expect((await app.call('POST', `/v1/matches/${m.id}/approve`, { as: op })).status).toBe(200);
    await app.drain();
    const held = (await app.call('GET', `/v1/smes/${smeId}/vouchers`, { as: sme })).body.items[0];
    // min(priceMax 3000, balance 5000)
    expect(held).toMatchObject({ status: 'HELD', balance: 2_000, holds: { [m.id]: 3_000 } });
    expect((await app.call('GET', `/v1/voucher-programmes/${prog.body.id}`, { as: op })).body).toMatchObject({ allocated: 5_000, held: 3_000, redeemed: 0, available: 5_000 });

    await app.call('POST', `/v1/matches/${m.id}/accept`, { as: sme });
    await app.call('POST', `/v1/matches/${m.id}/accept`, { as: prov });
    expect((await app.call('POST', `/v1/matches/${m.id}/deliver`, { as: prov, body: {} })).status).toBe(200);
    expect((await app.call('POST', `/v1/matches/${m.id}/confirm`, { as: sme, body: {} })).body.status).toBe('COMPLETED');
    await app.drain();
    // A redelivered completion changes nothing.
    await app.drain();

    const after = (await app.call('GET', `/v1/smes/${smeId}/vouchers`, { as: sme })).body.items[0];
    expect(after).toMatchObject({ status: 'ISSUED', balance: 2_000, holds: {}, redeemed: { [m.id]: { amount: 3_000, providerId } } });
    expect((await app.call('GET', `/v1/voucher-programmes/${prog.body.id}`, { as: op })).body).toMatchObject({ allocated: 5_000, held: 0, redeemed: 3_000, available: 5_000 });

    const st = await app.call('GET', `/v1/providers/${providerId}/settlements?period=2026-12`, { as: prov });
    expect(st.status).toBe(200);
    expect(st.body).toMatchObject({ total: 3_000, items: [{ voucherId: v.body.id, matchId: m.id, amount: 3_000 }] });
    const csv = await app.call('GET', `/v1/providers/${providerId}/settlements?period=2026-12`, { as: op, headers: { accept: 'text/csv' } });
    expect(csv.body.startsWith('\uFEFFvoucherId,matchId,amount,redeemedAt\r\n')).toBe(true);
    expect(csv.body).toContain(`${v.body.id},${m.id},3000,`);
    expect(csv.body.trimEnd().split('\r\n').at(-1)).toBe('TOTAL,,3000,');
    // Another provider's settlements are not the caller's.
    expect((await app.call('GET', `/v1/providers/${providerId}/settlements?period=2026-12`, { as: actor('provider') })).status).toBe(404);

    const kpi = await app.call('GET', '/v1/analytics/kpis?period=2026-12', { as: op });
    expect(kpi.body).toMatchObject({ period: '2026-12', smesServed: 1, matchesCompleted: 1, voucherRedeemed: 3_000, centralWesternShare: 1, publicWelfareShare: 0 });
    expect(kpi.body.byProject.GREEN).toEqual({ completed: 1, smesServed: 1 });
    const kpiCsv = await app.call('GET', '/v1/analytics/kpis?period=2026-12&province=CN-SC', { as: op, headers: { accept: 'text/csv' } });
    const rows = kpiCsv.body.trimEnd().split('\r\n');
    expect(rows[0]).toBe('\uFEFFproject,completed,smesServed,centralWesternShare,publicWelfareShare,satisfaction,medianHoursToMatch,medianHoursToComplete,voucherRedeemed');
    expect(rows.at(-1)).toMatch(/^TOTAL,1,1,1,0,,/);
    expect(rows.find((r: string) => r.startsWith('GREEN,'))).toBe('GREEN,1,1,,,,,,');
  });

  it('releases the hold when the need is withdrawn, and refuses vouchers that do not fit the need', async () => {
    const { app, sme, op, smeId } = await setup();
    const prog = (await app.call('POST', '/v1/voucher-programmes', { as: op, body: programmeBody() })).body;
    const v = (await app.call('POST', `/v1/voucher-programmes/${prog.id}/vouchers`, { as: op, body: { smeId } })).body;
    const wrongType = await app.call('POST', `/v1/smes/${smeId}/needs`, { as: sme, body: needBody({ serviceType: 'industrial-design', voucherId: v.id }) });
    expect(wrongType.status).toBe(409);
    expect((await app.call('GET', `/v1/smes/${smeId}/needs`, { as: sme })).body.items).toHaveLength(0);
    const n = await app.call('POST', `/v1/smes/${smeId}/needs`, { as: sme, body: needBody({ voucherId: v.id }) });
    await app.drain();
    const m = (await app.call('GET', `/v1/needs/${n.body.id}`, { as: sme })).body.currentMatch;
    await app.call('POST', `/v1/matches/${m.id}/approve`, { as: op });
    await app.drain();
    expect((await app.call('GET', `/v1/smes/${smeId}/vouchers`, { as: sme })).body.items[0].status).toBe('HELD');
    await app.call('POST', `/v1/needs/${n.body.id}/withdraw`, { as: sme });
    await app.drain();
    const after = (await app.call('GET', `/v1/smes/${smeId}/vouchers`, { as: sme })).body.items[0];
    expect(after).toMatchObject({ status: 'ISSUED', balance: 5_000, holds: {} });
    // The need it paid for is closed: the voucher may pay for another.
    expect((await app.call('POST', `/v1/smes/${smeId}/needs`, { as: sme, body: needBody({ voucherId: v.id }) })).status).toBe(201);
  });

  it('matches a voucher need only to offerings its balance can pay, and says why it waits', async () => {
    const { app, sme, op, smeId } = await setup();
    // The only offering asks at least 2,000; the voucher holds 1,000.
    const prog = (await app.call('POST', '/v1/voucher-programmes', { as: op, body: programmeBody({ budget: 1_000, faceValue: 1_000 }) })).body;
    const v = (await app.call('POST', `/v1/voucher-programmes/${prog.id}/vouchers`, { as: op, body: { smeId } })).body;
    const n = await app.call('POST', `/v1/smes/${smeId}/needs`, { as: sme, body: needBody({ voucherId: v.id }) });
    await app.drain();
    const need = (await app.call('GET', `/v1/needs/${n.body.id}`, { as: sme })).body;
    expect(need.status).toBe('WAITING');
    expect(need.waiting.reasons.map((r: { code: string }) => r.code)).toContain('VOUCHER');
  });

  it('answers 409 when the budget is exhausted and 400 on a malformed programme, writing nothing', async () => {
    const { app, op, smeId } = await setup();
    const bad = await app.call('POST', '/v1/voucher-programmes', { as: op, body: programmeBody({ faceValue: 20_000 }) });
    expect(bad.status).toBe(400);
    expect((await app.call('GET', '/v1/voucher-programmes', { as: op })).body.items).toHaveLength(0);
    const prog = (await app.call('POST', '/v1/voucher-programmes', { as: op, body: programmeBody({ budget: 5_000 }) })).body;
    expect((await app.call('POST', `/v1/voucher-programmes/${prog.id}/vouchers`, { as: op, body: { smeId } })).status).toBe(201);
    const s2 = await app.call('POST', '/v1/smes', {
      as: actor('sme'),
      body: { name: '成都第二家公司', uscc: testUscc('CN-SC'), sizeClass: 'MICRO', tier: 'NONE', industry: '机械', region: { province: 'CN-SC' } },
    });
    const refused = await app.call('POST', `/v1/voucher-programmes/${prog.id}/vouchers`, { as: op, body: { smeId: s2.body.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/budget/);
    expect((await app.call('GET', `/v1/voucher-programmes/${prog.id}`, { as: op })).body).toMatchObject({ allocated: 5_000, available: 0 });
  });
});
