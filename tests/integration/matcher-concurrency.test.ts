/**
 * No overbooking: matcher runs racing on one market against dynalite never
 * claim more than an offering's capacity, never give a need two open
 * matches, and never leave a proposal without its claim or a claim without
 * its proposal. Runs race as plain concurrent rounds, as concurrent SQS
 * batches of the matcher's handler, and (property) with random delays in
 * every store call so that their steps interleave differently each run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Offering } from '#domain/model.ts';
import { runMarketRound } from '#functions/usecases/matcher.ts';
import { testApp } from '#tests/support/app.ts';
import { BASE_TIME, minutesAfter, needPosted } from '#tests/support/factories.ts';
import { deliverToMatcher, jitteredStore, marketViolations, seedNeed, seedOffering } from '#tests/support/market.ts';

const PERIOD = BASE_TIME.slice(0, 7);

async function crowdedMarket(app: Awaited<ReturnType<typeof testApp>>, needCount: number, capacities: readonly number[]) {
  const offerings: Offering[] = await Promise.all(capacities.map((c) => seedOffering(app.ports.store, { capacityPerMonth: c })));
  const needs = await Promise.all(
    Array.from({ length: needCount }, (_, i) => seedNeed(app.ports.store, { postedAt: minutesAfter(BASE_TIME, -60 + i) })),
  );
  return { offerings, needs, needIds: needs.map((n) => n.id) };
}

async function usedOf(app: Awaited<ReturnType<typeof testApp>>, offerings: readonly Offering[]) {
  const ledgers = await Promise.all(offerings.map((o) => app.ports.store.getCapacity(o.id, PERIOD)));
  return ledgers.reduce((s, c) => s + (c?.used ?? 0), 0);
}

async function proposedCount(app: Awaited<ReturnType<typeof testApp>>, needIds: readonly string[]) {
  const needs = await Promise.all(needIds.map((id) => app.ports.store.get('need', id, true)));
  return needs.filter((n) => n?.status === 'PROPOSED').length;
}

describe('concurrent matcher runs on one market', () => {
  it('two rounds racing over 30 needs and 7 units of capacity never overbook, and a later round fills the rest', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const { offerings, needIds } = await crowdedMarket(app, 30, [3, 2, 2]);

    // Two Lambdas: each with its own store client.
    const other = { ...app.ports, store: app.store() };
    const [a, b] = await Promise.all([runMarketRound(app.ports, 'energy-audit'), runMarketRound(other, 'energy-audit')]);

    expect(a.proposed + b.proposed).toBeLessThanOrEqual(7);
    expect(await marketViolations(app.ports.store, needIds, offerings, PERIOD)).toEqual([]);
    expect(await usedOf(app, offerings)).toBe(a.proposed + b.proposed);

    await runMarketRound(app.ports, 'energy-audit');
    expect(await marketViolations(app.ports.store, needIds, offerings, PERIOD)).toEqual([]);
    expect(await usedOf(app, offerings)).toBe(7);
    expect(await proposedCount(app, needIds)).toBe(7);
  });

  it('two matcher batches of the same market handled at once never overbook and report no failure for a lost race', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const { offerings, needs, needIds } = await crowdedMarket(app, 30, [3, 2, 2]);
    const events = needs.map(needPosted);

    const [r1, r2] = await Promise.all([deliverToMatcher(app.handlers, events.slice(0, 15)), deliverToMatcher(app.handlers, events.slice(15))]);

    expect(r1.batchItemFailures).toEqual([]);
    expect(r2.batchItemFailures).toEqual([]);
    expect(await marketViolations(app.ports.store, needIds, offerings, PERIOD)).toEqual([]);
    const used = await usedOf(app, offerings);
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(7);
    expect(await proposedCount(app, needIds)).toBe(used);
  });

  it('rounds interleaved at random (three at once, jittered store calls) keep every ledger within its limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { minLength: 3, maxLength: 3 }),
        async (capacities, needCount, seeds) => {
          const app = await testApp({ NOW: BASE_TIME });
          const { offerings, needIds } = await crowdedMarket(app, needCount, capacities);
          await Promise.all(seeds.map((seed) => runMarketRound({ ...app.ports, store: jitteredStore(app.store(), seed) }, 'energy-audit')));

          expect(await marketViolations(app.ports.store, needIds, offerings, PERIOD)).toEqual([]);
          // Whatever the races left unused, one quiet round places: everything then fits or is full.
          await runMarketRound(app.ports, 'energy-audit');
          expect(await marketViolations(app.ports.store, needIds, offerings, PERIOD)).toEqual([]);
          const total = capacities.reduce((s, c) => s + c, 0);
          expect(await proposedCount(app, needIds)).toBe(Math.min(total, needCount));
        },
      ),
      { numRuns: 6 },
    );
  });
});
