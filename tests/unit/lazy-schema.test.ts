/**
 * lazySchema (domain/lazy-schema.ts): a schema built on first use behaves as
 * the same schema built at once, for every way the code uses one: parse and
 * safeParse (results and error messages), zod's compositions (nested,
 * optional, array, extend, pick, check), JSON Schema, `instanceof`, spread.
 * Each case builds the eager and the lazy schema from one factory and
 * compares what they answer.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as zc from 'zod';
import * as z from 'zod/mini';
import { lazySchema } from '#domain/lazy-schema.ts';

const contact = () =>
  z.strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(5)),
    email: z.optional(z.email()),
  });
const kind = () => z.enum(['A', 'B'], { error: (iss) => `not a kind: ${String(iss.input)}` });

/** The outcome of a safeParse as plain data: the value, or each issue's code, path and message. */
function outcome(s: { safeParse(v: unknown): { success: boolean; data?: unknown; error?: { issues: unknown[] } } }, v: unknown): unknown {
  const r = s.safeParse(v);
  return r.success ? { data: r.data } : { issues: JSON.parse(JSON.stringify(r.error!.issues)) };
}

const INPUTS: unknown[] = [
  { name: '  Li  ' },
  { name: 'Li', email: 'li@example.cn' },
  { name: '' },
  { name: 'toolongname', email: 'nope' },
  { name: 'Li', extra: 1 },
  null,
  'x',
  { kind: 'C', contact: { name: 'Li' } },
  { kind: 'A', contact: { name: 'Li', role: 'x' } },
  { kind: 'B', contact: { name: 'Li' }, tags: ['a', 'b'] },
];

describe('lazySchema', () => {
  it('builds nothing until the schema is used, then builds it once', () => {
    let builds = 0;
    const C = lazySchema(() => {
      builds++;
      return contact();
    });
    const Outer = lazySchema(() => z.object({ c: C, cs: z.array(C), maybe: z.optional(C) }));
    const composedAtOnce = z.object({ c: z.optional(C) }); // composing reads nothing of C until a parse
    expect(builds).toBe(0);
    expect(Outer.parse({ c: { name: 'Li' }, cs: [{ name: 'Wu' }] })).toEqual({ c: { name: 'Li' }, cs: [{ name: 'Wu' }] });
    expect(composedAtOnce.parse({})).toEqual({});
    expect(C.parse({ name: 'Zh' })).toEqual({ name: 'Zh' });
    expect(builds).toBe(1);
  });

  it('parses, trims and reports errors exactly as the eager schema, alone and nested in others', () => {
    const make = (c: ReturnType<typeof contact>, k: ReturnType<typeof kind>) => ({
      c,
      nested: z.strictObject({ kind: k, contact: c, tags: z.optional(z.array(z.string())) }),
      optional: z.optional(c),
      array: z.array(c),
      checked: c.check(z.refine((o) => o.name !== 'Li', 'not Li')),
      extended: z.extend(c, { role: z.optional(z.string()) }),
      picked: z.pick(c, { name: true }),
      partial: z.partial(c),
    });
    const eager = make(contact(), kind());
    const lazy = make(
      lazySchema(contact),
      lazySchema(kind),
    );
    for (const key of Object.keys(eager) as Array<keyof typeof eager>) {
      for (const v of INPUTS) expect(outcome(lazy[key], v), `${key} ${JSON.stringify(v)}`).toEqual(outcome(eager[key], v));
    }
  });

  it('throws the same ZodError from parse, with the same message', () => {
    const eager = contact();
    const lazy = lazySchema(contact);
    const err = (s: typeof eager) => {
      try {
        s.parse({ name: '', email: 'x' });
      } catch (e) {
        return e as Error;
      }
      throw new Error('parse accepted an invalid value');
    };
    const [a, b] = [err(eager), err(lazy)];
    expect(b.constructor).toBe(a.constructor);
    expect(b.message).toBe(a.message);
    expect(b.message).toMatch(/too_small[\s\S]*invalid_format/);
  });

  it('is an instance of the schema class and shows its shape, def and options', () => {
    const lazy = lazySchema(contact);
    const e = lazySchema(kind);
    expect(lazy).toBeInstanceOf(z.ZodMiniObject);
    expect(e).toBeInstanceOf(z.ZodMiniEnum);
    expect(Object.getPrototypeOf(lazy)).toBe(Object.getPrototypeOf(contact()));
    expect(Object.keys(lazy.shape)).toEqual(['name', 'email']);
    expect(lazy.def.type).toBe('object');
    expect(e.options).toEqual(['A', 'B']);
    expect('_zod' in lazy).toBe(true);
    expect(Object.keys(lazy).sort()).toEqual(Object.keys(contact()).sort());
    expect(Object.getOwnPropertyDescriptor(lazy, '_zod')?.value).toBe(lazy._zod);
  });

  it('gives the same JSON Schema, alone and nested', () => {
    const doc = (c: ReturnType<typeof contact>) => z.toJSONSchema(z.object({ a: c, b: z.array(c) }), { target: 'draft-2020-12', io: 'input' });
    expect(doc(lazySchema(contact))).toEqual(doc(contact()));
    expect(z.toJSONSchema(lazySchema(kind))).toEqual(z.toJSONSchema(kind()));
  });

  it("forwards classic zod's methods (extend, pick, optional) too", () => {
    const make = () => zc.object({ n: zc.number().int().min(1) });
    const eager = make();
    const lazy = lazySchema(make);
    expect(lazy).toBeInstanceOf(zc.ZodObject);
    for (const v of [{ n: 1 }, { n: 0 }, { n: 1, m: 'x' }, { n: 1.5 }, {}]) {
      expect(outcome(lazy.extend({ m: zc.string() }), v)).toEqual(outcome(eager.extend({ m: zc.string() }), v));
      expect(outcome(lazy.pick({ n: true }).strict(), v)).toEqual(outcome(eager.pick({ n: true }).strict(), v));
      expect(outcome(lazy.optional(), v)).toEqual(outcome(eager.optional(), v));
    }
  });

  it('defers an object of schemas spread into others, and keeps its type', () => {
    let builds = 0;
    const base = lazySchema(() => {
      builds++;
      return { id: z.string(), at: z.iso.datetime() };
    });
    const Detail = lazySchema(() => z.object({ ...base, n: z.int() }));
    expect(builds).toBe(0);
    expect(Detail.parse({ id: 'x', at: '2026-01-01T00:00:00Z', n: 1 })).toEqual({ id: 'x', at: '2026-01-01T00:00:00Z', n: 1 });
    expect(Detail.safeParse({ id: 'x', at: 'yesterday', n: 1 }).success).toBe(false);
    expect(base.id.parse('y')).toBe('y');
    expect(builds).toBe(1);
    expectTypeOf<z.infer<typeof Detail>>().toEqualTypeOf<{ id: string; at: string; n: number }>();
  });

  it('keeps the inferred type of the schema it stands for', () => {
    const lazy = lazySchema(contact);
    expectTypeOf<z.infer<typeof lazy>>().toEqualTypeOf<z.infer<ReturnType<typeof contact>>>();
    expectTypeOf(lazy).toEqualTypeOf<ReturnType<typeof contact>>();
  });

  it('lets a thrown build fail at each use rather than leave a half-built schema', () => {
    let calls = 0;
    const broken = lazySchema((): ReturnType<typeof contact> => {
      calls++;
      throw new Error('bad schema');
    });
    expect(() => broken.parse({})).toThrow('bad schema');
    expect(() => broken.parse({})).toThrow('bad schema');
    expect(calls).toBe(2);
  });
});

describe('the lazy schemas of domain/model.ts and events/contracts.ts', () => {
  it('parse each event detail, with the fields spread from the shared bases, and refuse a malformed one', async () => {
    const { DETAIL_SCHEMAS, DETAIL_TYPES, makeEvent, parseDetail } = await import('#events/contracts.ts');
    const at = '2026-03-01T08:00:00.000Z';
    const match = { serviceType: 'ip-fast-examination', occurredAt: at, matchId: 'mt_1', needId: 'nd_1', offeringId: 'of_1', providerId: 'pr_1', smeId: 'sm_1', smeOwnerSub: 'u1', providerOwnerSub: 'u2', status: 'CONFIRMED', period: '2026-03' } as const;
    const e = makeEvent('MatchConfirmed', 'mt_1', 3, match);
    expect(parseDetail('MatchConfirmed', e.detail)).toEqual({ ...match, eventId: e.id, schemaVersion: 1 });
    // Every field comes from a spread of `base`: a wrong market, status or date is refused as the eager schema did.
    const bad = parseDetail.bind(null, 'MatchConfirmed');
    expect(() => bad({ ...e.detail, serviceType: 'ip-slow-examination' })).toThrow(/serviceType/);
    expect(() => bad({ ...e.detail, status: 'DONE' })).toThrow(/status/);
    expect(() => bad({ ...e.detail, occurredAt: 'yesterday' })).toThrow(/occurredAt/);
    const sme = makeEvent('SmeChanged', 'sm_1', 2, { occurredAt: at, smeId: 'sm_1' });
    expect(parseDetail('SmeChanged', sme.detail)).toEqual({ occurredAt: at, smeId: 'sm_1', eventId: sme.id, schemaVersion: 1 });
    expect(() => parseDetail('SmeChanged', { ...sme.detail, serviceType: 'ip-fast-examination' })).toThrow(/serviceType/);
    expect(() => parseDetail('ImportChunkRequested', { schemaVersion: 2, eventId: 'x', occurredAt: at, importId: 'im_1', fromRow: 1 })).toThrow(/schemaVersion/);
    for (const t of DETAIL_TYPES) expect(DETAIL_SCHEMAS[t].safeParse({}).success, t).toBe(false);
  });

  it('build the model schemas on first use with the same messages: a near-miss province or service type, a strict body', async () => {
    const { CreateNeedBody, Region, province } = await import('#domain/model.ts');
    const r = Region.safeParse({ province: 'cn-sc' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/CN-SC/);
    expect(province.safeParse('CN-SC').success).toBe(true);
    const need = CreateNeedBody.safeParse({ serviceType: 'ip-fast-examinaton', description: 'x', remoteOk: true, deadline: '2026-12-31', status: 'MATCHED' });
    expect(need.success).toBe(false);
    const messages = need.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    expect(messages).toMatch(/serviceType: must be a catalog service type id/);
    expect(need.error!.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });
});
