/**
 * Voucher notifications through the real handlers on dynalite: issuing a
 * voucher tells the SME's owner (VOUCHER_ISSUED), redeeming its hold on a
 * completed match tells both parties (VOUCHER_REDEEMED); the events go
 * through the voucher's outbox, so a failed publish is sent by the relay;
 * a duplicate delivery of any event writes no second inbox item and counts
 * the redemption once in the KPIs.
 */
import { describe, expect, it } from 'vitest';
import type { AppEvent } from '#events/contracts.ts';
import { RELAY_GRACE_MS } from '#functions/usecases/jobs.ts';
import { actor, lambdaContext, testApp, type Actor } from '#tests/support/app.ts';
import { testUscc } from '#tests/support/factories.ts';

type App = Awaited<ReturnType<typeof testApp>>;

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
  await app.call('POST', `/v1/providers/${p.body.id}/offerings`, {
    as: prov,
    body: { serviceType: 'energy-audit', title: '现场能源审计', regions: ['CN-SC'], remote: false, languages: ['zh-CN'], capacityPerMonth: 5, priceMin: 2_000, priceMax: 3_000, publicWelfare: false, leadTimeDays: 3 },
  });
  const s = await app.call('POST', '/v1/smes', {
    as: sme,
    body: { name: '成都阀门有限公司', uscc: testUscc('CN-SC'), sizeClass: 'SMALL', tier: 'SPECIALIZED', industry: '阀门', region: { province: 'CN-SC', city: '成都' } },
  });
  const prog = await app.call('POST', '/v1/voucher-programmes', {
    as: op,
    body: { name: '2026年四川省节能诊断服务券', serviceTypes: ['energy-audit'], provinces: ['CN-SC'], budget: 10_000, faceValue: 5_000, validUntil: '2027-06-30' },
  });
  await app.drain();
  return { app, prov, sme, op, providerId: p.body.id as string, smeId: s.body.id as string, programmeId: prog.body.id as string };
}

const inbox = async (app: App, who: Actor, lang: 'zh' | 'en', type: string) =>
  ((await app.call('GET', `/v1/inbox?lang=${lang}`, { as: who })).body.items as Array<{ type: string; title: string; body: string }>).filter((n) => n.type === type);

/** Delivers the given events again, as EventBridge may (at-least-once), and whatever they cause. */
async function redeliver(app: App, events: AppEvent[]) {
  app.publisher.queue.push(...events);
  await app.drain();
}

const published = (app: App, type: string) => app.publisher.published.filter((e) => e.detailType === type);

/** A need paid by the voucher, proposed, approved, accepted by both, delivered and confirmed. */
async function completeVoucherMatch(s: Awaited<ReturnType<typeof setup>>, voucherId: string): Promise<string> {
  const { app, sme, prov, op, smeId } = s;
  const n = await app.call('POST', `/v1/smes/${smeId}/needs`, {
    as: sme,
    body: { serviceType: 'energy-audit', description: '年度能源审计', remoteOk: false, deadline: '2027-03-31', voucherId },
  });
  expect(n.status).toBe(201);
  await app.drain();
  const m = (await app.call('GET', `/v1/needs/${n.body.id}`, { as: sme })).body.currentMatch;
  expect(m.status).toBe('PROPOSED');
  expect((await app.call('POST', `/v1/matches/${m.id}/approve`, { as: op })).status).toBe(200);
  await app.drain();
  expect((await app.call('POST', `/v1/matches/${m.id}/accept`, { as: sme })).status).toBe(200);
  expect((await app.call('POST', `/v1/matches/${m.id}/accept`, { as: prov })).status).toBe(200);
  expect((await app.call('POST', `/v1/matches/${m.id}/deliver`, { as: prov, body: {} })).status).toBe(200);
  expect((await app.call('POST', `/v1/matches/${m.id}/confirm`, { as: sme, body: {} })).body.status).toBe('COMPLETED');
  await app.drain();
  return m.id as string;
}

describe('voucher notifications', () => {
  it('tell the SME of its voucher and both parties of the redemption, once each under duplicate delivery, and count the redemption once', async () => {
    const s = await setup();
    const { app, sme, prov, op, smeId, programmeId } = s;
    const v = await app.call('POST', `/v1/voucher-programmes/${programmeId}/vouchers`, { as: op, body: { smeId } });
    expect(v.status).toBe(201);
    // Published by the request itself, and cleared from the voucher's outbox.
    expect(published(app, 'VoucherIssued')).toHaveLength(1);
    expect(await app.ports.store.vouchers.pendingOfVoucher(smeId, v.body.id)).toEqual([]);
    await app.drain();
    await redeliver(app, published(app, 'VoucherIssued'));

    const issuedZh = await inbox(app, sme, 'zh', 'VOUCHER_ISSUED');
    expect(issuedZh).toHaveLength(1);
    expect(issuedZh[0]).toMatchObject({ title: '您已获得服务券' });
    expect(issuedZh[0]!.body).toContain('「2026年四川省节能诊断服务券」');
    expect(issuedZh[0]!.body).toContain('2027');
    const [issuedEn] = await inbox(app, sme, 'en', 'VOUCHER_ISSUED');
    expect(issuedEn).toMatchObject({ title: 'You have received a service voucher' });
    expect(await inbox(app, prov, 'zh', 'VOUCHER_ISSUED')).toEqual([]);

    const matchId = await completeVoucherMatch(s, v.body.id);
    expect(published(app, 'VoucherRedeemed')).toHaveLength(1);
    expect(published(app, 'VoucherRedeemed')[0]!.detail).toMatchObject({ matchId, amount: 3_000, balance: 2_000, voucherId: v.body.id });
    // The completion and the redemption delivered again, each twice: nothing new anywhere.
    const completed = published(app, 'MatchCompleted').filter((e) => (e.detail as { matchId: string }).matchId === matchId);
    await redeliver(app, [...completed, ...completed, ...published(app, 'VoucherRedeemed'), ...published(app, 'VoucherRedeemed')]);
    expect(new Set(published(app, 'VoucherRedeemed').map((e) => e.id)).size).toBe(1);

    const smeZh = await inbox(app, sme, 'zh', 'VOUCHER_REDEEMED');
    expect(smeZh).toHaveLength(1);
    expect(smeZh[0]).toMatchObject({ title: '服务券已抵扣' });
    expect(smeZh[0]!.body).toContain('剩余余额');
    expect(await inbox(app, sme, 'en', 'VOUCHER_REDEEMED')).toMatchObject([{ title: 'Service voucher used' }]);
    const provZh = await inbox(app, prov, 'zh', 'VOUCHER_REDEEMED');
    expect(provZh).toHaveLength(1);
    expect(provZh[0]).toMatchObject({ title: '服务券已核销' });
    // The SME's balance is not the provider's business.
    expect(provZh[0]!.body).not.toContain('余额');
    expect(await inbox(app, prov, 'en', 'VOUCHER_REDEEMED')).toMatchObject([{ title: 'Service voucher redeemed' }]);

    const kpi = await app.call('GET', '/v1/analytics/kpis?period=2026-12', { as: op });
    expect(kpi.body.voucherRedeemed).toBe(3_000);
    const st = await app.call('GET', `/v1/providers/${s.providerId}/settlements?period=2026-12`, { as: prov });
    expect(st.body).toMatchObject({ total: 3_000, items: [{ matchId, amount: 3_000 }] });
  });

  it('are kept in the voucher\'s outbox when publishing fails, and the relay sends them', async () => {
    const s = await setup();
    const { app, sme, op, smeId, programmeId } = s;
    app.publisher.failing = true;
    const v = await app.call('POST', `/v1/voucher-programmes/${programmeId}/vouchers`, { as: op, body: { smeId } });
    expect(v.status).toBe(201);
    const pending = await app.ports.store.vouchers.pendingOfVoucher(smeId, v.body.id);
    expect(pending.map((e) => e.detailType)).toEqual(['VoucherIssued']);
    expect((await app.ports.store.listPending()).some((p) => p.ref.kind === 'voucher' && p.ref.id === v.body.id)).toBe(true);
    // The voucher as callers see it carries none of the outbox's bookkeeping.
    expect(Object.keys(v.body).some((k) => ['pendingEvents', 'outboxPk', 'outboxSk', 'version'].includes(k))).toBe(false);

    app.publisher.failing = false;
    app.advance(RELAY_GRACE_MS);
    expect(await app.handlers.relay({}, lambdaContext('relay'))).toMatchObject({ published: 1, failed: 0 });
    expect(await app.ports.store.vouchers.pendingOfVoucher(smeId, v.body.id)).toEqual([]);
    await app.drain();
    expect(await inbox(app, sme, 'zh', 'VOUCHER_ISSUED')).toHaveLength(1);
    expect(await app.handlers.relay({}, lambdaContext('relay'))).toMatchObject({ published: 0 });
  });
});
