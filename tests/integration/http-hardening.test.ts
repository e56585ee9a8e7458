/**
 * What an adversarial probe of `npm start` found (issue 15), through the real
 * local gateway: each request is refused with the contract's 400 and writes
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTextBody } from '#local/aws-shapes.ts';
import { expectError, needBody, smeBody, startHttpEnv, type HttpEnv, type Token } from '#tests/support/http.ts';

let env: HttpEnv;
beforeAll(async () => {
  env = await startHttpEnv();
});
afterAll(async () => {
  await env?.close();
});

/** The SMEs a token's owner has: none after a refused create. */
async function smesOf(owner: Token): Promise<unknown[]> {
  const res = await env.api('GET', '/v1/smes', { token: owner.token });
  expect(res.status, res.text).toBe(200);
  return res.body.items as unknown[];
}

describe('a route without a body schema', () => {
  it.each([['[]'], ['[1]'], ['1'], ['"x"'], ['true'], ['null'], ['{"reason":"x"}']])('refuses the body %s with 400 and leaves the need as it was', async (raw) => {
    const owner = await env.token('sme');
    const sme = await env.api('POST', '/v1/smes', { token: owner.token, body: smeBody() });
    expect(sme.status, sme.text).toBe(201);
    const need = await env.api('POST', `/v1/smes/${sme.body.id}/needs`, { token: owner.token, body: needBody({ serviceType: 'legal-aid' }) });
    expect(need.status, need.text).toBe(201);

    const res = await env.api('POST', `/v1/needs/${need.body.id}/withdraw`, { token: owner.token, rawBody: raw, headers: { 'content-type': 'application/json' } });
    expectError(res, 400, 'VALIDATION_FAILED', 'body');
    const after = await env.api('GET', `/v1/needs/${need.body.id}`, { token: owner.token });
    expect(after.body.status).toBe('WAITING');
  });

  it('accepts no body and an empty object', async () => {
    const owner = await env.token('sme');
    const sme = await env.api('POST', '/v1/smes', { token: owner.token, body: smeBody() });
    const post = () => env.api('POST', `/v1/smes/${sme.body.id}/needs`, { token: owner.token, body: needBody({ serviceType: 'legal-aid' }) });
    const [a, b] = [await post(), await post()];
    expect((await env.api('POST', `/v1/needs/${a.body.id}/withdraw`, { token: owner.token })).body.status).toBe('WITHDRAWN');
    expect((await env.api('POST', `/v1/needs/${b.body.id}/withdraw`, { token: owner.token, body: {} })).body.status).toBe('WITHDRAWN');
  });
});

describe('text encoding of a JSON body', () => {
  const validName = JSON.stringify(smeBody());

  it('refuses invalid UTF-8 instead of storing replacement characters', async () => {
    const owner = await env.token('sme');
    const body = JSON.stringify(smeBody({ name: 'abXYZ' }));
    const bytes = Buffer.from(body, 'utf8');
    const at = bytes.indexOf('XYZ');
    bytes.set([0xff, 0xfe, 0xc3], at);
    const res = await env.api('POST', '/v1/smes', { token: owner.token, rawBody: new Uint8Array(bytes), headers: { 'content-type': 'application/json' } });
    expectError(res, 400, 'VALIDATION_FAILED', 'body');
    expect(res.body.error.details[0].message).toMatch(/UTF-8/);
    expect(await smesOf(owner)).toEqual([]);
  });

  it('hands invalid UTF-8 to the handler base64-encoded whatever the declared type, so it sees the bytes sent', () => {
    const bad = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d]);
    expect(isTextBody('application/json', bad)).toBe(false);
    expect(isTextBody(undefined, bad)).toBe(false);
    expect(isTextBody('application/json', Buffer.from('{"a":"中"}'))).toBe(true);
  });

  it.each([['application/json; charset=iso-8859-1'], ['application/json;charset="latin1"'], ['application/json; charset=utf-16']])(
    'refuses a body declared as %s with 400 naming the content type',
    async (type) => {
      const owner = await env.token('sme');
      const res = await env.api('POST', '/v1/smes', { token: owner.token, rawBody: validName, headers: { 'content-type': type } });
      expectError(res, 400, 'VALIDATION_FAILED', 'header.content-type');
      expect(await smesOf(owner)).toEqual([]);
    },
  );

  it('accepts a body declared as UTF-8 in any spelling', async () => {
    const owner = await env.token('sme');
    const res = await env.api('POST', '/v1/smes', { token: owner.token, rawBody: validName, headers: { 'content-type': 'application/json; charset=UTF-8' } });
    expect(res.status, res.text).toBe(201);
  });

  it('refuses a lone surrogate in a value or a key, and keeps a proper pair', async () => {
    const owner = await env.token('sme');
    const lone = JSON.stringify(smeBody({ name: 'PLACEHOLDER' })).replace('PLACEHOLDER', 'ab\\ud800cd');
    const r1 = await env.api('POST', '/v1/smes', { token: owner.token, rawBody: lone, headers: { 'content-type': 'application/json' } });
    expectError(r1, 400, 'VALIDATION_FAILED', 'body.name');
    const key = JSON.stringify(smeBody()).replace('{', '{"\\udfff":1,');
    const r2 = await env.api('POST', '/v1/smes', { token: owner.token, rawBody: key, headers: { 'content-type': 'application/json' } });
    expectError(r2, 400, 'VALIDATION_FAILED');
    expect(await smesOf(owner)).toEqual([]);

    const pair = JSON.stringify(smeBody({ name: 'PLACEHOLDER' })).replace('PLACEHOLDER', 'Valve \\ud83d\\ude00 Co.');
    const ok = await env.api('POST', '/v1/smes', { token: owner.token, rawBody: pair, headers: { 'content-type': 'application/json' } });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.name).toBe('Valve \u{1F600} Co.');
  });
});

describe('validation messages', () => {
  it('reports a value of the wrong type as such, not as missing', async () => {
    const owner = await env.token('sme');
    const res = await env.api('POST', '/v1/smes', { token: owner.token, body: smeBody({ name: 123, region: [] }) });
    expectError(res, 400, 'VALIDATION_FAILED', 'body.name');
    const messages = Object.fromEntries((res.body.error.details as { path: string; message: string }[]).map((d) => [d.path, d.message]));
    expect(messages['body.name']).toBe('expected a string, got a number');
    expect(messages['body.region']).toBe('expected an object, got an array');
  });

  it('still reports a missing field as required', async () => {
    const owner = await env.token('sme');
    const { name: _, ...rest } = smeBody();
    const res = await env.api('POST', '/v1/smes', { token: owner.token, body: rest });
    expectError(res, 400, 'VALIDATION_FAILED', 'body.name');
    expect(res.body.error.details.find((d: { path: string }) => d.path === 'body.name').message).toBe('required (string)');
  });
});

describe('query parameters', () => {
  it.each([['__proto__'], ['constructor'], ['hasOwnProperty']])('passes ?%s=1 to the strict query schema, which refuses it as unknown', async (name) => {
    const owner = await env.token('sme');
    const res = await env.api('GET', `/v1/smes?${name}=1`, { token: owner.token });
    expectError(res, 400, 'VALIDATION_FAILED', 'query');
    expect(res.body.error.details[0].message).toBe(`unknown field: ${name}`);
  });
});
