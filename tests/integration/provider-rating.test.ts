/**
 * The provider rating: counted incrementally on the provider in a strongly
 * consistent read-modify-write, never recomputed from (eventually consistent)
 * pages of its matches.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { countRating } from '#functions/usecases/feedback.ts';
import { actor, testApp } from '#tests/support/app.ts';
import { makeMatch } from '#tests/support/factories.ts';
import { seedOffering } from '#tests/support/market.ts';

async function ratedMarket(matches: number) {
  const app = await testApp();
  const offering = await seedOffering(app.ports.store);
  const sme = actor('sme');
  const ids: string[] = [];
  for (let i = 0; i < matches; i++) {
    const m = makeMatch({ id: `mt_${randomBytes(12).toString('base64url')}`, status: 'COMPLETED', providerId: offering.providerId, offeringId: offering.id, smeOwnerSub: sme.sub, providerOwnerSub: offering.ownerSub });
    ids.push((await app.ports.store.insert('match', m)).id);
  }
  return { app, sme, ids, providerId: offering.providerId, owner: actor('provider', offering.ownerSub) };
}

describe('the provider rating', () => {
  it('counts each feedback on the provider, with no read of its matches', async () => {
    const { app, sme, ids, providerId, owner } = await ratedMarket(3);
    const listed: string[] = [];
    const list = app.ports.store.listMatchesOfProvider.bind(app.ports.store);
    app.ports.store.listMatchesOfProvider = (...args: Parameters<typeof list>) => {
      listed.push(args[0]);
      return list(...args);
    };
    for (const [i, rating] of [5, 4, 2].entries()) {
      expect((await app.call('POST', `/v1/matches/${ids[i]}/feedback`, { as: sme, body: { rating } })).status).toBe(200);
    }
    expect(listed).toEqual([]);
    const p = await app.call('GET', `/v1/providers/${providerId}`, { as: owner });
    expect(p.body).toMatchObject({ rating: 3.67, ratingCount: 3 });
    // The bookkeeping stays inside.
    expect(p.body).not.toHaveProperty('ratingSum');
    expect(p.body).not.toHaveProperty('ratedMatchIds');
    expect(app.publisher.published.filter((e) => e.detailType === 'FeedbackGiven')).toHaveLength(3);
  });

  it('counts concurrent feedback on one provider exactly once each', async () => {
    const { app, sme, ids, providerId } = await ratedMarket(6);
    const res = await Promise.all(ids.map((id, i) => app.call('POST', `/v1/matches/${id}/feedback`, { as: sme, body: { rating: 1 + (i % 5) } })));
    expect(res.map((r) => r.status)).toEqual(ids.map(() => 200));
    const p = await app.ports.store.get('provider', providerId, true);
    expect(p).toMatchObject({ ratingCount: 6, ratingSum: 1 + 2 + 3 + 4 + 5 + 1, rating: 2.67 });
  });

  it('finishes a count a crash interrupted when the feedback is sent again, and never counts a match twice', async () => {
    const { app, sme, ids, providerId } = await ratedMarket(1);
    const store = app.ports.store;
    // The crash: the feedback is stored, the provider not yet told.
    const m = (await store.get('match', ids[0]!, true))!;
    await store.update('match', m, { feedback: { rating: 2, at: m.updatedAt } });
    const again = await app.call('POST', `/v1/matches/${ids[0]}/feedback`, { as: sme, body: { rating: 5 } });
    expect(again.status).toBe(409);
    expect(await store.get('provider', providerId, true)).toMatchObject({ rating: 2, ratingCount: 1 });
    // A crash after the provider's count but before the match was marked: counting again adds nothing.
    const unmarked = (await store.get('match', ids[0]!, true))!;
    const { ratingCounted: _, ...withoutMark } = unmarked;
    await countRating(app.ports, { ...withoutMark });
    expect((await app.call('POST', `/v1/matches/${ids[0]}/feedback`, { as: sme, body: { rating: 5 } })).status).toBe(409);
    expect(await store.get('provider', providerId, true)).toMatchObject({ rating: 2, ratingCount: 1, ratingSum: 2 });
  });
});
