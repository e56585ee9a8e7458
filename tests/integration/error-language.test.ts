/**
 * Refusals in the caller's language, through the local gateway: the same
 * bad request answers the same status, code and field paths whatever the
 * language; with `Accept-Language: zh-CN` its words are Chinese (those of
 * functions/http/error-language.ts for the English answer), without one
 * they stay the contract's English. Covers the refusals the unit test
 * cannot produce: the edge's own and those of the use cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '#functions/http/error-language.ts';
import { needBody, offeringBody, providerBody, smeBody, startHttpEnv, type ApiOptions, type HttpEnv, type Token } from '#tests/support/http.ts';

let env: HttpEnv;
let owner: Token;
let smeId: string;
let sme: Record<string, unknown>;
let providerOwner: Token;
let offeringId: string;
beforeAll(async () => {
  env = await startHttpEnv();
  owner = await env.token('sme');
  sme = smeBody();
  const created = await env.api('POST', '/v1/smes', { token: owner.token, body: sme });
  expect(created.status, created.text).toBe(201);
  smeId = created.body.id;
  providerOwner = await env.token('provider');
  const p = await env.api('POST', '/v1/providers', { token: providerOwner.token, body: providerBody() });
  expect(p.status, p.text).toBe(201);
  const o = await env.api('POST', `/v1/providers/${p.body.id}/offerings`, { token: providerOwner.token, body: offeringBody() });
  expect(o.status, o.text).toBe(201);
  offeringId = o.body.id;
});
afterAll(async () => {
  await env?.close();
});

const ZH = 'zh-CN,zh;q=0.9,en;q=0.8';
const HAN = /[\u4e00-\u9fff]/;

/** Sends the request in English and in Chinese; both refused alike, the Chinese words those of the English. */
async function bothWays(method: string, path: string, opts: () => ApiOptions & { token?: string }, status: number) {
  const en = await env.api(method, path, opts());
  const zhOpts = opts();
  const zh = await env.api(method, path, { ...zhOpts, headers: { ...(zhOpts.headers ?? {}), 'accept-language': ZH } });
  expect(en.status, en.text).toBe(status);
  expect(zh.status, zh.text).toBe(status);
  expect(zh.body.error.code).toBe(en.body.error.code);
  expect(zh.body.error.details.map((d: { path: string }) => d.path)).toEqual(en.body.error.details.map((d: { path: string }) => d.path));
  expect(en.body.error.details.length).toBeGreaterThan(0);
  en.body.error.details.forEach((d: { message: string }, i: number) => {
    const said = zh.body.error.details[i].message as string;
    expect(said, d.message).toMatch(HAN);
    expect(said).toBe(translate(d.message));
  });
  expect(zh.body.error.message).toBe(translate(en.body.error.message) ?? en.body.error.message);
  return { en: en.body.error, zh: zh.body.error };
}

describe('the edge refuses in the caller language', () => {
  it('malformed JSON', async () => {
    const { zh } = await bothWays('POST', '/v1/smes', () => ({ token: owner.token, rawBody: '{"name":', headers: { 'content-type': 'application/json' } }), 400);
    expect(zh.message).toBe('请求体不是有效的 JSON');
    expect(zh.details[0].message).toBe('JSON 格式错误');
  });

  it('a body that is not JSON', async () => {
    await bothWays('POST', '/v1/smes', () => ({ token: owner.token, rawBody: 'name=x', headers: { 'content-type': 'text/plain' } }), 400);
  });

  it('a charset other than UTF-8', async () => {
    await bothWays('POST', '/v1/smes', () => ({ token: owner.token, rawBody: '{}', headers: { 'content-type': 'application/json; charset=latin1' } }), 400);
  });

  it('invalid UTF-8', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]);
    await bothWays('POST', '/v1/smes', () => ({ token: owner.token, rawBody: bytes, headers: { 'content-type': 'application/json' } }), 400);
  });

  it('a lone surrogate', async () => {
    await bothWays('POST', '/v1/smes', () => ({ token: owner.token, rawBody: JSON.stringify(smeBody()).replace('成都', '\\ud800'), headers: { 'content-type': 'application/json' } }), 400);
  });

  it('a body on a route that takes none', async () => {
    const need = await env.api('POST', `/v1/smes/${smeId}/needs`, { token: owner.token, body: needBody({ serviceType: 'legal-aid' }) });
    expect(need.status, need.text).toBe(201);
    await bothWays('POST', `/v1/needs/${need.body.id}/withdraw`, () => ({ token: owner.token, rawBody: '{"x":1}', headers: { 'content-type': 'application/json' } }), 400);
  });

  it('a cursor another list issued, and a header of the wrong shape', async () => {
    await bothWays('GET', `/v1/smes/${smeId}/needs?cursor=bm90LWEtY3Vyc29y`, () => ({ token: owner.token }), 400);
    await bothWays('POST', `/v1/smes/${smeId}/needs`, () => ({ token: owner.token, body: needBody(), headers: { 'idempotency-key': 'not a key' } }), 400);
    await bothWays('GET', `/v1/smes/${smeId}/needs?limit=x`, () => ({ token: owner.token }), 400);
    await bothWays('GET', '/v1/needs/nd_1', () => ({ token: owner.token }), 400);
  });
});

describe('a file upload refused in the caller language', () => {
  it('the wrong media type, and no file at all', async () => {
    const operator = await env.token('operator');
    await bothWays('POST', '/v1/registers/tiers', () => ({ token: operator.token, rawBody: 'uscc', headers: { 'content-type': 'application/json' } }), 400);
    await bothWays('POST', '/v1/registers/tiers', () => ({ token: operator.token, headers: { 'content-type': 'text/csv' } }), 400);
  });
});

describe('the use cases refuse in the caller language', () => {
  it('a USCC already registered (409 DUPLICATE)', async () => {
    const { zh } = await bothWays('POST', '/v1/smes', () => ({ token: owner.token, body: sme }), 409);
    expect(zh.details[0].message).toBe('已登记：每个统一社会信用代码只能登记一个主体');
  });

  it('a deadline in the past', async () => {
    await bothWays('POST', `/v1/smes/${smeId}/needs`, () => ({ token: owner.token, body: needBody({ deadline: '2020-01-01' }) }), 400);
  });

  it('a patch that turns the price range upside down', async () => {
    await bothWays('PATCH', `/v1/offerings/${offeringId}`, () => ({ token: providerOwner.token, body: { priceMin: 900, priceMax: 100 } }), 400);
  });

  it('a USCC whose check character is wrong, word for word, and nothing written', async () => {
    const body = smeBody();
    const uscc = body.uscc as string;
    const wrong = uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0');
    const { zh } = await bothWays('POST', '/v1/smes', () => ({ token: owner.token, body: { ...body, uscc: wrong } }), 400);
    expect(zh.details).toEqual([{ path: 'body.uscc', message: `校验码（第 18 位）应为 "${uscc[17]}"，实际为 "${wrong[17]}"` }]);
    const mine = await env.api('GET', '/v1/smes', { token: owner.token });
    expect(mine.body.items.map((s: { uscc: string }) => s.uscc)).not.toContain(wrong);
  });
});

describe('what stays English', () => {
  it('a caller that prefers English, or names no language, reads the contract English', async () => {
    for (const headers of [{}, { 'accept-language': 'en-GB,zh;q=0.5' }] as Record<string, string>[]) {
      const res = await env.api('POST', '/v1/smes', { token: owner.token, rawBody: '{"name":', headers: { 'content-type': 'application/json', ...headers } });
      expect(res.body.error).toEqual({ code: 'VALIDATION_FAILED', message: 'the body is not valid JSON', details: [{ path: 'body', message: 'malformed JSON' }] });
    }
  });
});

describe('a 409 in the caller language, naming the state as the console does', () => {
  it('a need withdrawn twice', async () => {
    const need = await env.api('POST', `/v1/smes/${smeId}/needs`, { token: owner.token, body: needBody({ serviceType: 'legal-aid' }) });
    await env.api('POST', `/v1/needs/${need.body.id}/withdraw`, { token: owner.token });
    const en = await env.api('POST', `/v1/needs/${need.body.id}/withdraw`, { token: owner.token });
    const zh = await env.api('POST', `/v1/needs/${need.body.id}/withdraw`, { token: owner.token, headers: { 'accept-language': ZH } });
    expect([en.status, zh.status]).toEqual([409, 409]);
    expect(en.body.error.message).toBe('cannot withdraw a need that is WITHDRAWN');
    expect(zh.body.error).toEqual({ code: 'CONFLICT', message: '无法撤回：该需求当前为“已撤回”（WITHDRAWN）', details: [] });
  });

  it('a provider approved twice', async () => {
    const operator = await env.token('operator');
    const p = await env.api('POST', '/v1/providers', { token: providerOwner.token, body: providerBody() });
    expect((await env.api('POST', `/v1/providers/${p.body.id}/approve`, { token: operator.token })).status).toBe(200);
    const zh = await env.api('POST', `/v1/providers/${p.body.id}/approve`, { token: operator.token, headers: { 'accept-language': ZH } });
    expect(zh.status, zh.text).toBe(409);
    expect(zh.body.error.message).toBe('无法批准：该服务机构当前为“已通过审核”（APPROVED）');
  });
});
