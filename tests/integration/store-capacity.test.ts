/**
 * The capacity ledger against dynalite: one item per offering and month,
 * claimed and released by single conditional updates. No overbooking under
 * concurrency; claims and releases idempotent per need.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '#functions/store/store.ts';
import { freshTable } from '#tests/support/db.ts';
import { testId } from '#tests/support/factories.ts';

let store: Store;
beforeAll(async () => {
  store = (await freshTable('capacity')).store();
});

const PERIOD = '2026-03';
const needIds = (n: number) => Array.from({ length: n }, () => testId('need'));
const sorted = (xs: readonly string[]) => [...xs].sort();

/** Claims for each need in turn; returns the results. */
async function claimAll(offeringId: string, limit: number, needs: readonly string[], period = PERIOD) {
  const out = [];
  for (const n of needs) out.push(await store.claimCapacity(offeringId, period, limit, n));
  return out;
}

describe('claims', () => {
  it('200 concurrent claims by distinct needs on a limit of 10: exactly 10 claimed, used = 10', async () => {
    const offeringId = testId('off');
    const needs = needIds(200);

    const results = await Promise.all(needs.map((n) => store.claimCapacity(offeringId, PERIOD, 10, n)));

    const claimed = needs.filter((_, i) => results[i] === 'claimed');
    expect(claimed).toHaveLength(10);
    expect(results.filter((r) => r === 'full')).toHaveLength(190);
    expect(await store.getCapacity(offeringId, PERIOD)).toEqual({
      offeringId,
      period: PERIOD,
      limit: 10,
      used: 10,
      claims: expect.any(Array),
    });
    expect(sorted((await store.getCapacity(offeringId, PERIOD))!.claims)).toEqual(sorted(claimed));
  });

  it('the same need claiming 20 times concurrently holds exactly one unit', async () => {
    const offeringId = testId('off');
    const [need] = needIds(1) as [string];

    const results = await Promise.all(Array.from({ length: 20 }, () => store.claimCapacity(offeringId, PERIOD, 5, need)));

    expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r === 'already-held')).toHaveLength(19);
    expect(await store.getCapacity(offeringId, PERIOD)).toMatchObject({ used: 1, limit: 5, claims: [need] });
  });

  it('the first claim makes the month’s ledger with the given limit', async () => {
    const offeringId = testId('off');
    expect(await store.getCapacity(offeringId, PERIOD)).toBeUndefined();

    expect(await store.claimCapacity(offeringId, PERIOD, 3, 'need_a')).toBe('claimed');

    expect(await store.getCapacity(offeringId, PERIOD)).toEqual({ offeringId, period: PERIOD, limit: 3, used: 1, claims: ['need_a'] });
  });

  it('a repeated claim by the same need answers already-held and changes nothing', async () => {
    const offeringId = testId('off');
    await claimAll(offeringId, 3, ['need_a', 'need_b']);
    const before = await store.getCapacity(offeringId, PERIOD);

    expect(await store.claimCapacity(offeringId, PERIOD, 3, 'need_a')).toBe('already-held');

    expect(await store.getCapacity(offeringId, PERIOD)).toEqual(before);
    expect(before).toMatchObject({ used: 2 });
  });

  it('a holder’s repeated claim on a full month still answers already-held, not full', async () => {
    const offeringId = testId('off');
    expect(await claimAll(offeringId, 2, ['need_a', 'need_b', 'need_c'])).toEqual(['claimed', 'claimed', 'full']);

    expect(await store.claimCapacity(offeringId, PERIOD, 2, 'need_b')).toBe('already-held');
    expect(await store.getCapacity(offeringId, PERIOD)).toMatchObject({ used: 2 });
  });

  it('limitIfNew applies only when the month is new: a later claim with another limit keeps the stored one', async () => {
    const offeringId = testId('off');
    await store.claimCapacity(offeringId, PERIOD, 2, 'need_a');

    expect(await claimAll(offeringId, 50, ['need_b', 'need_c'])).toEqual(['claimed', 'full']);
    expect(await store.getCapacity(offeringId, PERIOD)).toMatchObject({ limit: 2, used: 2 });
  });

  it('months are separate ledgers', async () => {
    const offeringId = testId('off');
    await claimAll(offeringId, 1, ['need_a'], '2026-03');

    expect(await store.claimCapacity(offeringId, '2026-04', 1, 'need_b')).toBe('claimed');
    expect(await store.claimCapacity(offeringId, '2026-03', 1, 'need_b')).toBe('full');
    expect(await store.getCapacity(offeringId, '2026-04')).toMatchObject({ used: 1, claims: ['need_b'] });
    expect(await store.getCapacity(offeringId, '2026-03')).toMatchObject({ used: 1, claims: ['need_a'] });
  });

  it('a new month with a zero limit refuses claims and makes no ledger', async () => {
    const offeringId = testId('off');

    expect(await store.claimCapacity(offeringId, PERIOD, 0, 'need_a')).toBe('full');

    expect(await store.getCapacity(offeringId, PERIOD)).toBeUndefined();
  });
});

describe('releases', () => {
  it('release gives back one unit and drops the need from the claim set', async () => {
    const offeringId = testId('off');
    await claimAll(offeringId, 3, ['need_a', 'need_b']);

    expect(await store.releaseCapacity(offeringId, PERIOD, 'need_a')).toBe(true);

    expect(await store.getCapacity(offeringId, PERIOD)).toEqual({ offeringId, period: PERIOD, limit: 3, used: 1, claims: ['need_b'] });
  });

  it('a repeated release answers false and changes nothing', async () => {
    const offeringId = testId('off');
    await claimAll(offeringId, 3, ['need_a', 'need_b']);
    await store.releaseCapacity(offeringId, PERIOD, 'need_a');
    const before = await store.getCapacity(offeringId, PERIOD);

    expect(await store.releaseCapacity(offeringId, PERIOD, 'need_a')).toBe(false);
    expect(await store.releaseCapacity(offeringId, PERIOD, 'need_never_claimed')).toBe(false);

    expect(await store.getCapacity(offeringId, PERIOD)).toEqual(before);
  });

  it('concurrent releases of the same claim give back exactly one unit', async () => {
    const offeringId = testId('off');
    await claimAll(offeringId, 3, ['need_a', 'need_b']);

    const results = await Promise.all(Array.from({ length: 10 }, () => store.releaseCapacity(offeringId, PERIOD, 'need_a')));

    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.getCapacity(offeringId, PERIOD)).toMatchObject({ used: 1, claims: ['need_b'] });
  });

  it('release on a month with no ledger answers false and makes none', async () => {
    const offeringId = testId('off');
    expect(await store.releaseCapacity(offeringId, PERIOD, 'need_a')).toBe(false);
    expect(await store.getCapacity(offeringId, PERIOD)).toBeUndefined();
  });

  it('a released slot of a full month can be claimed by another need', async () => {
    const offeringId = testId('off');
    await claimAll(offeringId, 2, ['need_a', 'need_b']);
    expect(await store.claimCapacity(offeringId, PERIOD, 2, 'need_c')).toBe('full');

    await store.releaseCapacity(offeringId, PERIOD, 'need_a');

    expect(await store.claimCapacity(offeringId, PERIOD, 2, 'need_c')).toBe('claimed');
    expect(await store.claimCapacity(offeringId, PERIOD, 2, 'need_d')).toBe('full');
    const cap = await store.getCapacity(offeringId, PERIOD);
    expect(cap).toMatchObject({ used: 2, limit: 2 });
    expect(sorted(cap!.claims)).toEqual(['need_b', 'need_c']);
  });

  it('a month emptied by releases takes claims again, by the same need too', async () => {
    const offeringId = testId('off');
    await claimAll(offeringId, 1, ['need_a']);
    await store.releaseCapacity(offeringId, PERIOD, 'need_a');
    expect(await store.getCapacity(offeringId, PERIOD)).toMatchObject({ used: 0, claims: [] });

    expect(await store.claimCapacity(offeringId, PERIOD, 1, 'need_a')).toBe('claimed');
    expect(await store.getCapacity(offeringId, PERIOD)).toMatchObject({ used: 1, claims: ['need_a'] });
  });

  it('interleaved concurrent claims and releases never exceed the limit and keep used equal to the claim count', async () => {
    const offeringId = testId('off');
    const holders = needIds(5);
    await claimAll(offeringId, 5, holders);
    const newcomers = needIds(40);

    await Promise.all([
      ...holders.map((n) => store.releaseCapacity(offeringId, PERIOD, n)),
      ...newcomers.map((n) => store.claimCapacity(offeringId, PERIOD, 5, n)),
    ]);

    const cap = (await store.getCapacity(offeringId, PERIOD))!;
    expect(cap.used).toBeLessThanOrEqual(5);
    expect(cap.used).toBe(cap.claims.length);
    expect(cap.claims.every((n) => newcomers.includes(n))).toBe(true);
  });
});

describe('limits', () => {
  it('setCapacityLimit lowers the limit of an existing month: held claims stay, new ones are refused', async () => {
    const offeringId = testId('off');
    await claimAll(offeringId, 5, ['need_a', 'need_b', 'need_c']);

    await store.setCapacityLimit(offeringId, PERIOD, 2);

    expect(await store.getCapacity(offeringId, PERIOD)).toMatchObject({ limit: 2, used: 3 });
    expect(await store.claimCapacity(offeringId, PERIOD, 5, 'need_d')).toBe('full');
    expect(sorted((await store.getCapacity(offeringId, PERIOD))!.claims)).toEqual(['need_a', 'need_b', 'need_c']);
  });

  it('setCapacityLimit raises the limit of an existing month: a full month takes new claims', async () => {
    const offeringId = testId('off');
    await claimAll(offeringId, 1, ['need_a']);
    expect(await store.claimCapacity(offeringId, PERIOD, 1, 'need_b')).toBe('full');

    await store.setCapacityLimit(offeringId, PERIOD, 3);

    expect(await claimAll(offeringId, 1, ['need_b', 'need_c', 'need_d'])).toEqual(['claimed', 'claimed', 'full']);
    expect(await store.getCapacity(offeringId, PERIOD)).toMatchObject({ limit: 3, used: 3 });
  });

  it('setCapacityLimit on a month with no ledger makes it: a later claim is checked against that limit, not the one it brings', async () => {
    const offeringId = testId('off');

    await store.setCapacityLimit(offeringId, PERIOD, 0);

    expect(await store.getCapacity(offeringId, PERIOD)).toMatchObject({ limit: 0, used: 0, claims: [] });
    // The claimer read a capacity of 5 before the change: the ledger's 0 decides.
    expect(await store.claimCapacity(offeringId, PERIOD, 5, 'need_a')).toBe('full');
    expect(await store.getCapacity(offeringId, PERIOD)).toMatchObject({ limit: 0, used: 0, claims: [] });
  });

  it('setCapacityTerms closes a month while paused and opens it again, whatever the limit', async () => {
    const offeringId = testId('off');
    await claimAll(offeringId, 5, ['need_a']);

    expect(await store.setCapacityTerms(offeringId, PERIOD, { limit: 5, open: false, offeringVersion: 2 })).toBe(true);
    expect(await store.claimCapacity(offeringId, PERIOD, 5, 'need_b')).toBe('full');
    // A paused offering's first claim of a month makes no ledger either.
    const fresh = testId('off');
    expect(await store.claimCapacity(fresh, PERIOD, { limit: 5, open: false, offeringVersion: 1 }, 'need_b')).toBe('full');
    expect(await store.getCapacity(fresh, PERIOD)).toBeUndefined();

    expect(await store.setCapacityTerms(offeringId, PERIOD, { limit: 5, open: true, offeringVersion: 3 })).toBe(true);
    expect(await store.claimCapacity(offeringId, PERIOD, 5, 'need_b')).toBe('claimed');
    const reopened = await store.getCapacity(offeringId, PERIOD);
    expect(reopened).toMatchObject({ limit: 5, used: 2, offeringVersion: 3 });
    expect(reopened?.closed).toBeUndefined();
  });

  it('setCapacityTerms never replaces newer terms with older ones, in whatever order two changes arrive', async () => {
    const offeringId = testId('off');
    expect(await store.setCapacityTerms(offeringId, PERIOD, { limit: 0, offeringVersion: 3 })).toBe(true);
    // The older change (version 2, limit 5) arrives late: it changes nothing.
    expect(await store.setCapacityTerms(offeringId, PERIOD, { limit: 5, offeringVersion: 2 })).toBe(false);
    expect(await store.getCapacity(offeringId, PERIOD)).toMatchObject({ limit: 0, offeringVersion: 3 });
    // Nor does a claim that read the older offering: it keeps the ledger's terms.
    expect(await store.claimCapacity(offeringId, PERIOD, { limit: 5, offeringVersion: 2 }, 'need_a')).toBe('full');
    expect(await store.getCapacity(offeringId, PERIOD)).toMatchObject({ limit: 0, used: 0, offeringVersion: 3 });
  });

  it('batchGetCapacities returns the ledgers of the month that exist, by offering id', async () => {
    const a = testId('off');
    const b = testId('off');
    const none = testId('off');
    await claimAll(a, 4, ['need_a']);
    await claimAll(b, 2, ['need_b', 'need_c']);
    await claimAll(a, 4, ['need_d'], '2026-04');

    const got = await store.batchGetCapacities([a, b, none, a], PERIOD);

    expect(sorted([...got.keys()])).toEqual(sorted([a, b]));
    expect(got.get(a)).toEqual({ offeringId: a, period: PERIOD, limit: 4, used: 1, claims: ['need_a'] });
    expect(got.get(b)).toMatchObject({ limit: 2, used: 2 });
  });
});
