/**
 * At least once, never twice: every market event the matcher consumes,
 * delivered 1, 2 and 10 times (and as duplicates inside one batch), leaves
 * the market exactly as one delivery does; the follow-ups an event re-drives
 * (release, reopen, exclude, cancel) happen once; the notifier writes each
 * party's notification once however often an event arrives.
 *
 * Where an event re-drives a follow-up, the scenario starts from the state a
 * crash leaves right after the authoritative write (the match or need
 * written, its follow-ups not run), so the delivery has real work to do.
 */
import { describe, expect, it } from 'vitest';
import type { AppEvent } from '#events/contracts.ts';
import { makeEvent } from '#events/contracts.ts';
import { toEnvelope } from '#events/envelope.ts';
import { rebalanceEvent } from '#functions/usecases/jobs.ts';
import { matchEvent, needEvent, transitionMatch } from '#functions/usecases/lifecycle.ts';
import { runMarketRound } from '#functions/usecases/matcher.ts';
import { lambdaContext, testApp } from '#tests/support/app.ts';
import { BASE_TIME, minutesAfter, needPosted, offeringRegistered } from '#tests/support/factories.ts';
import {
  deliverToMatcher,
  marketSnapshot,
  marketViolations,
  seedNeed,
  seedOffering,
  writeMatchStatusOnly,
  writeNeedOnly,
  type MarketSnapshot,
} from '#tests/support/market.ts';

const PERIOD = BASE_TIME.slice(0, 7);
const AT = BASE_TIME;
type App = Awaited<ReturnType<typeof testApp>>;

/** One offering with one unit; need A (earlier) and need B (later), alike otherwise. */
async function oneSlotTwoNeeds(app: App) {
  const o = await seedOffering(app.ports.store, { capacityPerMonth: 1 });
  const a = await seedNeed(app.ports.store, { postedAt: minutesAfter(BASE_TIME, -60) });
  const b = await seedNeed(app.ports.store, { postedAt: minutesAfter(BASE_TIME, -30) });
  return { o, a, b, needIds: [a.id, b.id], offeringIds: [o.id] };
}

/** As above, after a round proposed A (the earlier need) as match m1. */
async function aProposed(app: App) {
  const s = await oneSlotTwoNeeds(app);
  await runMarketRound(app.ports, 'energy-audit');
  const a = await app.ports.store.get('need', s.a.id, true);
  expect(a?.status).toBe('PROPOSED');
  return { ...s, m1: a!.currentMatchId! };
}

interface Scenario {
  event: AppEvent;
  needIds: string[];
  offeringIds: string[];
  /** What one delivery must have done (so that "the same state" is not an empty one). */
  check: (s: MarketSnapshot) => void;
}

const onlyAProposed = (ids: { a: { id: string }; b: { id: string }; o: { id: string } }) => (s: MarketSnapshot) => {
  expect(s.needs[ids.a.id]!.status).toBe('PROPOSED');
  expect(s.needs[ids.b.id]!.status).toBe('WAITING');
  expect(s.ledgers[ids.o.id]).toMatchObject({ used: 1, claims: [s.needs[ids.a.id]!.currentMatchId] });
};

/** After A's match m1 ended and gave its unit back, the unit went to B. */
const capacityWentToB = (ids: { b: { id: string }; o: { id: string }; m1: string }, m1Status: string) => (s: MarketSnapshot) => {
  expect(s.matches[ids.m1]!.status).toBe(m1Status);
  expect(s.needs[ids.b.id]!.status).toBe('PROPOSED');
  expect(s.ledgers[ids.o.id]).toMatchObject({ used: 1, claims: [s.needs[ids.b.id]!.currentMatchId] });
};

const SCENARIOS: Record<string, (app: App) => Promise<Scenario>> = {
  NeedPosted: async (app) => {
    const s = await oneSlotTwoNeeds(app);
    return { ...s, event: needPosted(s.b), check: onlyAProposed(s) };
  },
  OfferingRegistered: async (app) => {
    const s = await oneSlotTwoNeeds(app);
    return { ...s, event: offeringRegistered(s.o), check: onlyAProposed(s) };
  },
  OfferingChanged: async (app) => {
    const s = await aProposed(app);
    // The provider raised the capacity to 2; the ledger update was lost: the round reconciles it.
    const cur = (await app.ports.store.get('offering', s.o.id, true))!;
    await app.ports.store.update('offering', cur, { capacityPerMonth: 2 });
    const event = makeEvent('OfferingChanged', s.o.id, 2, { serviceType: 'energy-audit', occurredAt: AT, offeringId: s.o.id, providerId: s.o.providerId });
    return {
      ...s,
      event,
      check: (snap) => {
        expect(snap.needs[s.b.id]!.status).toBe('PROPOSED');
        expect(snap.ledgers[s.o.id]).toMatchObject({ limit: 2, used: 2 });
      },
    };
  },
  MarketRebalanceRequested: async (app) => {
    const s = await oneSlotTwoNeeds(app);
    return { ...s, event: rebalanceEvent('energy-audit', 1, AT, 'needs waiting too long'), check: onlyAProposed(s) };
  },
  NeedWithdrawn: async (app) => {
    const s = await aProposed(app);
    const a = await writeNeedOnly(app.ports.store, s.a.id, { status: 'WITHDRAWN', recheckAt: undefined });
    return { ...s, event: needEvent(a, 'NeedWithdrawn'), check: capacityWentToB(s, 'CANCELLED') };
  },
  NeedExpired: async (app) => {
    const s = await aProposed(app);
    const a = await writeNeedOnly(app.ports.store, s.a.id, { status: 'EXPIRED', recheckAt: undefined });
    return { ...s, event: needEvent(a, 'NeedExpired'), check: capacityWentToB(s, 'CANCELLED') };
  },
  MatchRejected: async (app) => {
    const s = await aProposed(app);
    const m = await writeMatchStatusOnly(app.ports.store, s.m1, 'REJECTED', AT);
    const check = capacityWentToB(s, 'REJECTED');
    return {
      ...s,
      event: matchEvent(m, 'MatchRejected', 'out of scope'),
      check: (snap) => {
        check(snap);
        expect(snap.needs[s.a.id]).toMatchObject({ status: 'WAITING', excluded: [s.o.id] });
      },
    };
  },
  MatchDeclined: async (app) => {
    const s = await aProposed(app);
    await writeMatchStatusOnly(app.ports.store, s.m1, 'APPROVED', AT);
    const m = await writeMatchStatusOnly(app.ports.store, s.m1, 'DECLINED', AT);
    const check = capacityWentToB(s, 'DECLINED');
    return {
      ...s,
      event: matchEvent(m, 'MatchDeclined'),
      check: (snap) => {
        check(snap);
        expect(snap.needs[s.a.id]).toMatchObject({ status: 'WAITING', excluded: [s.o.id] });
      },
    };
  },
  MatchExpired: async (app) => {
    const s = await aProposed(app);
    const m = await writeMatchStatusOnly(app.ports.store, s.m1, 'EXPIRED', AT);
    return {
      ...s,
      event: matchEvent(m, 'MatchExpired'),
      // An expiry excludes nothing: A (the earlier need) gets the unit again, under a new match.
      check: (snap) => {
        expect(snap.matches[s.m1]!.status).toBe('EXPIRED');
        expect(snap.needs[s.a.id]!.status).toBe('PROPOSED');
        expect(snap.needs[s.a.id]!.currentMatchId).not.toBe(s.m1);
        expect(snap.ledgers[s.o.id]).toMatchObject({ used: 1, claims: [snap.needs[s.a.id]!.currentMatchId] });
      },
    };
  },
  MatchCancelled: async (app) => {
    const s = await aProposed(app);
    await writeNeedOnly(app.ports.store, s.a.id, { status: 'WITHDRAWN', recheckAt: undefined });
    const m = await writeMatchStatusOnly(app.ports.store, s.m1, 'CANCELLED', AT);
    return { ...s, event: matchEvent(m, 'MatchCancelled', 'need withdrawn'), check: capacityWentToB(s, 'CANCELLED') };
  },
};

describe('market events delivered more than once', () => {
  it.concurrent.for(Object.keys(SCENARIOS))('%s delivered 1, 2 and 10 times leaves the state one delivery leaves', async (type, { expect }) => {
    const app = await testApp({ NOW: BASE_TIME });
    const sc = await SCENARIOS[type]!(app);
    const snap = () => marketSnapshot(app.ports.store, sc.needIds, sc.offeringIds, PERIOD);
    const deliver = async (copies = 1) => {
      const res = await deliverToMatcher(app.handlers, Array.from({ length: copies }, () => sc.event));
      expect(res.batchItemFailures).toEqual([]);
    };

    await deliver();
    // One more round, as any later trigger would run: a need left waiting may see its
    // reasons move on once (a unit the first round gave to another is then simply
    // full) and the round records that. A redelivery must change nothing beyond it.
    await runMarketRound(app.ports, 'energy-audit');
    const once = await snap();
    sc.check(once);
    expect(await marketViolations(app.ports.store, sc.needIds, sc.offeringIds.map((id) => ({ id })), PERIOD)).toEqual([]);

    await deliver();
    expect(await snap(), 'after 2 deliveries').toEqual(once);
    for (let i = 2; i < 10; i++) await deliver();
    expect(await snap(), 'after 10 deliveries').toEqual(once);
    // A redrive can also bring copies side by side in one batch.
    await deliver(5);
    expect(await snap(), 'after a batch of 5 copies').toEqual(once);
    expect(await marketViolations(app.ports.store, sc.needIds, sc.offeringIds.map((id) => ({ id })), PERIOD)).toEqual([]);
  });

  it('MatchRejected delivered repeatedly releases the capacity once, reopens the need once and excludes the offering once', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const o = await seedOffering(app.ports.store, { capacityPerMonth: 2 });
    const [a, b, c] = [
      await seedNeed(app.ports.store, { postedAt: minutesAfter(BASE_TIME, -90) }),
      await seedNeed(app.ports.store, { postedAt: minutesAfter(BASE_TIME, -60) }),
      await seedNeed(app.ports.store, { postedAt: minutesAfter(BASE_TIME, -30) }),
    ];
    await runMarketRound(app.ports, 'energy-audit');
    const proposedA = (await app.ports.store.get('need', a.id, true))!;
    expect(proposedA.status).toBe('PROPOSED');
    const m = await writeMatchStatusOnly(app.ports.store, proposedA.currentMatchId!, 'REJECTED', AT);
    const event = matchEvent(m, 'MatchRejected', 'out of scope');

    for (let i = 0; i < 10; i++) expect((await deliverToMatcher(app.handlers, [event])).batchItemFailures).toEqual([]);

    // One release (2 - 1) and one new claim for C: a second release would show as used 1.
    expect(await app.ports.store.getCapacity(o.id, PERIOD)).toMatchObject({ used: 2 });
    const holders = await Promise.all([b.id, c.id].map(async (id) => (await app.ports.store.get('need', id, true))!.currentMatchId));
    expect((await app.ports.store.getCapacity(o.id, PERIOD))!.claims.sort()).toEqual(holders.sort());
    const after = (await app.ports.store.get('need', a.id, true))!;
    // Reopened by exactly one write (PROPOSED v2 -> WAITING v3), excluded once; then the
    // round that followed recorded once why it waits (v4): a second reopen would show as v5.
    expect(after).toMatchObject({ status: 'WAITING', version: proposedA.version + 2, excludedOfferingIds: [o.id] });
    expect(after.waiting?.reasons).toEqual([{ code: 'EXCLUDED', count: 1 }]);
    expect(after.currentMatchId).toBeUndefined();
    expect(await marketViolations(app.ports.store, [a.id, b.id, c.id], [o], PERIOD)).toEqual([]);
  });

  it('a MatchExpired that arrives after its need was proposed again to the same offering releases nothing of the new proposal', async () => {
    // The expiry job settles inline and publishes MatchExpired; a round of another trigger (a
    // rebalance, a NeedPosted) runs before that event reaches the matcher and proposes the
    // reopened need to the same offering again. The late follow-up must leave that claim alone.
    const app = await testApp({ NOW: BASE_TIME });
    const s = await aProposed(app);
    app.advance(app.ports.config.MATCH_TTL_HOURS * 3_600_000 + 60_000);
    await transitionMatch(app.ports, s.m1, 'expire', 'system', { reason: 'nobody acted in time' });
    const expired = app.publisher.queue.filter((e) => e.detailType === 'MatchExpired');
    expect(expired).toHaveLength(1);
    app.publisher.queue = [];

    const period = app.ports.clock.now().toISOString().slice(0, 7);
    await deliverToMatcher(app.handlers, [rebalanceEvent('energy-audit', 7, app.ports.clock.now().toISOString(), 'needs waiting too long')]);
    const again = (await app.ports.store.get('need', s.a.id, true))!;
    expect(again.status).toBe('PROPOSED');
    expect(again.currentMatchId).not.toBe(s.m1);

    await deliverToMatcher(app.handlers, expired);

    expect(await marketViolations(app.ports.store, s.needIds, [s.o], period)).toEqual([]);
    expect(await app.ports.store.getCapacity(s.o.id, period)).toMatchObject({ limit: 1, used: 1, claims: [again.currentMatchId] });
    expect((await app.ports.store.get('need', s.b.id, true))!.status).toBe('WAITING');
  });
});

describe('the notifier', () => {
  it('writes each party one notification for an event delivered 10 times, also when the copies arrive at once', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const s = await aProposed(app);
    app.publisher.queue = [];
    await transitionMatch(app.ports, s.m1, 'approve', 'operator');
    const approved = app.publisher.published.filter((e) => e.detailType === 'MatchApproved');
    expect(approved).toHaveLength(1);
    const event = approved[0]!;
    const detail = event.detail as { smeOwnerSub: string; providerOwnerSub: string };

    for (let i = 0; i < 5; i++) await app.handlers.notifier(toEnvelope(event), lambdaContext('notifier'));
    await Promise.all(Array.from({ length: 5 }, () => app.handlers.notifier(toEnvelope(event), lambdaContext('notifier'))));

    for (const sub of [detail.smeOwnerSub, detail.providerOwnerSub]) {
      const inbox = await app.ports.store.listInbox(sub, { limit: 100 });
      expect(inbox.items.map((n) => [n.type, n.matchId])).toEqual([['MATCH_APPROVED', s.m1]]);
    }
  });
});
