/**
 * Shared pieces of the endpoint fuzzers (fast run in tests/reliability, long
 * run in tests/soak): a fixture with one record of every kind, arbitraries of
 * requests built from valid-ish inputs and then mutated (wrong types, extra
 * and missing keys, huge and unicode strings, nested junk, malformed JSON,
 * random queries, headers, ids and callers), a write recorder on the
 * document client, and the properties every answer must have.
 */
import { createHash } from 'node:crypto';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { expect } from 'vitest';
import { PROVIDER_KINDS, SERVICE_TYPE_IDS } from '#domain/catalog.ts';
import { MATCH_STATUSES, SIZE_CLASSES, TIERS } from '#domain/model.ts';
import { PROVINCE_CODES } from '#domain/regions.ts';
import { makeUscc } from '#domain/uscc.ts';
import { HTTP_ROUTES, type HttpRoute } from '#functions/http/routes.ts';
import type { Role } from '#functions/ports.ts';
import { actor, testApp, type Actor, type CallOptions } from '#tests/support/app.ts';
import { testUscc } from '#tests/support/factories.ts';
import { CODE_OF } from '#tests/support/http.ts';

export type TestApp = Awaited<ReturnType<typeof testApp>>;

/** The contract's status of each error code (api.md), plus the gateway's 431. */
export const CODE_OF_STATUS: Record<number, string> = {
  ...CODE_OF,
  // Request line or headers too large (the gateway's answer for what node's HTTP parser refuses).
  431: 'PAYLOAD_TOO_LARGE',
};

/** Codes a status may carry besides its own: a second registration of a USCC is a 409 DUPLICATE (api.md v2). */
const OTHER_CODES_OF_STATUS: Record<number, string[]> = { 409: ['DUPLICATE'] };

/** Every 4xx: `{ error: { code, message, details: [{ path, message }] } }` with the code of its status. */
export function expectContractError(status: number, body: unknown, context: string): void {
  const where = `${context} -> ${status} ${JSON.stringify(body)?.slice(0, 400)}`;
  expect(body, where).toBeTypeOf('object');
  const err = (body as { error?: unknown })?.error as { code?: unknown; message?: unknown; details?: unknown } | undefined;
  expect(err, where).toBeTypeOf('object');
  expect([CODE_OF_STATUS[status] ?? `a code for ${status}`, ...(OTHER_CODES_OF_STATUS[status] ?? [])], where).toContain(err!.code);
  expect(typeof err!.message === 'string' && err!.message.length > 0, where).toBe(true);
  expect(Array.isArray(err!.details), where).toBe(true);
  for (const d of err!.details as unknown[]) {
    expect(typeof (d as { path?: unknown }).path, where).toBe('string');
    expect(typeof (d as { message?: unknown }).message, where).toBe('string');
  }
}

// ------------------------------------------------------------------ write recorder

const WRITE_COMMANDS = [PutCommand, UpdateCommand, DeleteCommand, BatchWriteCommand, TransactWriteCommand];

export interface WriteRecorder {
  /** Successful writes so far (a conditional write that failed wrote nothing). */
  count: number;
  log: string[];
}

/** Counts every write the document client completes; the store under test holds this same client. */
export function recordWrites(doc: DynamoDBDocumentClient): WriteRecorder {
  const rec: WriteRecorder = { count: 0, log: [] };
  const original = doc.send.bind(doc) as (cmd: unknown, ...rest: unknown[]) => Promise<unknown>;
  (doc as unknown as { send: (cmd: unknown, ...rest: unknown[]) => Promise<unknown> }).send = async (cmd, ...rest) => {
    const out = await original(cmd, ...rest);
    if (WRITE_COMMANDS.some((C) => cmd instanceof C)) {
      rec.count++;
      const input = (cmd as { input: { Key?: unknown; Item?: { pk?: unknown; sk?: unknown } } }).input;
      rec.log.push(`${(cmd as object).constructor.name} ${JSON.stringify(input.Key ?? { pk: input.Item?.pk, sk: input.Item?.sk })}`);
      if (rec.log.length > 50) rec.log.shift();
    }
    return out;
  };
  return rec;
}

/** A digest of a whole (throwaway) table, by Scan: equal digests, nothing written. */
export async function tableDigest(raw: DynamoDBClient, tableName: string): Promise<{ items: number; digest: string }> {
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await raw.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start as never, ConsistentRead: true }));
    for (const i of res.Items ?? []) items.push(JSON.stringify(i));
    start = res.LastEvaluatedKey;
  } while (start);
  items.sort();
  return { items: items.length, digest: createHash('sha256').update(items.join('\n')).digest('hex') };
}

// ------------------------------------------------------------------ valid inputs

export const NOW = '2026-12-01T08:00:00.000Z';

export const providerBody = () => ({
  name: 'Sichuan Green Audit 四川绿色审计',
  kind: 'GREEN_AUDIT_FIRM',
  regions: ['CN-SC', 'CN-CQ'],
  languages: ['zh-CN', 'en'],
  certifications: [{ type: 'CMA', number: '211912345678', validUntil: '2028-12-31' }],
});
export const offeringBody = (over: Record<string, unknown> = {}) => ({
  serviceType: 'energy-audit',
  title: 'On-site energy audit 现场能源审计',
  regions: ['CN-SC'],
  remote: false,
  languages: ['zh-CN'],
  capacityPerMonth: 40,
  publicWelfare: true,
  leadTimeDays: 3,
  ...over,
});
export const smeBody = () => ({
  name: 'Chengdu Valve Co. 成都阀门',
  // New at every call: one profile per USCC on the platform.
  uscc: testUscc('CN-SC'),
  sizeClass: 'SMALL',
  tier: 'INNOVATIVE',
  industry: 'valves',
  region: { province: 'CN-SC', city: 'Chengdu' },
});
export const needBody = (over: Record<string, unknown> = {}) => ({
  serviceType: 'energy-audit',
  description: 'Annual energy audit of our plant 年度能源审计',
  remoteOk: false,
  deadline: '2027-03-31',
  ...over,
});

// ------------------------------------------------------------------ fixture

export interface Fixture {
  app: TestApp;
  writes: WriteRecorder;
  prov: Actor;
  prov2: Actor;
  sme: Actor;
  sme2: Actor;
  op: Actor;
  /** Ids of every kind, the caller's own first. */
  ids: Record<'providerId' | 'offeringId' | 'smeId' | 'needId' | 'matchId' | 'notificationId' | 'importId' | 'programmeId', string[]>;
  cursors: string[];
}

async function ok(app: TestApp, method: string, path: string, opts: CallOptions, status = 200) {
  const res = await app.call(method, path, opts);
  if (res.status !== status) throw new Error(`fixture: ${method} ${path} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Two providers with an offering each, two SMEs with needs, proposals for
 * them (one approved, so both parties have a notification), and a cursor.
 */
export async function fuzzFixture(): Promise<Fixture> {
  const app = await testApp({ NOW });
  const [prov, prov2, sme, sme2, op] = [actor('provider'), actor('provider'), actor('sme'), actor('sme'), actor('operator')];
  const p1 = await ok(app, 'POST', '/v1/providers', { as: prov, body: providerBody() }, 201);
  const p2 = await ok(app, 'POST', '/v1/providers', { as: prov2, body: providerBody() }, 201);
  // New providers are PENDING: approved, so their offerings are matched.
  await ok(app, 'POST', `/v1/providers/${p1.id}/approve`, { as: op });
  await ok(app, 'POST', `/v1/providers/${p2.id}/approve`, { as: op });
  const o1 = await ok(app, 'POST', `/v1/providers/${p1.id}/offerings`, { as: prov, body: offeringBody() }, 201);
  const o2 = await ok(app, 'POST', `/v1/providers/${p2.id}/offerings`, { as: prov2, body: offeringBody({ capacityPerMonth: 40 }) }, 201);
  const s1 = await ok(app, 'POST', '/v1/smes', { as: sme, body: smeBody() }, 201);
  const s2 = await ok(app, 'POST', '/v1/smes', { as: sme2, body: smeBody() }, 201);
  const needs: string[] = [];
  for (let i = 0; i < 3; i++) needs.push((await ok(app, 'POST', `/v1/smes/${s1.id}/needs`, { as: sme, body: needBody() }, 201)).id);
  const n2 = (await ok(app, 'POST', `/v1/smes/${s2.id}/needs`, { as: sme2, body: needBody() }, 201)).id;
  await app.drain();
  const matches: string[] = [];
  for (const n of [...needs, n2]) {
    const got = await ok(app, 'GET', `/v1/needs/${n}`, { as: n === n2 ? sme2 : sme });
    if (got.currentMatch) matches.push(got.currentMatch.id);
  }
  if (matches.length < 2) throw new Error('fixture: the matcher proposed too little');
  await ok(app, 'POST', `/v1/matches/${matches[0]}/approve`, { as: op });
  await app.drain();
  const inbox = await ok(app, 'GET', '/v1/inbox', { as: sme });
  const notes = (inbox.items as { id: string }[]).map((n) => n.id);
  const page = await ok(app, 'GET', `/v1/smes/${s1.id}/needs?limit=1`, { as: sme });
  // An import (run to the end) whose progress the GET route reads.
  const imported = await ok(app, 'POST', '/v1/registers/tiers', { as: op, rawBody: tiersCsv(3), headers: { 'content-type': 'text/csv' } }, 202);
  await app.drain();
  // A voucher programme with a voucher of the first SME: its routes read and issue against it.
  const programme = await ok(
    app,
    'POST',
    '/v1/voucher-programmes',
    { as: op, body: { name: '模糊测试服务券', serviceTypes: ['energy-audit'], budget: 50_000, faceValue: 1_000, validUntil: '2030-12-31' } },
    201,
  );
  await ok(app, 'POST', `/v1/voucher-programmes/${programme.id}/vouchers`, { as: op, body: { smeId: s1.id } }, 201);
  const writes = recordWrites(app.doc);
  return {
    app,
    writes,
    prov,
    prov2,
    sme,
    sme2,
    op,
    ids: {
      providerId: [p1.id, p2.id],
      offeringId: [o1.id, o2.id],
      smeId: [s1.id, s2.id],
      needId: [...needs, n2],
      matchId: matches,
      notificationId: notes,
      importId: [imported.importId],
      programmeId: [programme.id],
    },
    cursors: [page.nextCursor].filter(Boolean),
  };
}

// ------------------------------------------------------------------ arbitraries

/** Strings of every sort: unicode (astral, combining, RTL), control characters, lone surrogates, big. */
export const anyString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '\t\n',
      '💥🇨🇳',
      'é',
      '\u202Eevil',
      '\uD800',
      'null',
      '<script>alert(1)</script>',
      "' OR 1=1 --",
      '${jndi:ldap://x}',
      '../../etc/passwd',
      '%00',
      '2026-02-30',
      '2026-13-01',
      '0000-00-00',
      '9999-12-31',
      'CN-SC',
      'cn-sc',
      'zh-CN',
      'zh-cn',
      'x-private',
      'DE',
      'XX',
      'energy-audit',
      'ENERGY-AUDIT',
      '__proto__',
      'constructor',
      'NaN',
      '1e309',
      '-0',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 70_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => '鼎'.repeat(n)) },
);

/** Any JSON-ish value: scalars of every type, nested junk, big numbers. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: anyString },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1, 1.5, -0.5, 1e21, -1e21, 2 ** 53 + 1, 1e308, [], {}) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(anyString, { maxLength: 8 }) },
  { weight: 1, arbitrary: fc.dictionary(anyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 60 }).map((depth) => {
      let v: unknown = 'deep';
      for (let i = 0; i < depth * 20; i++) v = i % 2 ? [v] : { a: v };
      return v;
    }),
  },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...PROVINCE_CODES, 'CN-SC', 'XX'), { maxLength: 40 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('zh-CN', 'en', 'zh-cn', 'EN', 'x', 'de-DE', 'en'), { maxLength: 25 }) },
);

type Json = Record<string, unknown>;

/** Paths of the leaves and objects of a JSON value, e.g. ['region', 'province']. */
function pathsOf(v: unknown, prefix: string[] = []): string[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...prefix, k]));
  return out;
}

function setAt(root: unknown, path: string[], value: unknown, remove = false): unknown {
  if (path.length === 0) return remove ? undefined : value;
  const copy: Json | unknown[] = Array.isArray(root) ? [...root] : { ...(root as Json) };
  const [head, ...rest] = path as [string, ...string[]];
  const child = (copy as Json)[head];
  if (rest.length === 0) {
    if (remove) {
      if (Array.isArray(copy)) copy.splice(Number(head), 1);
      else delete (copy as Json)[head];
    } else (copy as Json)[head] = value;
  } else (copy as Json)[head] = setAt(child ?? {}, rest, value, remove);
  return copy;
}

type Mutation =
  | { kind: 'drop'; pick: number }
  | { kind: 'set'; pick: number; value: unknown }
  | { kind: 'extra'; key: string; value: unknown }
  | { kind: 'replace'; value: unknown };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: junkValue }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('extra' as const),
      key: fc.oneof(
        anyString,
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'status', 'ownerSub', 'id', 'rating', 'used', 'version', 'pendingEvents', 'pk'),
      ),
      value: junkValue,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), value: junkValue }) },
);

function applyMutation(body: unknown, m: Mutation): unknown {
  if (m.kind === 'replace') return m.value;
  if (m.kind === 'extra') {
    if (body === null || typeof body !== 'object') return body;
    // A real own property named "__proto__", as JSON.parse makes it.
    const text = JSON.stringify(body);
    if (!text.startsWith('{')) return body;
    return JSON.parse(`{${JSON.stringify(m.key)}:${JSON.stringify(m.value ?? null)}${text.length > 2 ? ',' : ''}${text.slice(1)}`);
  }
  const paths = pathsOf(body);
  if (paths.length === 0) return body;
  const path = paths[m.pick % paths.length]!;
  return m.kind === 'drop' ? setAt(body, path, undefined, true) : setAt(body, path, m.value);
}

/** A valid body, then zero to three mutations (zero: the request may well succeed). */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.array(mutationArb, { maxLength: 3 })).map(([b, ms]) => ms.reduce(applyMutation, b));
}

/** Malformed or odd JSON text. */
export const rawBodyArb: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat()).map(([v, cut]) => {
    const s = JSON.stringify(v) ?? '';
    return s.slice(0, cut % (s.length + 1));
  }),
  anyString,
  fc.constantFrom(
    '{',
    '}',
    '{"a":1,}',
    "{'a':1}",
    '\uFEFF{}',
    '{"name":"a","name":"b"}',
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    'NaN',
    'undefined',
    '[]',
    '[{}]',
    '0',
    '""',
    'true',
    '{"rating":1e999}',
    '{"capacityPerMonth":-0}',
    `{"a":"${'\\u0000'.repeat(10)}"}`,
    '{"a":"\\ud800"}',
  ),
  fc.integer({ min: 65_000, max: 70_000 }).map((n) => JSON.stringify({ name: 'x'.repeat(n) })),
  fc.integer({ min: 1, max: 3_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
);

const langArb = fc.constantFrom('zh-CN', 'en', 'en-GB', 'de', 'fr', 'ja', 'ko', 'ru');
const provinceArb = fc.constantFrom(...PROVINCE_CODES);
const countryArb = fc.constantFrom('DE', 'US', 'JP', 'FR', 'SG', 'BR');
const textArb = fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), fc.constantFrom('Energy audit', '工业设计'));
/** Codes that fail one rule each: check character, case, excluded letter, length, division, organisation check. */
const usccNearMissArb = fc.constantFrom('915100000000000197', '915100000000000l96', '9I5100000000000196', '91510000000000019', '919900000000000196', '915100000000000296', ' 915100000000000196');

const certificationArb = fc.record(
  {
    type: fc.constantFrom('CMA', 'CNAS', 'ISO_CERTIFICATION_BODY', 'CNIPA_DESIGNATION', 'MIIT_DESIGN_CENTRE', 'OTHER', 'cma'),
    number: textArb,
    issuer: textArb,
    validUntil: fc.constantFrom('2020-01-01', '2026-12-01', '2030-12-31', '2030-02-30', '31/12/2030'),
  },
  { requiredKeys: ['type', 'number', 'validUntil'] },
);

/** A tiers register of `rows` valid rows, each a new USCC. */
let registerSerial = 80_000_000;
export const tiersCsv = (rows: number) =>
  ['uscc,name,tier,batch,validUntil', ...Array.from({ length: rows }, (_, i) => `${makeUscc('CN-SC', registerSerial++)},企业${i},SPECIALIZED,,2030-12-31`)].join('\n') + '\n';

/** Register files of the CSV routes: valid, with bad rows, with a wrong header, or not CSV at all. */
const csvArb = (header: string) =>
  fc.oneof(
    fc.integer({ min: 1, max: 4 }).map((n) => (header.startsWith('uscc,name,tier') ? tiersCsv(n) : `${header}\n${makeUscc('CN-SC', registerSerial++)},机构,LEGAL_AID_ORGANISATION,CN-SC;CN-CQ,zh-CN,王,w@example.cn,\n`)),
    fc.array(fc.array(anyString, { maxLength: 9 }).map((cells) => cells.join(',')), { maxLength: 4 }).map((rows) => [header, ...rows].join('\n')),
    fc.constantFrom('', '\uFEFF', 'uscc\n', '"unterminated,\n', `${header}\n"a,b`, 'a,b,c\n1,2,3\n'),
    anyString,
  );

/** Raw (CSV) bodies of the routes that declare one. */
export const RAW_BODIES: Record<string, fc.Arbitrary<string>> = {
  'POST /v1/registers/tiers': csvArb('uscc,name,tier,batch,validUntil'),
  'POST /v1/registers/providers': csvArb('uscc,name,kind,regions,languages,contactName,contactEmail,ownerSub'),
};

/** A contact, valid or nearly: phones in each accepted form and some that are not. */
const contactArb = fc.record(
  {
    name: textArb,
    phone: fc.constantFrom('+8613812345678', '13812345678', '010-12345678', '0755 1234567', '12345', '+0123', ''),
    email: fc.constantFrom('li.na@example.cn', 'not-an-email', '@example.cn'),
  },
  { requiredKeys: ['name'] },
);

/** Valid (or nearly valid) bodies of every route that takes one. */
export const VALID_BODIES: Record<string, fc.Arbitrary<unknown>> = {
  'POST /v1/providers/{providerId}/certifications': fc.record({
    certifications: fc.uniqueArray(certificationArb, { maxLength: 3, selector: (c) => `${c.type}|${c.number}` }),
  }),
  'POST /v1/providers': fc.record(
    {
      name: textArb,
      kind: fc.constantFrom(...PROVIDER_KINDS),
      regions: fc.uniqueArray(provinceArb, { minLength: 1, maxLength: 4 }),
      languages: fc.uniqueArray(langArb, { minLength: 1, maxLength: 3 }),
      certifications: fc.uniqueArray(certificationArb, { maxLength: 3, selector: (c) => `${c.type}|${c.number}` }),
      description: textArb,
      uscc: fc.oneof(fc.integer({ min: 0, max: 99_999_999 }).map((n) => makeUscc('CN-SC', n)), usccNearMissArb),
    },
    { requiredKeys: ['name', 'kind', 'regions', 'languages', 'certifications'] },
  ),
  'POST /v1/providers/{providerId}/reject': fc.record({ reason: textArb }),
  'POST /v1/providers/{providerId}/suspend': fc.record({ reason: textArb }),
  'POST /v1/providers/{providerId}/offerings': fc.record(
    {
      serviceType: fc.constantFrom(...SERVICE_TYPE_IDS),
      title: textArb,
      regions: fc.uniqueArray(provinceArb, { minLength: 1, maxLength: 4 }),
      remote: fc.boolean(),
      markets: fc.uniqueArray(countryArb, { maxLength: 3 }),
      languages: fc.uniqueArray(langArb, { minLength: 1, maxLength: 3 }),
      capacityPerMonth: fc.integer({ min: 0, max: 50 }),
      priceMin: fc.integer({ min: 0, max: 10_000 }),
      priceMax: fc.integer({ min: 10_000, max: 100_000 }),
      publicWelfare: fc.boolean(),
      eligibility: fc.record(
        { sizeClasses: fc.uniqueArray(fc.constantFrom(...SIZE_CLASSES), { minLength: 1 }), tiers: fc.uniqueArray(fc.constantFrom(...TIERS), { minLength: 1 }) },
        { requiredKeys: [] },
      ),
      leadTimeDays: fc.integer({ min: 0, max: 60 }),
    },
    { requiredKeys: ['serviceType', 'title', 'regions', 'remote', 'languages', 'capacityPerMonth', 'publicWelfare', 'leadTimeDays'] },
  ),
  'PATCH /v1/offerings/{offeringId}': fc.record(
    {
      capacityPerMonth: fc.integer({ min: 0, max: 60 }),
      status: fc.constantFrom('ACTIVE', 'PAUSED'),
      title: textArb,
      remote: fc.boolean(),
      regions: fc.uniqueArray(provinceArb, { maxLength: 3 }),
      priceMin: fc.integer({ min: 0, max: 100_000 }),
      priceMax: fc.integer({ min: 0, max: 100_000 }),
      leadTimeDays: fc.integer({ min: 0, max: 30 }),
    },
    { requiredKeys: [] },
  ),
  // Mostly a USCC of the body's own province (else the province check refuses it before anything else).
  'POST /v1/smes': fc.tuple(provinceArb, fc.integer({ min: 0, max: 99_999_999 })).chain(([province, serial]) =>
    fc.record(
      {
        name: textArb,
        uscc: fc.oneof({ weight: 4, arbitrary: fc.constant(makeUscc(province, serial)) }, { weight: 1, arbitrary: usccNearMissArb }),
        sizeClass: fc.constantFrom(...SIZE_CLASSES),
        tier: fc.constantFrom(...TIERS),
        industry: textArb,
        region: fc.record({ province: fc.constant(province), city: textArb }, { requiredKeys: ['province'] }),
        weakFoundation: fc.boolean(),
      },
      { requiredKeys: ['name', 'uscc', 'sizeClass', 'tier', 'industry', 'region'] },
    ),
  ),
  'PATCH /v1/smes/{smeId}/verification': fc.record(
    {
      tier: fc.constantFrom(...TIERS),
      tierValidUntil: fc.constantFrom('2020-01-01', '2026-12-31', '2030-06-30', '2027-02-29', 'tomorrow'),
      sizeClass: fc.constantFrom(...SIZE_CLASSES),
      weakFoundation: fc.boolean(),
      note: textArb,
    },
    { requiredKeys: ['note'] },
  ),
  'POST /v1/smes/{smeId}/suspend': fc.record({ reason: textArb }),
  'POST /v1/smes/{smeId}/needs': fc.record(
    {
      serviceType: fc.constantFrom('energy-audit', ...SERVICE_TYPE_IDS),
      description: textArb,
      remoteOk: fc.boolean(),
      languages: fc.uniqueArray(langArb, { maxLength: 3 }),
      markets: fc.uniqueArray(countryArb, { maxLength: 3 }),
      budgetMax: fc.integer({ min: 0, max: 200_000 }),
      deadline: fc.constantFrom('2027-03-31', '2026-12-01', '2026-11-30', '2028-02-29', '2027-02-29', '2026-12-31'),
    },
    { requiredKeys: ['serviceType', 'description', 'remoteOk', 'deadline'] },
  ),
  'POST /v1/voucher-programmes': fc.record(
    {
      name: textArb,
      serviceTypes: fc.uniqueArray(fc.constantFrom(...SERVICE_TYPE_IDS), { minLength: 1, maxLength: 3 }),
      provinces: fc.uniqueArray(provinceArb, { maxLength: 3 }),
      budget: fc.integer({ min: -1, max: 2_000_000_000 }),
      faceValue: fc.integer({ min: -1, max: 100_000 }),
      eligibility: fc.record(
        { sizeClasses: fc.uniqueArray(fc.constantFrom(...SIZE_CLASSES), { minLength: 1 }), tiers: fc.uniqueArray(fc.constantFrom(...TIERS), { minLength: 1 }) },
        { requiredKeys: [] },
      ),
      validUntil: fc.constantFrom('2030-12-31', '2026-01-01', '2027-02-29', 'soon'),
    },
    { requiredKeys: ['name', 'serviceTypes', 'budget', 'faceValue', 'validUntil'] },
  ),
  'POST /v1/voucher-programmes/{programmeId}/vouchers': fc.record({ smeId: fc.oneof(fc.constant('sm_unknown_but_wellformed'), textArb) }),
  'POST /v1/matches/{matchId}/reject': fc.record({ reason: textArb }),
  'POST /v1/matches/{matchId}/decline': fc.record({ reason: textArb }, { requiredKeys: [] }),
  'POST /v1/matches/{matchId}/feedback': fc.record({ rating: fc.integer({ min: 0, max: 6 }), comment: textArb }, { requiredKeys: ['rating'] }),
  'POST /v1/matches/{matchId}/dispute': fc.record({ reason: textArb }),
  'POST /v1/matches/{matchId}/resolve': fc.record({ outcome: fc.constantFrom('COMPLETED', 'CANCELLED', 'REFUNDED'), note: textArb }, { requiredKeys: ['outcome'] }),
  'PATCH /v1/smes/{smeId}': fc.record(
    {
      name: textArb,
      industry: textArb,
      region: fc.record({ city: textArb, province: provinceArb }, { requiredKeys: [] }),
      contact: contactArb,
    },
    { requiredKeys: [] },
  ),
  'PATCH /v1/providers/{providerId}': fc.record(
    { name: textArb, description: textArb, contact: contactArb, languages: fc.uniqueArray(langArb, { maxLength: 3 }) },
    { requiredKeys: [] },
  ),
};

const PREFIX: Record<string, string> = {
  providerId: 'pr',
  offeringId: 'of',
  smeId: 'sm',
  needId: 'nd',
  matchId: 'mt',
  notificationId: 'nt',
  importId: 'im',
  programmeId: 'vp',
};

const idChars = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'.split(''));

/** Path parameter values: the fixture's (own and foreign), well-formed unknown ids, and junk. */
export function paramArb(name: string, fx: Fixture): fc.Arbitrary<string> {
  const own = fx.ids[name as keyof Fixture['ids']] ?? [];
  const all = Object.values(fx.ids).flat();
  const prefix = PREFIX[name] ?? 'xx';
  return fc.oneof(
    ...(own.length ? [{ weight: 8, arbitrary: fc.constantFrom(...own) }] : []),
    { weight: 1, arbitrary: fc.constantFrom(...all) },
    { weight: 1, arbitrary: fc.string({ unit: idChars, minLength: 10, maxLength: 64 }).map((s) => `${prefix}_${s}`) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: idChars, minLength: 25, maxLength: 25 }).map((s) => `nt_${s}`),
    },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
        fc.constantFrom('..', '.', '%', '%2F', ' ', 'null', `${prefix}_`, `${prefix}_${'a'.repeat(65)}`, 'nt_zzzzzzzzzAAAAAAAAAAAAAAAA', 'a'.repeat(3000)),
      ),
    },
  );
}

const QUERY_KEYS = ['limit', 'cursor', 'period', 'status', 'serviceType', 'order', 'province', 'lang'];

function queryValueArb(key: string, fx: Fixture): fc.Arbitrary<string> {
  const valid: Record<string, fc.Arbitrary<string>> = {
    limit: fc.oneof(fc.integer({ min: -5, max: 120 }).map(String), fc.constantFrom('001', '1.5', '1e2', ' 5', '0x10', '')),
    cursor: fc.oneof(...(fx.cursors.length ? [fc.constantFrom(...fx.cursors)] : []), fc.base64String({ maxLength: 80 }), fc.constantFrom('a.b', 'a.b.c', '.', 'eyJzIjoiIn0.x')),
    period: fc.oneof(fc.constantFrom('2026-12', '2026-13', '2026-00', '26-12', '2026-1', '9999-12', '0000-01'), fc.string({ maxLength: 10 })),
    status: fc.oneof(fc.constantFrom(...MATCH_STATUSES, 'PENDING', 'REJECTED'), fc.constantFrom('proposed', 'WAITING', '')),
    serviceType: fc.oneof(fc.constantFrom(...SERVICE_TYPE_IDS), fc.constantFrom('Energy-Audit', 'x', '')),
    order: fc.constantFrom('oldest', 'newest', 'NEWEST', 'random', ''),
    province: fc.oneof(fc.constantFrom(...PROVINCE_CODES), fc.constantFrom('Sichuan', 'cn-sc', '四川省', '')),
    lang: fc.constantFrom('zh', 'en', 'ZH', 'fr', 'zh-CN', ''),
  };
  return fc.oneof({ weight: 3, arbitrary: valid[key] ?? anyString }, { weight: 1, arbitrary: anyString });
}

export function queryArb(fx: Fixture): fc.Arbitrary<Record<string, string> | undefined> {
  const known = fc.constantFrom(...QUERY_KEYS).chain((k) => queryValueArb(k, fx).map((v) => [k, v] as const));
  const unknown = fc.tuple(anyString.filter((k) => k.length > 0), anyString);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: fc.array(known, { maxLength: 3 }).map((kv) => Object.fromEntries(kv)) },
    { weight: 1, arbitrary: fc.array(fc.oneof(known, unknown), { maxLength: 4 }).map((kv) => Object.fromEntries(kv)) },
  );
}

export const idempotencyKeyArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/),
  fc.constantFrom('fixed-key-1', 'fixed-key-2', 'fixed-key-1'),
  anyString,
  fc.constant('k'.repeat(129)),
);

export const contentTypeArb = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/problem+json',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonp',
  'text/csv',
  'text/csv; charset=utf-8',
  'text/csv; charset=gbk',
  '',
  '*/*',
);

export function headersArb(): fc.Arbitrary<Record<string, string>> {
  return fc
    .record(
      {
        'idempotency-key': idempotencyKeyArb,
        'content-type': contentTypeArb,
        'accept-language': fc.oneof(fc.constantFrom('en-GB,en;q=0.9', 'zh-TW', '*;q=0', 'zh;q=0, en;q=abc', 'fr'), anyString),
        'x-junk': anyString,
      },
      { requiredKeys: [] },
    )
    .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => typeof v === 'string')));
}

const ODD_ROLES = ['admin', '', 'SME', 'sme provider', '[operator]', 'operator,', 'Operator', '"sme"'];

/** The caller: the fixture's own actors mostly, strangers, and malformed claims (odd groups, empty or unicode subs). */
export function callerArb(fx: Fixture, route: HttpRoute): fc.Arbitrary<Actor> {
  const preferred: Record<string, Actor[]> = {
    providers: [fx.prov],
    smes: [fx.sme],
    matches: [fx.op, fx.sme, fx.prov],
    inbox: [fx.sme, fx.prov, fx.op],
    analytics: [fx.op],
    registers: [fx.op],
    vouchers: [fx.op, fx.sme, fx.prov],
    public: [fx.sme],
  };
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...(preferred[route.group] ?? [fx.sme])) },
    { weight: 3, arbitrary: fc.constantFrom(fx.prov, fx.prov2, fx.sme, fx.sme2, fx.op) },
    {
      weight: 1,
      arbitrary: fc.record({
        role: fc.oneof(fc.constantFrom<string>('sme', 'provider', 'operator'), fc.constantFrom(...ODD_ROLES)).map((r) => r as Role),
        sub: fc.oneof(fc.uuid(), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constant('')),
      }),
    },
  );
}

export interface FuzzCase {
  route: HttpRoute;
  params: Record<string, string>;
  as: Actor | undefined;
  body?: unknown;
  rawBody?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

function bodyArb(route: HttpRoute): fc.Arbitrary<{ body?: unknown; rawBody?: string; headers?: Record<string, string> }> {
  const key = `${route.method} ${route.path}`;
  const csv = RAW_BODIES[key];
  if (csv) {
    return fc.oneof(
      { weight: 6, arbitrary: csv.map((rawBody) => ({ rawBody, headers: { 'content-type': 'text/csv' } })) },
      { weight: 2, arbitrary: csv.map((rawBody) => ({ rawBody })) },
      { weight: 1, arbitrary: fc.constant({}) },
      { weight: 1, arbitrary: junkValue.map((body) => ({ body })) },
    );
  }
  const valid = VALID_BODIES[key];
  const none = fc.constant({});
  if (valid) {
    return fc.oneof(
      { weight: 2, arbitrary: valid.map((body) => ({ body })) },
      { weight: 6, arbitrary: mutated(valid).map((body) => ({ body })) },
      { weight: 1, arbitrary: none },
      { weight: 2, arbitrary: rawBodyArb.map((rawBody) => ({ rawBody })) },
    );
  }
  return fc.oneof(
    { weight: 6, arbitrary: none },
    { weight: 1, arbitrary: fc.constant({ body: {} }) },
    { weight: 1, arbitrary: junkValue.map((body) => ({ body })) },
    { weight: 1, arbitrary: rawBodyArb.map((rawBody) => ({ rawBody })) },
  );
}

/**
 * Every route; the all-markets analytics report (a few queries for each of
 * the catalog's ~36 markets, over a second against dynalite) is drawn less
 * often so the run's time goes to the many cheap routes.
 */
export const routeArb: fc.Arbitrary<HttpRoute> = fc.oneof(
  { weight: 10 * (HTTP_ROUTES.length - 1), arbitrary: fc.constantFrom(...HTTP_ROUTES.filter((r) => r.group !== 'analytics')) },
  { weight: 1, arbitrary: fc.constantFrom(...HTTP_ROUTES.filter((r) => r.group === 'analytics')) },
);

/** One request to any route of the contract. */
export function caseArb(fx: Fixture): fc.Arbitrary<FuzzCase> {
  return routeArb.chain((route) => {
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    return fc
      .record({
        params: fc.tuple(...names.map((n) => paramArb(n, fx))).map((vs) => Object.fromEntries(names.map((n, i) => [n, vs[i]!]))),
        as: route.auth === 'jwt' ? callerArb(fx, route) : fc.constant(undefined),
        payload: bodyArb(route),
        query: queryArb(fx),
        headers: fc.option(headersArb(), { nil: undefined, freq: 2 }),
      })
      .map(({ params, as, payload, query, headers }) =>
        withToString<FuzzCase>(
          {
            route,
            params,
            as,
            ...payload,
            ...(query ? { query } : {}),
            // Headers drawn for the case win over the content type a CSV body came with.
            ...(headers || payload.headers ? { headers: { ...(payload.headers ?? {}), ...(headers ?? {}) } } : {}),
          },
          describeCase,
        ),
      );
  });
}

/** Counterexamples print as one readable line, not as megabytes of generated junk. */
export function withToString<T extends object>(value: T, show: (v: T) => string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => show(value), enumerable: false });
  return value;
}

export function pathOf(c: Pick<FuzzCase, 'route' | 'params'>): string {
  return c.route.path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(c.params[n]!));
}

export function describeCase(c: FuzzCase): string {
  const body = c.rawBody !== undefined ? `raw ${JSON.stringify(c.rawBody.slice(0, 200))}` : `body ${JSON.stringify(c.body)?.slice(0, 300)}`;
  return `${c.route.method} ${pathOf(c).slice(0, 200)} as ${JSON.stringify(c.as)} query ${JSON.stringify(c.query)?.slice(0, 200)} headers ${JSON.stringify(c.headers)?.slice(0, 200)} ${body}`;
}

export interface FuzzStats {
  cases: number;
  byStatus: Record<number, number>;
}

/**
 * Runs one case in process and checks: never a 5xx; every 4xx in the
 * contract's error shape and with nothing written to the table and nothing
 * published.
 */
export async function runInProcessCase(fx: Fixture, c: FuzzCase, stats: FuzzStats): Promise<void> {
  const { app, writes } = fx;
  const writesBefore = writes.count;
  const publishedBefore = app.publisher.published.length;
  const opts: CallOptions = {};
  if (c.as) opts.as = c.as;
  if (c.body !== undefined) opts.body = c.body;
  if (c.rawBody !== undefined) opts.rawBody = c.rawBody;
  if (c.query) opts.query = c.query;
  if (c.headers) opts.headers = c.headers;
  let res: { status: number; body: unknown };
  try {
    res = await app.call(c.route.method, pathOf(c), opts);
  } catch (e) {
    throw new Error(`the handler threw (a 5xx in AWS) for ${describeCase(c)}: ${(e as Error).stack}`);
  }
  stats.cases++;
  stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
  const ctx = describeCase(c);
  expect(res.status, ctx).toBeLessThan(500);
  if (res.status >= 400) {
    expectContractError(res.status, res.body, ctx);
    expect(writes.count - writesBefore, `${ctx}\nwrites on a refusal: ${writes.log.slice(writes.count - writesBefore === 0 ? 0 : -(writes.count - writesBefore)).join('; ')}`).toBe(0);
    expect(app.publisher.published.length - publishedBefore, `${ctx}\nevents published on a refusal`).toBe(0);
  }
  // Let what a success caused run too (matcher rounds, notifications), so later cases meet more states.
  if (app.publisher.queue.length > 0) await app.drain();
}
