/**
 * The store's entities against dynalite: get by id for every kind, batchGet,
 * and optimistic concurrency (create of an existing id, save with a stale version).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Conflict } from '#domain/errors.ts';
import type { Store } from '#functions/store/store.ts';
import { freshTable } from '#tests/support/db.ts';
import {
  BASE_TIME,
  makeProvider,
  makeSme,
  matchOf,
  minutesAfter,
  needOf,
  offeringOf,
} from '#tests/support/factories.ts';

let store: Store;
beforeAll(async () => {
  store = (await freshTable('entities')).store();
});

describe('get by id', () => {
  it('returns each kind exactly as created, without table attributes', async () => {
    const provider = makeProvider();
    const offering = offeringOf(provider, { capacityPerMonth: 3, markets: ['DE'], remote: true });
    const sme = makeSme({ tier: 'LITTLE_GIANT', weakFoundation: true });
    const need = needOf(sme, { recheckAt: minutesAfter(BASE_TIME, 30) });
    const match = matchOf(need, offering, { feedback: { rating: 5, comment: '很专业', at: BASE_TIME } });

    await store.create('provider', provider);
    await store.create('offering', offering);
    await store.create('sme', sme);
    await store.create('need', need);
    await store.create('match', match);

    // toStrictEqual: no pk/sk/gsi*/type attribute leaks out, nothing is lost.
    expect(await store.get('provider', provider.id)).toStrictEqual(provider);
    expect(await store.get('offering', offering.id)).toStrictEqual(offering);
    expect(await store.get('sme', sme.id)).toStrictEqual(sme);
    expect(await store.get('need', need.id)).toStrictEqual(need);
    expect(await store.get('match', match.id, true)).toStrictEqual(match);
  });

  it('answers undefined for an unknown id, and for an id of another kind', async () => {
    const sme = makeSme();
    await store.create('sme', sme);
    expect(await store.get('need', 'need_does-not-exist')).toBeUndefined();
    expect(await store.get('provider', sme.id)).toBeUndefined();
  });

  it('batchGet returns the existing ones by id, skipping unknown ids and duplicates', async () => {
    const provider = makeProvider();
    const offerings = Array.from({ length: 5 }, () => offeringOf(provider));
    for (const o of offerings) await store.create('offering', o);
    const ids = [...offerings.map((o) => o.id), offerings[0]!.id, 'off_unknown'];

    const got = await store.batchGet('offering', ids);

    expect([...got.keys()].sort()).toEqual(offerings.map((o) => o.id).sort());
    for (const o of offerings) expect(got.get(o.id)).toStrictEqual(o);
  });
});

describe('optimistic concurrency', () => {
  it('create of an existing id fails with Conflict and leaves the stored entity as it was', async () => {
    const sme = makeSme({ name: 'first' });
    await store.create('sme', sme);

    await expect(store.create('sme', { ...sme, name: 'second' })).rejects.toBeInstanceOf(Conflict);
    expect((await store.get('sme', sme.id))?.name).toBe('first');
  });

  it('save replaces the entity when the stored version is prev.version', async () => {
    const need = needOf(makeSme());
    await store.create('need', need);
    const prev = (await store.get('need', need.id, true))!;

    await store.save('need', prev, { ...prev, description: 'updated', version: 2 });

    expect(await store.get('need', need.id, true)).toStrictEqual({ ...need, description: 'updated', version: 2 });
  });

  it('save with a stale prev version fails with Conflict and writes nothing', async () => {
    const need = needOf(makeSme());
    await store.create('need', need);
    const stale = (await store.get('need', need.id, true))!;
    await store.save('need', stale, { ...stale, status: 'WITHDRAWN', version: 2 });

    await expect(store.save('need', stale, { ...stale, description: 'lost update', version: 2 })).rejects.toBeInstanceOf(Conflict);

    const now = await store.get('need', need.id, true);
    expect(now).toMatchObject({ status: 'WITHDRAWN', version: 2, description: need.description });
  });

  it('of two concurrent saves from the same version exactly one wins', async () => {
    const offering = offeringOf(makeProvider());
    await store.create('offering', offering);
    const prev = (await store.get('offering', offering.id, true))!;

    const results = await Promise.allSettled([
      store.save('offering', prev, { ...prev, title: 'A', version: 2 }),
      store.save('offering', prev, { ...prev, title: 'B', version: 2 }),
      store.save('offering', prev, { ...prev, title: 'C', version: 2 }),
    ]);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(2);
    for (const l of lost) expect(l.reason).toBeInstanceOf(Conflict);
    expect((await store.get('offering', offering.id, true))?.version).toBe(2);
  });

  it('save refuses a next version that is not prev.version + 1', async () => {
    const provider = makeProvider();
    await store.create('provider', provider);
    const prev = (await store.get('provider', provider.id, true))!;

    await expect(store.save('provider', prev, { ...prev, name: 'x', version: 3 })).rejects.toThrow(/version/);
    expect((await store.get('provider', provider.id, true))?.version).toBe(1);
  });
});
