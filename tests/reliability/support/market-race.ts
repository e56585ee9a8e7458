/**
 * The ledger as the matcher uses it, under races chosen by fast-check's
 * scheduler: market rounds of one market run at once with SMEs withdrawing
 * needs and an operator rejecting proposals, every store request released
 * one at a time in a scheduled order. Afterwards the events are delivered
 * (follow-ups), a last round runs (as a rebalance would), and then:
 * no offering over its capacity; each ledger's claims are exactly the
 * matches holding it (claims are held by match ids); no need with two holding matches; a withdrawn
 * need holds nothing; a proposed need's match exists and is open; and no
 * need waits while an offering it may use has capacity left.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { Conflict } from '#domain/errors.ts';
import type { Match, MatchStatus, Need, Offering } from '#domain/model.ts';
import type { AppPorts } from '#functions/ports.ts';
import { Store } from '#functions/store/store.ts';
import { endNeed, transitionMatch } from '#functions/usecases/lifecycle.ts';
import { runMarketRound } from '#functions/usecases/matcher.ts';
import { testApp } from '#tests/support/app.ts';
import { TEST_CURSOR_SECRET } from '#tests/support/db.ts';
import { BASE_TIME, makeProvider, makeSme, minutesAfter, needOf, offeringOf } from '#tests/support/factories.ts';
import { pages as all } from './market-state.ts';
import { owner, scheduledDoc, serialScheduler, type TraceEntry } from './scheduled-db.ts';

const MARKET = 'energy-audit';
const PERIOD = BASE_TIME.slice(0, 7);
/** Statuses in which a match holds its claim on the ledger. */
export const HOLDING: readonly MatchStatus[] = ['PROPOSED', 'APPROVED', 'CONFIRMED', 'COMPLETED'];

export interface RaceScenario {
  capacities: number[];
  needs: number;
  rounds: number;
  withdraw: number[];
  rejects: number;
}

export const scenarioArb = (max: { needs: number; rounds: number }): fc.Arbitrary<RaceScenario> =>
  fc
    .record({
      capacities: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
      needs: fc.integer({ min: 2, max: max.needs }),
      rounds: fc.integer({ min: 2, max: max.rounds }),
      withdraw: fc.uniqueArray(fc.nat(max.needs - 1), { maxLength: 2 }),
      rejects: fc.integer({ min: 0, max: 2 }),
    })
    .map((s) => ({ ...s, withdraw: s.withdraw.filter((i) => i < s.needs) }));

export interface MarketRaceStats {
  runs: number;
  actions: number;
  requests: number;
  proposed: number;
}

export function marketRaceProperty(stats: MarketRaceStats, max = { needs: 6, rounds: 2 }) {
  return fc.asyncProperty(serialScheduler(), scenarioArb(max), async (s, sc) => {
    const app = await testApp({ NOW: BASE_TIME });
    const plain = app.ports.store;
    const provider = makeProvider();
    await plain.insert('provider', provider);
    const offerings: Offering[] = [];
    for (const c of sc.capacities) {
      const o = offeringOf(provider, { capacityPerMonth: c });
      await plain.insert('offering', o);
      offerings.push(o);
    }
    const sme = makeSme();
    const needs: Need[] = [];
    for (let i = 0; i < sc.needs; i++) {
      const n = needOf(sme, { postedAt: minutesAfter(BASE_TIME, -60 + i) });
      await plain.insert('need', n);
      needs.push(n);
    }

    const trace: TraceEntry[] = [];
    const ports: AppPorts = {
      ...app.ports,
      store: new Store(scheduledDoc(app.doc, s, trace), app.tableName, TEST_CURSOR_SECRET, { clock: app.ports.clock }),
    };
    const actions: Array<() => Promise<unknown>> = [
      ...Array.from({ length: sc.rounds }, () => () => runMarketRound(ports, MARKET)),
      ...sc.withdraw.map((i) => () => endNeed(ports, needs[i]!.id, 'withdraw')),
      ...Array.from({ length: sc.rejects }, () => async () => {
        const queue = await ports.store.listMatchesByStatus('PROPOSED', MARKET, { limit: 1 });
        const m = queue.items[0];
        if (m) await transitionMatch(ports, m.id, 'reject', 'operator', { reason: 'not a fit' });
      }),
    ];
    const settled = await s.waitFor(Promise.allSettled(actions.map((a, i) => owner.run(i, a))));
    for (const [i, r] of settled.entries()) {
      // A lost race surfaces as Conflict (the need or match moved on meanwhile); anything else is a failure.
      if (r.status === 'rejected' && !(r.reason instanceof Conflict)) throw new Error(`action ${i} failed: ${(r.reason as Error).stack}`);
    }

    // What the events re-drive (follow-ups, rounds), then a last round as the rebalance schedule would run.
    await app.drain();
    await runMarketRound(app.ports, MARKET);
    await app.drain();

    const matches = (await Promise.all([...new Set(offerings.map((o) => o.providerId))].map((p) => all<Match>((cursor) => plain.listMatchesOfProvider(p, { limit: 100, cursor })))))
      .flat()
      .filter((m) => offerings.some((o) => o.id === m.offeringId));
    const ids = matches.map((m) => m.id);
    expect(new Set(ids).size, 'duplicate match ids').toBe(ids.length);
    const report = `scenario ${JSON.stringify(sc)}; matches ${JSON.stringify(matches.map((m) => [m.needId.slice(-4), m.offeringId.slice(-4), m.status]))}`;

    const spareOf = new Map<string, number>();
    for (const o of offerings) {
      const ledger = await plain.getCapacity(o.id, PERIOD);
      const holders = matches.filter((m) => m.offeringId === o.id && HOLDING.includes(m.status)).map((m) => m.id);
      const used = ledger?.used ?? 0;
      expect(used, `offering over capacity: ${report}`).toBeLessThanOrEqual(o.capacityPerMonth);
      expect(used, report).toBe(ledger?.claims.length ?? 0);
      expect([...(ledger?.claims ?? [])].sort(), `ledger claims differ from the holding matches: ${report}`).toEqual([...holders].sort());
      spareOf.set(o.id, o.capacityPerMonth - used);
    }
    for (const n0 of needs) {
      const n = (await plain.get('need', n0.id, true))!;
      const holding = matches.filter((m) => m.needId === n.id && HOLDING.includes(m.status));
      expect(holding.length, `need ${n.id} holds two matches: ${report}`).toBeLessThanOrEqual(1);
      if (n.status === 'WITHDRAWN' || n.status === 'WAITING') expect(holding, `${n.status} need still holds a match: ${report}`).toEqual([]);
      if (n.status === 'PROPOSED') {
        expect(holding.map((m) => m.id), `proposed need without its open match: ${report}`).toEqual([n.currentMatchId]);
        expect(['PROPOSED', 'APPROVED']).toContain(holding[0]!.status);
      }
      if (n.status === 'WAITING') {
        const usable = offerings.filter((o) => !n.excludedOfferingIds.includes(o.id) && (spareOf.get(o.id) ?? 0) > 0);
        expect(usable.map((o) => o.id), `need ${n.id} waits while capacity is left: ${report}`).toEqual([]);
      }
    }
    stats.runs++;
    stats.actions += actions.length;
    stats.requests += trace.length;
    stats.proposed += matches.length;
    app.doc.destroy();
  });
}
