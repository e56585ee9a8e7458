/**
 * Scarce capacity goes by the plan's priority, not by arrival: needs that
 * reach the matcher in one round compete on fit × priority, the exact
 * assignment places as much weight as it can, and only a true tie goes to
 * the earlier need.
 */
import { describe, expect, it } from 'vitest';
import type { Need } from '#domain/model.ts';
import { testApp } from '#tests/support/app.ts';
import { BASE_TIME, minutesAfter, needPosted } from '#tests/support/factories.ts';
import { deliverToMatcher, seedNeed, seedOffering } from '#tests/support/market.ts';

type App = Awaited<ReturnType<typeof testApp>>;

/** Posts the needs' events in the order given, as one batch (one round), and returns each need's state. */
async function oneRound(app: App, needs: readonly Need[]) {
  const res = await deliverToMatcher(app.handlers, needs.map(needPosted));
  expect(res.batchItemFailures).toEqual([]);
  const out = new Map<string, { status: string; match?: { offeringId: string; breakdown: { priority: number; priorityReasons: string[] } } }>();
  for (const n of needs) {
    const cur = (await app.ports.store.get('need', n.id, true))!;
    const m = cur.currentMatchId ? await app.ports.store.get('match', cur.currentMatchId, true) : undefined;
    out.set(n.id, { status: cur.status, ...(m ? { match: m } : {}) });
  }
  return out;
}

const at = (min: number) => minutesAfter(BASE_TIME, min);

describe('scarce capacity and the plan priority', () => {
  it('a LITTLE_GIANT posting last in the round takes the only unit, even with the worst fit', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    await seedOffering(app.ports.store, { capacityPerMonth: 1, priceMin: 8_000 });
    const s = app.ports.store;
    const none = await seedNeed(s, { postedAt: at(-40), budgetMax: 200_000 }, { tier: 'NONE' });
    const innovative = await seedNeed(s, { postedAt: at(-30), budgetMax: 200_000 }, { tier: 'INNOVATIVE' });
    const specialised = await seedNeed(s, { postedAt: at(-20), budgetMax: 200_000 }, { tier: 'SPECIALIZED' });
    // A budget at the bottom of the price range: price component 0, the lowest fit of the four.
    const giant = await seedNeed(s, { postedAt: at(-10), budgetMax: 8_000 }, { tier: 'LITTLE_GIANT' });

    const r = await oneRound(app, [none, innovative, specialised, giant]);

    expect(r.get(giant.id)!.status).toBe('PROPOSED');
    expect(r.get(giant.id)!.match!.breakdown.priorityReasons).toContain('tier:LITTLE_GIANT');
    for (const n of [none, innovative, specialised]) expect(r.get(n.id)!.status).toBe('WAITING');
  });

  it('two units go to the two highest tiers, whatever the posting order', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    await seedOffering(app.ports.store, { capacityPerMonth: 2 });
    const s = app.ports.store;
    const giant = await seedNeed(s, { postedAt: at(-10) }, { tier: 'LITTLE_GIANT' });
    const none = await seedNeed(s, { postedAt: at(-50) }, { tier: 'NONE' });
    const specialised = await seedNeed(s, { postedAt: at(-20) }, { tier: 'SPECIALIZED' });
    const innovative = await seedNeed(s, { postedAt: at(-40) }, { tier: 'INNOVATIVE' });

    const r = await oneRound(app, [none, innovative, specialised, giant]);

    expect([giant, specialised, innovative, none].map((n) => r.get(n.id)!.status)).toEqual(['PROPOSED', 'PROPOSED', 'WAITING', 'WAITING']);
  });

  it('a western micro firm beats an otherwise equal eastern one, posted earlier, for a public-welfare offering', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    // Serves both provinces in person: proximity is 1 for both firms.
    await seedOffering(app.ports.store, { capacityPerMonth: 1, publicWelfare: true, regions: ['CN-SC', 'CN-ZJ'], remote: false });
    const profile = { sizeClass: 'MICRO' as const, tier: 'NONE' as const };
    const east = await seedNeed(app.ports.store, { postedAt: at(-30) }, { ...profile, region: { province: 'CN-ZJ', city: '杭州' } });
    const west = await seedNeed(app.ports.store, { postedAt: at(-10) }, { ...profile, region: { province: 'CN-SC', city: '成都' } });

    const r = await oneRound(app, [east, west]);

    expect(r.get(east.id)!.status).toBe('WAITING');
    const won = r.get(west.id)!;
    expect(won.status).toBe('PROPOSED');
    expect(won.match!.breakdown.priorityReasons).toEqual(['size:MICRO+publicWelfare', 'region:WESTERN']);
    // The plan's free-service target (micro, public welfare: 64) x western (1.3); see domain/policy.ts.
    expect(won.match!.breakdown.priority).toBe(83.2);
  });

  it('a micro firm beats a medium one, posted earlier, for a public-welfare offering but not for a paid one', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const free = await seedOffering(app.ports.store, { capacityPerMonth: 1, publicWelfare: true, serviceType: 'energy-audit' });
    const medium = await seedNeed(app.ports.store, { postedAt: at(-30) }, { sizeClass: 'MEDIUM', tier: 'NONE' });
    const micro = await seedNeed(app.ports.store, { postedAt: at(-10) }, { sizeClass: 'MICRO', tier: 'NONE' });
    const r = await oneRound(app, [medium, micro]);
    expect(r.get(micro.id)!.match?.offeringId).toBe(free.id);
    expect(r.get(medium.id)!.status).toBe('WAITING');

    // The same two firms for a paid offering of another market: the size factor does not apply, the tie goes to the earlier.
    const paid = await seedOffering(app.ports.store, { capacityPerMonth: 1, publicWelfare: false, serviceType: 'energy-efficiency-assessment' });
    const medium2 = await seedNeed(app.ports.store, { postedAt: at(-30), serviceType: 'energy-efficiency-assessment' }, { sizeClass: 'MEDIUM', tier: 'NONE' });
    const micro2 = await seedNeed(app.ports.store, { postedAt: at(-10), serviceType: 'energy-efficiency-assessment' }, { sizeClass: 'MICRO', tier: 'NONE' });
    const r2 = await oneRound(app, [micro2, medium2]);
    expect(r2.get(medium2.id)!.match?.offeringId).toBe(paid.id);
    expect(r2.get(micro2.id)!.status).toBe('WAITING');
  });

  it('between equal needs the earlier posted wins, whatever their ids and arrival order', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    await seedOffering(app.ports.store, { capacityPerMonth: 2 });
    // Ids sort against posting order, so neither id nor arrival order can explain the result.
    const third = await seedNeed(app.ports.store, { id: 'nd_AAAAAAAAAAAAAAAAAAAAAAA1', postedAt: at(-10) });
    const second = await seedNeed(app.ports.store, { id: 'nd_MMMMMMMMMMMMMMMMMMMMMMM1', postedAt: at(-20) });
    const first = await seedNeed(app.ports.store, { id: 'nd_ZZZZZZZZZZZZZZZZZZZZZZZ1', postedAt: at(-30) });

    const r = await oneRound(app, [third, second, first]);

    expect([first, second, third].map((n) => r.get(n.id)!.status)).toEqual(['PROPOSED', 'PROPOSED', 'WAITING']);
  });

  it('places every need it can rather than giving the earlier need its best fit (exact, not greedy)', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const local = await seedOffering(app.ports.store, { capacityPerMonth: 1, regions: ['CN-SC'], remote: false });
    const remote = await seedOffering(app.ports.store, { capacityPerMonth: 1, regions: ['CN-GD'], remote: true });
    // A fits `local` best but can also be served remotely; B only in person.
    const a = await seedNeed(app.ports.store, { postedAt: at(-30), remoteOk: true });
    const b = await seedNeed(app.ports.store, { postedAt: at(-10), remoteOk: false });

    const r = await oneRound(app, [a, b]);

    expect(r.get(a.id)!.match?.offeringId).toBe(remote.id);
    expect(r.get(b.id)!.match?.offeringId).toBe(local.id);
  });
});
