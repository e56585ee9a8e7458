/**
 * GET /v1/smes/{smeId}/vouchers pages like every list endpoint (api.md):
 * `limit` and `cursor` in, `{ items, nextCursor }` out, through the real
 * handlers on dynalite.
 */
import { describe, expect, it } from 'vitest';
import { actor, testApp } from '#tests/support/app.ts';
import { testUscc } from '#tests/support/factories.ts';

describe("an SME's vouchers, page by page", () => {
  it('pages through 3 vouchers with limit=2: two, then the last one and no cursor', async () => {
    const app = await testApp({ NOW: '2026-12-01T08:00:00.000Z' });
    const sme = actor('sme');
    const other = actor('sme');
    const op = actor('operator');
    const s = await app.call('POST', '/v1/smes', {
      as: sme,
      body: { name: '成都阀门有限公司', uscc: testUscc('CN-SC'), sizeClass: 'SMALL', tier: 'NONE', industry: '阀门', region: { province: 'CN-SC' } },
    });
    expect(s.status).toBe(201);
    const smeId = s.body.id as string;

    // One voucher per programme and SME: three programmes, three vouchers.
    const issued: string[] = [];
    for (const [i, serviceType] of ['energy-audit', 'ip-fast-examination', 'energy-audit'].entries()) {
      const prog = await app.call('POST', '/v1/voucher-programmes', {
        as: op,
        body: { name: `服务券 ${i + 1}`, serviceTypes: [serviceType], budget: 10_000, faceValue: 1_000 * (i + 1), validUntil: '2027-06-30' },
      });
      expect(prog.status).toBe(201);
      const v = await app.call('POST', `/v1/voucher-programmes/${prog.body.id}/vouchers`, { as: op, body: { smeId } });
      expect(v.status).toBe(201);
      issued.push(v.body.id as string);
    }

    const first = await app.call('GET', `/v1/smes/${smeId}/vouchers?limit=2`, { as: sme });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(typeof first.body.nextCursor).toBe('string');

    const second = await app.call('GET', `/v1/smes/${smeId}/vouchers?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { as: sme });
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();

    const seen = [...first.body.items, ...second.body.items] as Array<{ id: string; smeId: string; status: string; faceValue: number }>;
    expect(seen.map((v) => v.id).sort()).toEqual([...issued].sort());
    for (const v of seen) expect(v).toMatchObject({ smeId, status: 'ISSUED' });
    expect(seen.map((v) => v.faceValue).sort()).toEqual([1_000, 2_000, 3_000]);

    // Without a limit: the default page holds all three, as before.
    const all = await app.call('GET', `/v1/smes/${smeId}/vouchers`, { as: op });
    expect(all.status).toBe(200);
    expect((all.body.items as unknown[]).length).toBe(3);
    expect(all.body.nextCursor).toBeNull();

    // The paging query is validated like the other lists'; another owner still sees nothing.
    const bad = await app.call('GET', `/v1/smes/${smeId}/vouchers?limit=zero`, { as: sme });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await app.call('GET', `/v1/smes/${smeId}/vouchers?unknown=1`, { as: sme })).status).toBe(400);
    expect((await app.call('GET', `/v1/smes/${smeId}/vouchers?limit=2`, { as: other })).status).toBe(404);
  });
});
