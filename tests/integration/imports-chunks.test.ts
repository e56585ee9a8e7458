/**
 * The importer's continuation (usecases/imports.ts) and the daily lapse job
 * (usecases/provider-standing.ts) against dynalite, with a clock and an
 * invocation time the test controls: an import goes on across invocations,
 * a repeated or stale chunk request changes nothing, and a lapsed
 * designation takes a provider's offerings out of matching.
 */
import { describe, expect, it } from 'vitest';
import { makeUscc } from '#domain/uscc.ts';
import { processImportChunk } from '#functions/usecases/imports.ts';
import { actor, testApp } from '#tests/support/app.ts';
import { postNeed } from '#tests/support/market.ts';

const operator = actor('operator');
let serial = 60_000_000 + Math.floor(Math.random() * 1_000_000);
const tiersCsv = (rows: number) =>
  ['uscc,name,tier,batch,validUntil', ...Array.from({ length: rows }, (_, i) => `${makeUscc('CN-HB', serial++)},湖北企业${i},INNOVATIVE,,2030-12-31`)].join('\n');

describe('an import across invocations', () => {
  it('continues from the next row in a new invocation when time runs short, and ignores a repeated or stale request', async () => {
    const app = await testApp();
    const started = await app.call('POST', '/v1/registers/tiers', { as: operator, rawBody: tiersCsv(1200), headers: { 'content-type': 'text/csv' } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const importId = started.body.importId as string;
    const first = app.publisher.queue.find((e) => e.detailType === 'ImportChunkRequested');
    expect(first?.detail).toMatchObject({ importId, fromRow: 2 });

    // An invocation with no time to spare: one chunk (500 rows), then a request for the next.
    const r1 = await processImportChunk(app.ports, { importId, fromRow: 2 }, { remainingMs: () => 0 });
    expect(r1).toMatchObject({ rows: 500, outcome: 'continued' });
    const next = app.publisher.published.filter((e) => e.detailType === 'ImportChunkRequested').at(-1);
    expect(next?.detail).toMatchObject({ importId, fromRow: 502 });
    const mid = await app.call('GET', `/v1/imports/${importId}`, { as: operator });
    expect(mid.body).toMatchObject({ status: 'RUNNING', total: 1200, processed: 500, accepted: 500 });

    // The first request delivered again (at least once): nothing happens.
    expect(await processImportChunk(app.ports, { importId, fromRow: 2 }, { remainingMs: () => 0 })).toMatchObject({ outcome: 'ignored', rows: 0 });

    const r2 = await processImportChunk(app.ports, { importId, fromRow: 502 }, { remainingMs: () => 300_000 });
    expect(r2).toMatchObject({ rows: 700, outcome: 'done' });
    const done = await app.call('GET', `/v1/imports/${importId}`, { as: operator });
    expect(done.body).toMatchObject({ status: 'DONE', processed: 1200, accepted: 1200, rejected: 0 });
    expect(await processImportChunk(app.ports, { importId, fromRow: 502 }, { remainingMs: () => 300_000 })).toMatchObject({ outcome: 'ignored' });
  });
});

describe('the daily lapse job', () => {
  it("records a lapsed designation, and the lapsed provider's offering is not matched from the day after it expired", async () => {
    const app = await testApp({ NOW: '2026-06-01T02:00:00.000Z' });
    const owner = actor('provider');
    const p = await app.call('POST', '/v1/providers', {
      as: owner,
      body: {
        name: '四川省知识产权保护中心',
        kind: 'IP_PROTECTION_CENTRE',
        regions: ['CN-SC'],
        languages: ['zh-CN'],
        certifications: [{ type: 'CNIPA_DESIGNATION', number: '国知发保字〔2021〕3号', validUntil: '2026-06-30' }],
      },
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect((await app.call('POST', `/v1/providers/${p.body.id}/approve`, { as: operator })).status).toBe(200);
    const o = await app.call('POST', `/v1/providers/${p.body.id}/offerings`, {
      as: owner,
      body: { serviceType: 'ip-fast-examination', title: '专利预审', regions: ['CN-SC'], remote: false, languages: ['zh-CN'], capacityPerMonth: 5, publicWelfare: true, leadTimeDays: 1 },
    });
    expect(o.status, JSON.stringify(o.body)).toBe(201);

    expect(await app.handlers.lapse({}, {} as never)).toMatchObject({ designationsLapsed: 0 });
    // While the designation holds, the offering is matched.
    const before = await postNeed(app.call, actor('sme'), {}, { serviceType: 'ip-fast-examination', deadline: '2026-12-31' });
    await app.drain();
    expect((await app.call('GET', `/v1/needs/${before}`, { as: operator })).body.status).toBe('PROPOSED');

    app.setNow('2026-07-01T02:00:00.000Z');
    expect(await app.handlers.lapse({}, {} as never)).toMatchObject({ designationsLapsed: 1 });
    expect(await app.handlers.lapse({}, {} as never)).toMatchObject({ designationsLapsed: 0 });
    const lapsed = await app.call('GET', `/v1/providers/${p.body.id}`, { as: operator });
    expect(lapsed.body).toMatchObject({ status: 'APPROVED', designationLapsedAt: '2026-07-01T02:00:00.000Z' });

    const needId = await postNeed(app.call, actor('sme'), {}, { serviceType: 'ip-fast-examination', deadline: '2026-12-31' });
    await app.drain();
    const need = await app.call('GET', `/v1/needs/${needId}`, { as: operator });
    expect(need.body.status).toBe('WAITING');
  });
});
