/**
 * What a step forward of a match reads (approve, accept): the match once,
 * strongly consistent, and each party once, for the standing check; the
 * answer's summaries of those parties come from that same read, so only
 * the offering and the need are read again for the answer: 4 read units
 * where it took 6 (the match and both parties were read twice). Measured
 * as DynamoDB reports them (dynalite, the real SDK, the metering middleware
 * of the benches).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCapacityMeter } from '#functions/store/metering.ts';
import { actor, testApp } from '#tests/support/app.ts';
import { testUscc } from '#tests/support/factories.ts';

let app: Awaited<ReturnType<typeof testApp>>;
const prov = actor('provider');
const sme = actor('sme');
const op = actor('operator');
let smeId: string;

beforeAll(async () => {
  app = await testApp({ NOW: '2026-12-01T08:00:00.000Z' });
  const p = await app.call('POST', '/v1/providers', {
    as: prov,
    body: { name: '四川省服务机构', kind: 'GREEN_AUDIT_FIRM', regions: ['CN-SC'], languages: ['zh-CN'], certifications: [{ type: 'CMA', number: '211912345678', validUntil: '2028-12-31' }] },
  });
  expect((await app.call('POST', `/v1/providers/${p.body.id}/approve`, { as: op })).status).toBe(200);
  const o = await app.call('POST', `/v1/providers/${p.body.id}/offerings`, {
    as: prov,
    body: { serviceType: 'energy-audit', title: '现场服务', regions: ['CN-SC'], remote: false, languages: ['zh-CN'], capacityPerMonth: 10, publicWelfare: true, leadTimeDays: 3 },
  });
  expect(o.status, JSON.stringify(o.body)).toBe(201);
  const s = await app.call('POST', '/v1/smes', {
    as: sme,
    body: { name: '成都阀门有限公司', uscc: testUscc('CN-SC'), sizeClass: 'SMALL', tier: 'NONE', industry: '阀门', region: { province: 'CN-SC', city: '成都' } },
  });
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  smeId = s.body.id;
  await app.drain();
});
afterAll(() => app?.doc.destroy());

/** A new PROPOSED match (a need posted and its round run). */
async function proposed(): Promise<string> {
  const n = await app.call('POST', `/v1/smes/${smeId}/needs`, { as: sme, body: { serviceType: 'energy-audit', description: '年度能源审计', remoteOk: false, deadline: '2027-03-31' } });
  expect(n.status, JSON.stringify(n.body)).toBe(201);
  await app.drain();
  const need = await app.call('GET', `/v1/needs/${n.body.id}`, { as: sme });
  expect(need.body.currentMatch?.status).toBe('PROPOSED');
  return need.body.currentMatch.id;
}

/** Read units of one request, and its answer. */
async function readsOf(call: () => Promise<{ status: number; body: any }>) {
  let reads = 0;
  const stop = installCapacityMeter(app.doc, { add: (kind, units) => void (kind === 'read' && (reads += units)) });
  try {
    const res = await call();
    return { reads, res };
  } finally {
    stop();
  }
}

describe('a step forward of a match', () => {
  it('approving reads the match and each party once, and answers with both summaries', async () => {
    const id = await proposed();
    const { reads, res } = await readsOf(() => app.call('POST', `/v1/matches/${id}/approve`, { as: op }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'APPROVED', sme: { name: '成都阀门有限公司' }, provider: { name: '四川省服务机构' }, offering: { title: '现场服务' } });
    console.info(`approve: ${reads} read units`);
    expect(reads).toBeLessThanOrEqual(4);
  });

  it('accepting reads the same, and the acceptance that confirms only what confirming needs besides', async () => {
    const id = await proposed();
    expect((await app.call('POST', `/v1/matches/${id}/approve`, { as: op })).status).toBe(200);
    const bySme = await readsOf(() => app.call('POST', `/v1/matches/${id}/accept`, { as: sme }));
    expect(bySme.res.body).toMatchObject({ status: 'APPROVED', smeAccepted: true });
    const byProvider = await readsOf(() => app.call('POST', `/v1/matches/${id}/accept`, { as: prov }));
    expect(byProvider.res.body).toMatchObject({ status: 'CONFIRMED', providerAccepted: true, sme: { name: '成都阀门有限公司' } });
    console.info(`accept: ${bySme.reads} and ${byProvider.reads} read units`);
    expect(bySme.reads).toBeLessThanOrEqual(4);
    // The confirming one also reads the need (1): its deadline sets the delivery timers, and its move to MATCHED starts from that read.
    expect(byProvider.reads).toBeLessThanOrEqual(5);
  });
});
