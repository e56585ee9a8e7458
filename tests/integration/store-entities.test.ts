/**
 * The store's entities against dynalite: get by id for every kind, batchGet,
 * and optimistic concurrency (insert of an existing id, update from a stale version).
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
/** Writes what a test made, as made (see freshTable). */
let seed: Awaited<ReturnType<typeof freshTable>>['seed'];
beforeAll(async () => {
  const db = await freshTable('entities');
  // Its clock reads the factories' base time: the updates below are stamped with it.
  store = db.at(BASE_TIME);
  seed = db.seed;
});

describe('get by id', () => {
  it('returns each kind exactly as created, without table attributes', async () => {
    const provider = makeProvider();
    const offering = offeringOf(provider, { capacityPerMonth: 3, markets: ['DE'], remote: true });
    const sme = makeSme({ tier: 'LITTLE_GIANT', weakFoundation: true });
    const need = needOf(sme, { recheckAt: minutesAfter(BASE_TIME, 30) });
    const match = matchOf(need, offering, { feedback: { rating: 5, comment: '很专业', at: BASE_TIME } });

    await seed('provider', provider);
    await seed('offering', offering);
    await seed('sme', sme);
    await seed('need', need);
    await seed('match', match);

    // toStrictEqual: no pk/sk/gsi*/type attribute leaks out, nothing is lost.
    expect(await store.get('provider', provider.id)).toStrictEqual(provider);
    expect(await store.get('offering', offering.id)).toStrictEqual(offering);
    expect(await store.get('sme', sme.id)).toStrictEqual(sme);
    expect(await store.get('need', need.id)).toStrictEqual(need);
    expect(await store.get('match', match.id, true)).toStrictEqual(match);
  });

  it('answers undefined for an unknown id, and for an id of another kind', async () => {
    const sme = makeSme();
    await seed('sme', sme);
    expect(await store.get('need', 'need_does-not-exist')).toBeUndefined();
    expect(await store.get('provider', sme.id)).toBeUndefined();
  });

  it('batchGet returns the existing ones by id, skipping unknown ids and duplicates', async () => {
    const provider = makeProvider();
    const offerings = Array.from({ length: 5 }, () => offeringOf(provider));
    for (const o of offerings) await seed('offering', o);
    const ids = [...offerings.map((o) => o.id), offerings[0]!.id, 'off_unknown'];

    const got = await store.batchGet('offering', ids);

    expect([...got.keys()].sort()).toEqual(offerings.map((o) => o.id).sort());
    for (const o of offerings) expect(got.get(o.id)).toStrictEqual(o);
  });
});

describe('optimistic concurrency', () => {
  it('insert of an existing id fails with Conflict and leaves the stored entity as it was', async () => {
    const sme = makeSme({ name: 'first' });
    await seed('sme', sme);

    await expect(store.insert('sme', { ...sme, name: 'second' })).rejects.toBeInstanceOf(Conflict);
    expect((await store.get('sme', sme.id))?.name).toBe('first');
  });

  it('update replaces the entity when the stored version is prev.version', async () => {
    const need = needOf(makeSme());
    await seed('need', need);
    const prev = (await store.get('need', need.id, true))!;

    await store.update('need', prev, { description: 'updated' });

    expect(await store.get('need', need.id, true)).toStrictEqual({ ...need, description: 'updated', version: 2 });
  });

  it('update from a stale prev version fails with Conflict and writes nothing', async () => {
    const need = needOf(makeSme());
    await seed('need', need);
    const stale = (await store.get('need', need.id, true))!;
    await store.update('need', stale, { status: 'WITHDRAWN' });

    await expect(store.update('need', stale, { description: 'lost update' })).rejects.toBeInstanceOf(Conflict);

    const now = await store.get('need', need.id, true);
    expect(now).toMatchObject({ status: 'WITHDRAWN', version: 2, description: need.description });
  });

  it('of concurrent updates from the same version exactly one wins', async () => {
    const offering = offeringOf(makeProvider());
    await seed('offering', offering);
    const prev = (await store.get('offering', offering.id, true))!;

    const results = await Promise.allSettled([
      store.update('offering', prev, { title: 'A' }),
      store.update('offering', prev, { title: 'B' }),
      store.update('offering', prev, { title: 'C' }),
    ]);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(2);
    for (const l of lost) expect(l.reason).toBeInstanceOf(Conflict);
    expect((await store.get('offering', offering.id, true))?.version).toBe(2);
  });

  it('update writes prev.version + 1 whatever version a caller slips into the changes', async () => {
    const provider = makeProvider();
    await seed('provider', provider);
    const prev = (await store.get('provider', provider.id, true))!;

    // The types refuse `version` in changes; a caller casting past them still cannot skip a version.
    await store.update('provider', prev, { name: 'x', version: 3 } as { name: string });
    expect((await store.get('provider', provider.id, true))?.version).toBe(2);
  });
});
