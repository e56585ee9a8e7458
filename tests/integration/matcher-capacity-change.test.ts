/**
 * Capacity truth under change (issue 11, item 6): an offering lowered to 0 or
 * paused while a round is in flight. The round has read the offering (and
 * perhaps the ledger) before the owner's PATCH; the PATCH answers 200 while
 * the round has not claimed yet. From that answer on, no claim may land above
 * the new limit or while paused: the month's ledger, made by whichever writer
 * comes first, is the one truth a claim is checked against.
 *
 * The interleaving is forced, not hoped for: the round's store is wrapped so
 * that the PATCH runs to its 200 at a chosen point of the round.
 */
import { describe, expect, it } from 'vitest';
import type { Offering } from '#domain/model.ts';
import type { Store } from '#functions/store/store.ts';
import { runMarketRound } from '#functions/usecases/matcher.ts';
import { actor, testApp } from '#tests/support/app.ts';
import { BASE_TIME, minutesAfter } from '#tests/support/factories.ts';
import { seedNeed, seedOffering } from '#tests/support/market.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const PERIOD = BASE_TIME.slice(0, 7);

/**
 * The app's store, but the first call of `method` starts `before`, and every
 * call of it (the round proposes several needs at once) waits for it to finish.
 */
function pausingAt(app: App, method: keyof Store, before: () => Promise<void>): Store {
  let gate: Promise<void> | undefined;
  return new Proxy(app.ports.store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        if (prop === method) await (gate ??= before());
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as Store;
}

/** The owner's PATCH over the API, which must answer 200 before the round goes on. */
async function patchAnswered(app: App, o: Offering, body: Record<string, unknown>) {
  const res = await app.call('PATCH', `/v1/offerings/${o.id}`, { as: actor('provider', o.ownerSub), body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function fiveNeedsOneOffering(app: App) {
  const o = await seedOffering(app.ports.store, { capacityPerMonth: 5 });
  const needs = [];
  for (let i = 0; i < 5; i++) needs.push(await seedNeed(app.ports.store, { postedAt: minutesAfter(BASE_TIME, -60 + i) }));
  return { o, needs };
}

describe('an offering lowered or paused while a round is in flight', () => {
  it('a PATCH to 0 answered before the round claims, in a month with no ledger yet: no claim lands', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const { o, needs } = await fiveNeedsOneOffering(app);
    const store = pausingAt(app, 'claimCapacity', () => patchAnswered(app, o, { capacityPerMonth: 0 }));

    const r = await runMarketRound({ ...app.ports, store }, 'energy-audit');

    // The round had read a capacity of 5 and assigned all five needs; the ledger refused each claim.
    expect(r).toMatchObject({ proposed: 0, claimsRefused: 5 });
    expect(await app.ports.store.getCapacity(o.id, PERIOD)).toMatchObject({ limit: 0, used: 0, claims: [] });
    for (const n of needs) {
      const cur = (await app.ports.store.get('need', n.id, true))!;
      expect(cur.status).toBe('WAITING');
      expect(cur.currentMatchId).toBeUndefined();
      // Why: the unit the round gave it was refused by the ledger.
      expect(cur.waiting?.reasons).toEqual([{ code: 'CAPACITY_FULL', count: 1, detail: 'claim-refused' }]);
    }
    expect(app.publisher.published.filter((e) => e.detailType === 'MatchProposed')).toEqual([]);
  });

  it('a PATCH to 0 landing between the round reading the offering and reading the ledger is not written back over', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const { o } = await fiveNeedsOneOffering(app);
    // An earlier match of the month holds one unit: the ledger exists with the offering's 5.
    expect(await app.ports.store.claimCapacity(o.id, PERIOD, { limit: 5, offeringVersion: 1 }, 'mt_earlier_match_of_march')).toBe('claimed');
    const store = pausingAt(app, 'batchGetCapacities', () => patchAnswered(app, o, { capacityPerMonth: 0 }));

    const r = await runMarketRound({ ...app.ports, store }, 'energy-audit');

    expect(r.proposed).toBe(0);
    // The claim held before the change stays; the round read 5 but did not restore it.
    expect(await app.ports.store.getCapacity(o.id, PERIOD)).toMatchObject({ limit: 0, used: 1, claims: ['mt_earlier_match_of_march'] });
  });

  it('a pause answered before the round claims stops every claim; resumed, the next round proposes', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const { o, needs } = await fiveNeedsOneOffering(app);
    const store = pausingAt(app, 'claimCapacity', () => patchAnswered(app, o, { status: 'PAUSED' }));

    expect(await runMarketRound({ ...app.ports, store }, 'energy-audit')).toMatchObject({ proposed: 0, claimsRefused: 5 });
    expect(await app.ports.store.getCapacity(o.id, PERIOD)).toMatchObject({ limit: 5, used: 0, closed: true });

    await patchAnswered(app, o, { status: 'ACTIVE' });
    expect(await runMarketRound(app.ports, 'energy-audit')).toMatchObject({ proposed: 5 });
    for (const n of needs) expect((await app.ports.store.get('need', n.id, true))!.status).toBe('PROPOSED');
  });

  it('a crash between the offering write and its ledger write is repaired by the next round, never undoing a newer change', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const { o } = await fiveNeedsOneOffering(app);
    expect(await app.ports.store.claimCapacity(o.id, PERIOD, { limit: 5, offeringVersion: 1 }, 'mt_earlier_match_of_march')).toBe('claimed');
    // The offering says 2 (version 2), the ledger never heard of it.
    const prev = (await app.ports.store.get('offering', o.id, true))!;
    await app.ports.store.update('offering', prev, { capacityPerMonth: 2 });

    expect(await runMarketRound(app.ports, 'energy-audit')).toMatchObject({ proposed: 1 });
    expect(await app.ports.store.getCapacity(o.id, PERIOD)).toMatchObject({ limit: 2, used: 2, offeringVersion: 2 });
  });
});
