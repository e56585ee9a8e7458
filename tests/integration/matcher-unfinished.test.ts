/**
 * A round claims, writes the match, then locks the need (usecases/matcher.ts
 * `propose`). A round that stops after the claim, or after the match, leaves
 * a claim held under the match id the still-waiting need would get again;
 * the next round of the market finds it in the ledgers it reads and finishes
 * that proposal first, on the same offering: one match, one unit, no recheck.
 */
import { describe, expect, it } from 'vitest';
import type { AppPorts } from '#functions/ports.ts';
import type { Store } from '#functions/store/store.ts';
import { proposalId, runMarketRound } from '#functions/usecases/matcher.ts';
import { testApp } from '#tests/support/app.ts';
import { BASE_TIME } from '#tests/support/factories.ts';
import { marketViolations, matchesOfNeeds, seedNeed, seedOffering, writeNeedOnly } from '#tests/support/market.ts';

const PERIOD = BASE_TIME.slice(0, 7);
type App = Awaited<ReturnType<typeof testApp>>;

/** The store of a round that dies at `at`: the first match insert, or the first need lock after it. */
function dyingAt(store: Store, at: 'match' | 'lock'): Store {
  let matchWritten = false;
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === 'insert') {
        return async (...args: Parameters<Store['insert']>) => {
          if (args[0] === 'match' && at === 'match') throw new Error('killed before the match write');
          const out = await target.insert(...args);
          if (args[0] === 'match') matchWritten = true;
          return out;
        };
      }
      if (prop === 'update') {
        return async (...args: Parameters<Store['update']>) => {
          if (args[0] === 'need' && at === 'lock' && matchWritten) throw new Error('killed before the lock');
          return target.update(...args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Two offerings of one unit each and one need. */
async function twoOfferingsOneNeed(app: App) {
  const best = await seedOffering(app.ports.store, { capacityPerMonth: 1 });
  const other = await seedOffering(app.ports.store, { capacityPerMonth: 1 });
  const need = await seedNeed(app.ports.store);
  return { offerings: [best, other], need };
}

const usedOf = async (app: App, offeringIds: string[]) => {
  let used = 0;
  for (const id of offeringIds) used += (await app.ports.store.getCapacity(id, PERIOD))?.used ?? 0;
  return used;
};

describe('a proposal a round left unfinished', () => {
  for (const at of ['match', 'lock'] as const) {
    it(`stopped ${at === 'match' ? 'after the claim, before the match' : 'after the match, before the lock'}: the next round finishes it on the offering claimed, once`, async () => {
      const app = await testApp({ NOW: BASE_TIME });
      const { offerings, need } = await twoOfferingsOneNeed(app);
      const dying: AppPorts = { ...app.ports, store: dyingAt(app.ports.store, at) };
      await expect(runMarketRound(dying, 'energy-audit')).rejects.toThrow(/killed/);

      // What the dead round left: a claim under the need's next match id, the need still waiting.
      const id = proposalId(need);
      const holders = await Promise.all(offerings.map(async (o) => ((await app.ports.store.getCapacity(o.id, PERIOD))?.claims ?? []).includes(id)));
      const claimed = offerings[holders.indexOf(true)]!;
      expect(holders.filter(Boolean)).toHaveLength(1);
      expect((await app.ports.store.get('need', need.id, true))!.status).toBe('WAITING');
      expect(!!(await app.ports.store.get('match', id, true))).toBe(at === 'lock');

      const round = await runMarketRound(app.ports, 'energy-audit');
      expect(round.proposed).toBe(1);
      const after = (await app.ports.store.get('need', need.id, true))!;
      expect(after).toMatchObject({ status: 'PROPOSED', currentMatchId: id, claim: { offeringId: claimed.id, period: PERIOD } });
      expect(after.recheckAt).toBeUndefined();
      const matches = await matchesOfNeeds(app.ports.store, [need.id]);
      expect(matches.map((m) => [m.id, m.offeringId, m.status])).toEqual([[id, claimed.id, 'PROPOSED']]);
      expect(await usedOf(app, offerings.map((o) => o.id))).toBe(1);
      expect(await marketViolations(app.ports.store, [need.id], offerings, PERIOD)).toEqual([]);
      // Announced once, by the round that finished it.
      expect(app.publisher.published.filter((e) => e.detailType === 'MatchProposed')).toHaveLength(1);

      // A further round changes nothing.
      expect((await runMarketRound(app.ports, 'energy-audit')).proposed).toBe(0);
      expect(await usedOf(app, offerings.map((o) => o.id))).toBe(1);
    });
  }

  it("stopped after its claim, then its need's version moved (its SME's facts refreshed): the next round gives that claim back and proposes afresh", async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const { offerings, need } = await twoOfferingsOneNeed(app);
    await expect(runMarketRound({ ...app.ports, store: dyingAt(app.ports.store, 'match') }, 'energy-audit')).rejects.toThrow(/killed/);
    const stale = proposalId(need);
    // A refresh of the need (as an SME verification writes it): the stale attempt's id is no longer the need's next.
    const refreshed = await writeNeedOnly(app.ports.store, need.id, { sme: { ...need.sme, weakFoundation: !need.sme.weakFoundation } });
    expect(proposalId(refreshed)).not.toBe(stale);

    expect((await runMarketRound(app.ports, 'energy-audit')).proposed).toBe(1);
    const claims = (await Promise.all(offerings.map(async (o) => (await app.ports.store.getCapacity(o.id, PERIOD))?.claims ?? []))).flat();
    expect(claims).toEqual([proposalId(refreshed)]);
    expect(await usedOf(app, offerings.map((o) => o.id))).toBe(1);
    expect((await app.ports.store.get('need', need.id, true))!).toMatchObject({ status: 'PROPOSED', currentMatchId: proposalId(refreshed) });
  });

  it('stopped after writing its match, then its need was withdrawn: the round the withdrawal triggers takes the proposal back and gives its unit back', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const { offerings, need } = await twoOfferingsOneNeed(app);
    await expect(runMarketRound({ ...app.ports, store: dyingAt(app.ports.store, 'lock') }, 'energy-audit')).rejects.toThrow(/killed/);
    const id = proposalId(need);
    expect((await app.ports.store.get('match', id, true))!.status).toBe('PROPOSED');

    const res = await app.call('POST', `/v1/needs/${need.id}/withdraw`, { as: { role: 'sme', sub: need.ownerSub } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await app.drain();

    expect((await app.ports.store.get('match', id, true))!.status).toBe('CANCELLED');
    expect(await usedOf(app, offerings.map((o) => o.id))).toBe(0);
    expect(await marketViolations(app.ports.store, [need.id], offerings, PERIOD)).toEqual([]);
  });

  it('is finished on the offering it claimed, even where a fresh round could now choose another', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const { offerings, need } = await twoOfferingsOneNeed(app);
    const id = proposalId(need);
    // An earlier attempt claimed the second offering and wrote its match, then stopped before the lock.
    const [, second] = offerings;
    const dying: AppPorts = { ...app.ports, store: dyingAt(app.ports.store, 'lock') };
    // Only the second offering is open to the dying round (the first is full), so it claims the second.
    expect(await app.ports.store.claimCapacity(offerings[0]!.id, PERIOD, 1, 'mt_someoneelse0000000000')).toBe('claimed');
    await expect(runMarketRound(dying, 'energy-audit')).rejects.toThrow(/killed/);
    expect((await app.ports.store.get('match', id, true))!.offeringId).toBe(second!.id);
    // The first offering's unit comes back: a fresh round could choose it; the next round finishes the attempt on the second.
    expect(await app.ports.store.releaseCapacity(offerings[0]!.id, PERIOD, 'mt_someoneelse0000000000')).toBe(true);
    expect((await runMarketRound(app.ports, 'energy-audit')).proposed).toBe(1);
    expect((await app.ports.store.get('need', need.id, true))!).toMatchObject({ status: 'PROPOSED', currentMatchId: id, claim: { offeringId: second!.id } });
    expect(await usedOf(app, offerings.map((o) => o.id))).toBe(1);
  });
});
