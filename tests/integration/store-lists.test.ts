/**
 * The store's list access patterns against dynalite, each by key or index:
 * parent -> children, the matcher's market queries, the review queue by
 * status, analytics by period, due deadlines and expiries, owner and
 * all-lists, and the inbox. Tests that read a whole partition (a market, a
 * status, all providers) get a table of their own.
 */
import { describe, expect, it } from 'vitest';
import type { Match } from '#domain/model.ts';
import type { Page, PageRequest, Store } from '#functions/store/store.ts';
import { freshTable } from '#tests/support/db.ts';
import {
  BASE_TIME,
  OTHER_MARKET,
  makeNotification,
  makeProvider,
  makeSme,
  matchOf,
  minutesAfter,
  needOf,
  offeringOf,
  testSub,
} from '#tests/support/factories.ts';

const t = (minutes: number) => minutesAfter(BASE_TIME, minutes);
const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id);

/** Every item of a list, following cursors (at most `maxPages`, so a cursor loop fails instead of hanging). */
async function all<T>(list: (p: PageRequest) => Promise<Page<T>>, limit = 100, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await list({ limit, cursor });
    out.push(...page.items);
    if (page.nextCursor === null) return out;
    cursor = page.nextCursor;
  }
  throw new Error(`more than ${maxPages} pages`);
}

/**
 * A store on a table of its own, with `seed` (writes what a test made, as made)
 * and `at` (a store on the same table whose writes are stamped at a given instant).
 */
async function table(): Promise<Store & Pick<Awaited<ReturnType<typeof freshTable>>, 'seed' | 'at'>> {
  const db = await freshTable('lists');
  return Object.assign(db.store(), { seed: db.seed, at: db.at });
}

describe('children of a parent', () => {
  it('lists the offerings of a provider, oldest first, and no other provider’s', async () => {
    const store = await table();
    const provider = makeProvider();
    const other = makeProvider();
    const offerings = [2, 0, 1].map((m) => offeringOf(provider, { createdAt: t(m), updatedAt: t(m) }));
    await store.seed('provider', provider);
    await store.seed('provider', other);
    for (const o of offerings) await store.seed('offering', o);
    await store.seed('offering', offeringOf(other));
    await store.claimCapacity(offerings[0]!.id, '2026-03', 5, 'need_x'); // a ledger item beside the offering

    const page = await store.listOfferingsOfProvider(provider.id, { limit: 50 });

    expect(page.nextCursor).toBeNull();
    expect(ids(page.items)).toEqual([offerings[1]!.id, offerings[2]!.id, offerings[0]!.id]);
    expect(page.items[0]).toStrictEqual(offerings[1]);
  });

  it('lists the needs of an SME newest first, and no other SME’s', async () => {
    const store = await table();
    const sme = makeSme();
    const other = makeSme();
    const needs = [0, 5, 3].map((m) => needOf(sme, { postedAt: t(m), updatedAt: t(m) }));
    for (const n of needs) await store.seed('need', n);
    await store.seed('need', needOf(other, { postedAt: t(4) }));
    // A need no longer waiting is still the SME's.
    const [first] = needs;
    await store.update('need', first!, { status: 'WITHDRAWN' });

    const { items } = await store.listNeedsOfSme(sme.id, { limit: 50 });

    expect(ids(items)).toEqual([needs[1]!.id, needs[2]!.id, needs[0]!.id]);
    expect(items[2]?.status).toBe('WITHDRAWN');
  });

  describe('matches of a need, an offering, a provider and an SME, newest first', () => {
    async function world() {
      const store = await table();
      const providerA = makeProvider();
      const providerB = makeProvider();
      const o1 = offeringOf(providerA);
      const o2 = offeringOf(providerA);
      const o3 = offeringOf(providerB);
      const sme1 = makeSme();
      const sme2 = makeSme();
      const n1 = needOf(sme1);
      const n2 = needOf(sme1);
      const n3 = needOf(sme2);
      const at = (m: number) => ({ createdAt: t(m), updatedAt: t(m) });
      const m1 = matchOf(n1, o1, { ...at(1), status: 'REJECTED' });
      const m2 = matchOf(n1, o2, at(2));
      const m3 = matchOf(n2, o1, at(3));
      const m4 = matchOf(n3, o2, at(4));
      const m5 = matchOf(n3, o3, { ...at(5), status: 'DECLINED' });
      for (const m of [m3, m1, m5, m2, m4]) await store.seed('match', m);
      return { store, providerA, providerB, o1, o2, o3, sme1, sme2, n1, n2, n3, m1, m2, m3, m4, m5 };
    }

    it('of a need', async () => {
      const w = await world();
      expect(ids((await w.store.listMatchesOfNeed(w.n1.id, { limit: 50 })).items)).toEqual([w.m2.id, w.m1.id]);
      expect(ids((await w.store.listMatchesOfNeed(w.n3.id, { limit: 50 })).items)).toEqual([w.m5.id, w.m4.id]);
    });

    it('of a provider', async () => {
      const w = await world();
      const { items } = await w.store.listMatchesOfProvider(w.providerA.id, { limit: 50 });
      expect(ids(items)).toEqual([w.m4.id, w.m3.id, w.m2.id, w.m1.id]);
      expect(items[0]).toStrictEqual(w.m4);
      expect(ids((await w.store.listMatchesOfProvider(w.providerB.id, { limit: 50 })).items)).toEqual([w.m5.id]);
    });

    it('of an SME', async () => {
      const w = await world();
      expect(ids((await w.store.listMatchesOfSme(w.sme1.id, { limit: 50 })).items)).toEqual([w.m3.id, w.m2.id, w.m1.id]);
      expect(ids((await w.store.listMatchesOfSme(w.sme2.id, { limit: 50 })).items)).toEqual([w.m5.id, w.m4.id]);
    });
  });
});

describe('matcher: the market', () => {
  it('offeringsOfMarket returns every offering of the service type, paused ones included, and nothing else', async () => {
    const store = await table();
    const provider = makeProvider();
    const active = offeringOf(provider);
    const paused = offeringOf(provider, { status: 'PAUSED' });
    const remote = offeringOf(makeProvider(), { remote: true, regions: [] });
    const elsewhere = offeringOf(provider, { serviceType: OTHER_MARKET });
    for (const o of [active, paused, remote, elsewhere]) await store.seed('offering', o);
    const sme = makeSme();
    const need = needOf(sme);
    await store.seed('need', need); // waiting need in the same market partition
    await store.seed('match', matchOf(need, active)); // match in the same market partition

    const got = await store.offeringsOfMarket('energy-audit');

    expect(ids(got).sort()).toEqual([active.id, paused.id, remote.id].sort());
    expect(got.find((o) => o.id === paused.id)).toStrictEqual(paused);
    expect(ids(await store.offeringsOfMarket(OTHER_MARKET))).toEqual([elsewhere.id]);
  });

  it('waitingNeedsOfMarket returns the waiting needs oldest first, and honours a limit', async () => {
    const store = await table();
    const sme = makeSme();
    const needs = [30, 10, 20, 0].map((m) => needOf(sme, { postedAt: t(m), updatedAt: t(m) }));
    for (const n of needs) await store.seed('need', n);
    await store.seed('need', needOf(sme, { serviceType: OTHER_MARKET, postedAt: t(-5) }));
    await store.seed('need', needOf(sme, { status: 'MATCHED', postedAt: t(-10) }));
    const provider = makeProvider();
    const offering = offeringOf(provider);
    await store.seed('offering', offering);
    await store.seed('match', matchOf(needs[0]!, offering));

    const waiting = await store.waitingNeedsOfMarket('energy-audit');
    expect(ids(waiting)).toEqual([needs[3]!.id, needs[1]!.id, needs[2]!.id, needs[0]!.id]);
    expect(waiting[0]).toStrictEqual(needs[3]);

    expect(ids(await store.waitingNeedsOfMarket('energy-audit', 2))).toEqual([needs[3]!.id, needs[1]!.id]);
  });

  it('a need leaves the waiting index when updated to PROPOSED, and returns when updated to WAITING again', async () => {
    const store = await table();
    const sme = makeSme();
    const a = needOf(sme, { postedAt: t(0) });
    const b = needOf(sme, { postedAt: t(1) });
    await store.seed('need', a);
    await store.seed('need', b);

    await store.at(t(5)).update('need', a, { status: 'PROPOSED', currentMatchId: 'match_1' });
    expect(ids(await store.waitingNeedsOfMarket('energy-audit'))).toEqual([b.id]);

    const prev = (await store.get('need', a.id, true))!;
    await store.at(t(9)).update('need', prev, { status: 'WAITING', currentMatchId: undefined, excludedOfferingIds: ['off_rejected'] });
    // Back in line at its original place: ordered by postedAt, not by when it returned.
    expect(ids(await store.waitingNeedsOfMarket('energy-audit'))).toEqual([a.id, b.id]);
  });
});

describe('operators: the review queue by status', () => {
  async function queue() {
    const store = await table();
    const sme = makeSme();
    const provider = makeProvider();
    const audit = offeringOf(provider);
    const design = offeringOf(provider, { serviceType: OTHER_MARKET });
    const at = (m: number) => ({ createdAt: t(m), updatedAt: t(m) });
    const a1 = matchOf(needOf(sme), audit, at(3));
    const d1 = matchOf(needOf(sme, { serviceType: OTHER_MARKET }), design, at(1));
    const a2 = matchOf(needOf(sme), audit, at(2));
    const d2 = matchOf(needOf(sme, { serviceType: OTHER_MARKET }), design, at(4));
    const approved = matchOf(needOf(sme), audit, { ...at(0), status: 'APPROVED' });
    for (const m of [a1, d1, a2, d2, approved]) await store.seed('match', m);
    return { store, a1, a2, d1, d2, approved };
  }

  it('lists matches of a status across markets, oldest first by default, newest first on request', async () => {
    const { store, a1, a2, d1, d2, approved } = await queue();
    expect(ids((await store.listMatchesByStatus('PROPOSED', undefined, { limit: 50 })).items)).toEqual([d1.id, a2.id, a1.id, d2.id]);
    expect(ids((await store.listMatchesByStatus('PROPOSED', undefined, { limit: 50, newestFirst: true })).items)).toEqual([
      d2.id,
      a1.id,
      a2.id,
      d1.id,
    ]);
    expect(ids((await store.listMatchesByStatus('APPROVED', undefined, { limit: 50 })).items)).toEqual([approved.id]);
    expect((await store.listMatchesByStatus('CONFIRMED', undefined, { limit: 50 })).items).toEqual([]);
  });

  it('lists matches of a status in one market when given a service type', async () => {
    const { store, a1, a2, d1, d2 } = await queue();
    expect(ids((await store.listMatchesByStatus('PROPOSED', 'energy-audit', { limit: 50 })).items)).toEqual([a2.id, a1.id]);
    expect(ids((await store.listMatchesByStatus('PROPOSED', OTHER_MARKET, { limit: 50, newestFirst: true })).items)).toEqual([
      d2.id,
      d1.id,
    ]);
  });

  it('a match updated to a new status moves to that status’s partitions, in both the global and the per-market queue', async () => {
    const { store, a1, a2, approved } = await queue();
    const next: Match = {
      ...a2,
      status: 'APPROVED',
      version: 2,
      updatedAt: t(10),
      history: [...a2.history, { status: 'APPROVED', at: t(10), by: 'operator' }],
    };
    await store.at(t(10)).update('match', a2, { status: next.status, history: next.history });

    expect(ids((await store.listMatchesByStatus('PROPOSED', 'energy-audit', { limit: 50 })).items)).toEqual([a1.id]);
    expect(ids((await store.listMatchesByStatus('PROPOSED', undefined, { limit: 50 })).items)).not.toContain(a2.id);
    // Ordered by creation, not by the time of the change.
    expect(ids((await store.listMatchesByStatus('APPROVED', undefined, { limit: 50 })).items)).toEqual([approved.id, a2.id]);
    const inMarket = (await store.listMatchesByStatus('APPROVED', 'energy-audit', { limit: 50 })).items;
    expect(inMarket.find((m) => m.id === a2.id)).toStrictEqual(next);
  });
});

describe('analytics and jobs', () => {
  it('dueInMarket lists needs by deadline and open matches by expiry, before the given time, soonest first', async () => {
    const store = await table();
    const sme = makeSme();
    const offering = offeringOf(makeProvider());
    const cutoff = '2026-04-15T00:00:00.000Z';

    const needDue = needOf(sme, { deadline: '2026-04-10' });
    const needLater = needOf(sme, { deadline: '2026-06-30' });
    const needOnCutoffDay = needOf(sme, { deadline: '2026-04-15' }); // ends 23:59:59.999 that day: after the cutoff
    const needMatched = needOf(sme, { deadline: '2026-04-01', status: 'MATCHED' });
    const needOtherMarket = needOf(sme, { deadline: '2026-04-01', serviceType: OTHER_MARKET });
    const needProposedRecheck = needOf(sme, { deadline: '2026-06-30', status: 'PROPOSED', recheckAt: '2026-04-02T10:00:00.000Z' });
    const matchProposed = matchOf(needDue, offering, { expiresAt: '2026-04-12T08:00:00.000Z' });
    const matchApproved = matchOf(needLater, offering, { status: 'APPROVED', expiresAt: '2026-04-05T08:00:00.000Z' });
    const matchNotYet = matchOf(needLater, offering, { expiresAt: '2026-04-20T08:00:00.000Z' });
    const matchClosed = matchOf(needLater, offering, { status: 'REJECTED', expiresAt: '2026-04-03T08:00:00.000Z' });
    const matchConfirmed = matchOf(needLater, offering, { status: 'CONFIRMED', expiresAt: '2026-04-04T08:00:00.000Z' });
    for (const n of [needDue, needLater, needOnCutoffDay, needMatched, needOtherMarket, needProposedRecheck]) await store.seed('need', n);
    for (const m of [matchProposed, matchApproved, matchNotYet, matchClosed, matchConfirmed]) await store.seed('match', m);

    expect(await store.dueInMarket('energy-audit', cutoff)).toEqual([
      { kind: 'need', id: needProposedRecheck.id }, // 04-02 10:00 (its recheck, before its deadline)
      { kind: 'match', id: matchApproved.id }, // 04-05
      { kind: 'need', id: needDue.id }, // 04-10 end of day
      { kind: 'match', id: matchProposed.id }, // 04-12
    ]);
    expect(await store.dueInMarket(OTHER_MARKET, cutoff)).toEqual([{ kind: 'need', id: needOtherMarket.id }]);
    expect(await store.dueInMarket('energy-audit', cutoff, 2)).toEqual([
      { kind: 'need', id: needProposedRecheck.id },
      { kind: 'match', id: matchApproved.id },
    ]);
  });

  it('a match is no longer due once updated closed, and a need no longer once matched', async () => {
    const store = await table();
    const sme = makeSme();
    const offering = offeringOf(makeProvider());
    const need = needOf(sme, { deadline: '2026-04-10', status: 'PROPOSED' });
    const match = matchOf(need, offering, { expiresAt: '2026-04-09T00:00:00.000Z' });
    await store.seed('need', need);
    await store.seed('match', match);
    const cutoff = '2026-05-01T00:00:00.000Z';
    expect(await store.dueInMarket('energy-audit', cutoff)).toEqual([
      { kind: 'match', id: match.id },
      { kind: 'need', id: need.id },
    ]);

    await store.update('match', match, { status: 'CONFIRMED', smeAccepted: true, providerAccepted: true });
    await store.update('need', need, { status: 'MATCHED', currentMatchId: match.id });

    expect(await store.dueInMarket('energy-audit', cutoff)).toEqual([]);
  });
});

describe('owners and all-lists', () => {
  it('lists an owner’s providers and SMEs apart, oldest first, and everyone’s in the all-lists', async () => {
    const store = await table();
    const alice = testSub();
    const bob = testSub();
    const aliceP1 = makeProvider({ ownerSub: alice, createdAt: t(2) });
    const aliceP2 = makeProvider({ ownerSub: alice, createdAt: t(1) });
    const aliceSme = makeSme({ ownerSub: alice, createdAt: t(3) });
    const bobP = makeProvider({ ownerSub: bob, createdAt: t(0) });
    const bobSme = makeSme({ ownerSub: bob, createdAt: t(4) });
    for (const p of [aliceP1, aliceP2, bobP]) await store.seed('provider', p);
    for (const s of [aliceSme, bobSme]) await store.seed('sme', s);
    await store.seed('offering', offeringOf(aliceP1)); // same ownerSub, must not show up in the owner's lists

    expect(ids((await store.listProvidersOfOwner(alice, { limit: 50 })).items)).toEqual([aliceP2.id, aliceP1.id]);
    expect((await store.listSmesOfOwner(alice, { limit: 50 })).items).toStrictEqual([aliceSme]);
    expect(ids((await store.listProvidersOfOwner(bob, { limit: 50 })).items)).toEqual([bobP.id]);
    expect(ids((await store.listSmesOfOwner(bob, { limit: 50 })).items)).toEqual([bobSme.id]);
    expect((await store.listProvidersOfOwner(testSub(), { limit: 50 })).items).toEqual([]);

    expect(ids(await all((p) => store.listAllProviders(p)))).toEqual([bobP.id, aliceP2.id, aliceP1.id]);
    expect(ids(await all((p) => store.listAllSmes(p)))).toEqual([aliceSme.id, bobSme.id]);
  });
});

describe('the inbox', () => {
  it('putNotification stores once: a redelivery writes nothing, not even over a read flag', async () => {
    const store = await table();
    const n = makeNotification({ type: 'MATCH_CONFIRMED', at: t(1) });

    expect(await store.putNotification(n)).toBe(true);
    expect(await store.markRead(n.recipientSub, n.at, n.id)).toBe(true);
    expect(await store.putNotification(n)).toBe(false);

    const { items } = await store.listInbox(n.recipientSub, { limit: 50 });
    expect(items).toStrictEqual([{ ...n, read: true }]);
  });

  it('listInbox lists the recipient’s notifications newest first, with their type', async () => {
    const store = await table();
    const me = testSub();
    const notes = [
      makeNotification({ recipientSub: me, type: 'MATCH_APPROVED', at: t(0) }),
      makeNotification({ recipientSub: me, type: 'MATCH_REJECTED', at: t(20), needId: 'need_1' }),
      makeNotification({ recipientSub: me, type: 'MATCH_EXPIRED', at: t(10) }),
    ];
    for (const n of notes) await store.putNotification(n);
    await store.putNotification(makeNotification({ at: t(15) })); // someone else's

    const { items, nextCursor } = await store.listInbox(me, { limit: 50 });

    expect(nextCursor).toBeNull();
    expect(items).toStrictEqual([notes[1], notes[2], notes[0]]);
    expect(items.map((i) => i.type)).toEqual(['MATCH_REJECTED', 'MATCH_EXPIRED', 'MATCH_APPROVED']);
  });

  it('markRead marks one notification and answers false for an unknown one, creating nothing', async () => {
    const store = await table();
    const me = testSub();
    const a = makeNotification({ recipientSub: me, at: t(0) });
    const b = makeNotification({ recipientSub: me, at: t(1) });
    await store.putNotification(a);
    await store.putNotification(b);

    expect(await store.markRead(me, a.at, a.id)).toBe(true);
    expect(await store.markRead(me, a.at, 'note_unknown')).toBe(false);
    expect(await store.markRead(testSub(), a.at, a.id)).toBe(false); // another recipient cannot reach it

    const { items } = await store.listInbox(me, { limit: 50 });
    expect(items.map((i) => [i.id, i.read])).toEqual([
      [b.id, false],
      [a.id, true],
    ]);
  });
});
