/**
 * Register imports (api.md "Registers") through the local gateway over real
 * HTTP: CSV bodies beyond the JSON limit, 202 at once, background progress
 * with row errors, re-import changing nothing, one running import per
 * operator, an SME verified by the tier register, and the provider directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUscc } from '#domain/uscc.ts';
import { translate } from '#functions/http/error-language.ts';
import { expectError, smeBody, startHttpEnv, type ApiResponse, type HttpEnv, type Token } from '#tests/support/http.ts';

let env: HttpEnv;
let op: Token;
let serial = 40_000_000 + Math.floor(Math.random() * 1_000_000);
const uscc = (province: 'CN-SC' | 'CN-GD' | 'CN-ZJ' = 'CN-SC') => makeUscc(province, serial++);

beforeAll(async () => {
  env = await startHttpEnv();
  op = await env.token('operator');
});
afterAll(async () => {
  await env?.close();
});

const TIERS_HEADER = 'uscc,name,tier,batch,validUntil';
const csv = (lines: string[]) => lines.join('\n') + '\n';
const post = (path: string, body: string | Uint8Array, token = op.token, type = 'text/csv; charset=utf-8') =>
  env.api('POST', path, { token, rawBody: body, headers: { 'content-type': type } });

/** Polls the import until it leaves RUNNING, checking progress never goes backwards. */
async function finished(importId: string, token = op.token): Promise<ApiResponse> {
  let last = -1;
  for (let i = 0; i < 400; i++) {
    const r = await env.api('GET', `/v1/imports/${importId}`, { token });
    expect(r.status, r.text).toBe(200);
    expect(r.body.processed).toBeGreaterThanOrEqual(last);
    last = r.body.processed;
    if (r.body.status !== 'RUNNING') return r;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`import ${importId} still RUNNING`);
}

describe('tier register', () => {
  it('answers 202 at once and records progress, accepted and rejected rows, and each bad row with its field', async () => {
    const good = [uscc(), uscc(), uscc()];
    const body =
      '\uFEFF' +
      csv([
        TIERS_HEADER,
        `${good[0]},"成都精密传动科技有限公司, 第一分厂",LITTLE_GIANT,第五批,2030-12-31`,
        `${good[1]},重庆"小巨人"电子,SPECIALIZED,,2030-06-30`,
        `91510100MA6CGKQJ40,错误校验码公司,INNOVATIVE,,2030-01-01`,
        `${good[2]},杭州创新材料,INNOVATIVE,2024,2030-01-01`,
        `${uscc()},无效等级,GIANT,,2030-01-01`,
        `${uscc()},日期错误,INNOVATIVE,,31/12/2030`,
        `${good[0]},重复代码,INNOVATIVE,,2030-01-01`,
      ]);
    const r = await post('/v1/registers/tiers', body);
    expect(r.status, r.text).toBe(202);
    expect(Object.keys(r.body)).toEqual(['importId']);

    const done = await finished(r.body.importId);
    expect(done.body).toMatchObject({ id: r.body.importId, kind: 'TIERS', status: 'DONE', total: 7, processed: 7, accepted: 3, rejected: 4, errorCount: 4 });
    expect(done.body.finishedAt).toEqual(expect.any(String));
    const byRow = Object.fromEntries(done.body.errors.map((e: { row: number; field: string }) => [e.row, e.field]));
    // Spreadsheet rows: the header is row 1.
    expect(byRow).toEqual({ 4: 'uscc', 6: 'tier', 7: 'validUntil', 8: 'uscc' });
    expect(done.body.errors.find((e: { row: number }) => e.row === 6).message).toMatch(/LITTLE_GIANT/);

    // The console's operator reads the same errors in Chinese (functions/http/error-language.ts).
    const zh = await env.api('GET', `/v1/imports/${r.body.importId}`, { token: op.token, headers: { 'accept-language': 'zh-CN' } });
    expect(zh.body.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual(done.body.errors.map((e: { row: number; field: string }) => [e.row, e.field]));
    zh.body.errors.forEach((e: { message: string }, i: number) => expect(e.message).toBe(translate(done.body.errors[i].message)));
    expect(zh.body.errors.find((e: { row: number }) => e.row === 8).message).toBe('同一统一社会信用代码已出现在第 2 行');
  });

  it('re-importing the same file answers the same import and writes nothing', async () => {
    const body = csv([TIERS_HEADER, `${uscc()},深圳精工,SPECIALIZED,第四批,2030-12-31`]);
    const first = await post('/v1/registers/tiers', body);
    expect(first.status, first.text).toBe(202);
    const done = await finished(first.body.importId);
    const again = await post('/v1/registers/tiers', body);
    expect(again.status, again.text).toBe(202);
    expect(again.body.importId).toBe(first.body.importId);
    await env.idle();
    const after = await env.api('GET', `/v1/imports/${first.body.importId}`, { token: op.token });
    expect(after.body).toEqual(done.body);
  });

  it('verifies the tier of the SME holding a listed USCC: a declared tier alone never does', async () => {
    const smeOwner = await env.token('sme');
    const code = uscc('CN-SC');
    const s = await env.api('POST', '/v1/smes', { token: smeOwner.token, body: smeBody({ uscc: code, tier: 'LITTLE_GIANT' }) });
    expect(s.status, s.text).toBe(201);
    expect(s.body.tier).toBe('NONE');

    const r = await post('/v1/registers/tiers', csv([TIERS_HEADER, `${code},成都精密阀门有限公司,LITTLE_GIANT,第五批,2030-12-31`]));
    expect((await finished(r.body.importId)).body.accepted).toBe(1);
    const verified = await env.api('GET', `/v1/smes/${s.body.id}`, { token: smeOwner.token });
    expect(verified.body.tier).toBe('LITTLE_GIANT');
    expect(verified.body.tierVerification).toMatchObject({ source: 'REGISTER', validUntil: '2030-12-31', batch: '第五批' });
  });

  it('takes a file far beyond the 64 KiB JSON limit, and refuses one over 5 MiB with 413', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => `${uscc('CN-GD')},广东企业${i},INNOVATIVE,,2030-12-31`);
    const body = csv([TIERS_HEADER, ...rows]);
    expect(Buffer.byteLength(body)).toBeGreaterThan(64 * 1024);
    const r = await post('/v1/registers/tiers', body);
    expect(r.status, r.text).toBe(202);
    expect((await finished(r.body.importId)).body).toMatchObject({ status: 'DONE', total: 2500, accepted: 2500, rejected: 0 });

    const huge = TIERS_HEADER + '\n' + 'x'.repeat(5 * 1024 * 1024);
    expectError(await post('/v1/registers/tiers', huge), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('one running import per operator: a second file while the first runs is 429 QUOTA_EXCEEDED naming the limit', async () => {
    const operator = await env.token('operator');
    const big = (province: 'CN-ZJ' | 'CN-GD') => csv([TIERS_HEADER, ...Array.from({ length: 3000 }, (_, i) => `${uscc(province)},企业${i},SPECIALIZED,,2030-12-31`)]);
    const [a, b] = await Promise.all([post('/v1/registers/tiers', big('CN-ZJ'), operator.token), post('/v1/registers/tiers', big('CN-GD'), operator.token)]);
    const statuses = [a.status, b.status].sort();
    expect(statuses, `${a.text} ${b.text}`).toEqual([202, 429]);
    const refused = a.status === 429 ? a : b;
    expectError(refused, 429, 'QUOTA_EXCEEDED', 'quota.importsRunning');

    // Another operator is not held by it; and once the first is done, the slot is free again.
    const other = await env.token('operator');
    const small = await post('/v1/registers/tiers', csv([TIERS_HEADER, `${uscc()},别的运营者,INNOVATIVE,,2030-01-01`]), other.token);
    expect(small.status, small.text).toBe(202);
    await finished((a.status === 202 ? a : b).body.importId);
    const next = await post('/v1/registers/tiers', csv([TIERS_HEADER, `${uscc()},之后,INNOVATIVE,,2030-01-01`]), operator.token);
    expect(next.status, next.text).toBe(202);
  });

  it('refuses before writing anything: another group, another media type, a wrong header, a non-UTF-8 file', async () => {
    const operator = await env.token('operator');
    const ok = csv([TIERS_HEADER, `${uscc()},某公司,INNOVATIVE,,2030-01-01`]);
    const provider = await env.token('provider');
    expectError(await post('/v1/registers/tiers', ok, provider.token), 403, 'FORBIDDEN');
    expectError(await env.api('POST', '/v1/registers/tiers', { token: operator.token, body: { csv: ok } }), 400, 'VALIDATION_FAILED', 'header.content-type');
    expectError(await post('/v1/registers/tiers', ok, operator.token, 'text/csv; charset=gbk'), 400, 'VALIDATION_FAILED', 'header.content-type');
    const badHeader = await post('/v1/registers/tiers', csv(['uscc,name,level,batch,validUntil', `${uscc()},某公司,INNOVATIVE,,2030-01-01`]), operator.token);
    expectError(badHeader, 400, 'VALIDATION_FAILED', 'body');
    expect(badHeader.body.error.message).toMatch(/missing tier/);
    expectError(await post('/v1/registers/tiers', Buffer.from([0x75, 0x73, 0xff, 0xfe, 0x0a]), operator.token), 400, 'VALIDATION_FAILED', 'body');
    expectError(await post('/v1/registers/tiers', '', operator.token), 400, 'VALIDATION_FAILED', 'body');
    // None of these took the operator's import slot.
    expect((await post('/v1/registers/tiers', ok, operator.token)).status).toBe(202);
    expectError(await env.api('GET', '/v1/imports/im_doesnotexist00', { token: operator.token }), 404, 'NOT_FOUND');
  });
});

describe('provider directory', () => {
  const HEADER = 'uscc,name,kind,regions,languages,contactName,contactEmail,ownerSub';

  it('creates APPROVED providers keyed by USCC; one without an owner is visible to operators only; re-listing updates it', async () => {
    const owner = await env.token('provider');
    const [owned, ownerless] = [uscc(), uscc()];
    const first = await post(
      '/v1/registers/providers',
      csv([
        HEADER,
        `${owned},四川省知识产权保护中心,IP_PROTECTION_CENTRE,CN-SC;CN-CQ,zh-CN;en,王芳,wang@example.cn,${owner.sub}`,
        `${ownerless},成都快速维权中心,RIGHTS_PROTECTION_CENTRE,CN-SC,zh-CN,李强,li@example.cn,`,
        `${uscc()},未知机构,SPACE_AGENCY,CN-SC,zh-CN,赵,zhao@example.cn,`,
      ]),
    );
    expect(first.status, first.text).toBe(202);
    expect((await finished(first.body.importId)).body).toMatchObject({ status: 'DONE', accepted: 2, rejected: 1 });

    const mine = await env.api('GET', '/v1/providers', { token: owner.token });
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({ uscc: owned, status: 'APPROVED', ownerSub: owner.sub, regions: ['CN-SC', 'CN-CQ'], contact: { name: '王芳', email: 'wang@example.cn' } });

    const all = await env.api('GET', '/v1/providers?status=APPROVED&limit=100', { token: op.token });
    const names = all.body.items.filter((p: { uscc?: string }) => p.uscc === ownerless);
    expect(names).toHaveLength(1);
    expect(names[0].ownerSub).toBe('');

    const second = await post('/v1/registers/providers', csv([HEADER, `${owned},四川省知识产权保护中心（更名）,IP_PROTECTION_CENTRE,CN-SC,zh-CN,王芳,wang@example.cn,`]));
    expect((await finished(second.body.importId)).body.accepted).toBe(1);
    const renamed = await env.api('GET', `/v1/providers/${mine.body.items[0].id}`, { token: owner.token });
    // The same provider, renamed; an empty ownerSub keeps the owner it has.
    expect(renamed.body).toMatchObject({ name: '四川省知识产权保护中心（更名）', regions: ['CN-SC'], ownerSub: owner.sub });
  });

  it('refuses a row whose USCC belongs to an SME', async () => {
    const smeOwner = await env.token('sme');
    const code = uscc();
    expect((await env.api('POST', '/v1/smes', { token: smeOwner.token, body: smeBody({ uscc: code }) })).status).toBe(201);
    const r = await post('/v1/registers/providers', csv([HEADER, `${code},冒名机构,LEGAL_AID_ORGANISATION,CN-SC,zh-CN,孙,sun@example.cn,`]));
    const done = await finished(r.body.importId);
    expect(done.body).toMatchObject({ accepted: 0, rejected: 1 });
    expect(done.body.errors[0]).toMatchObject({ row: 2, field: 'uscc' });
  });
});
