/**
 * The scheduled jobs, with the clock moved by the test: expiry (open matches
 * after MATCH_TTL_HOURS, needs after their deadline, proposals a matcher
 * crash left without their match), rebalance (only markets whose oldest
 * waiting need waited too long) and the outbox relay (what a failed publish
 * left pending goes out, and the market then matches it).
 */
import { describe, expect, it } from 'vitest';
import { derivedId } from '#functions/usecases/support.ts';
import { RELAY_GRACE_MS } from '#functions/usecases/jobs.ts';
import { RECHECK_AFTER_MINUTES, runMarketRound } from '#functions/usecases/matcher.ts';
import { actor, lambdaContext, testApp } from '#tests/support/app.ts';
import { BASE_TIME, OTHER_MARKET, minutesAfter } from '#tests/support/factories.ts';
import { marketViolations, postNeed, postOffering, seedNeed, seedOffering, writeNeedOnly } from '#tests/support/market.ts';

const PERIOD = BASE_TIME.slice(0, 7);
const HOUR = 3_600_000;
type App = Awaited<ReturnType<typeof testApp>>;

const expiry = (app: App) => app.handlers.expiry({}, lambdaContext('expiry'));
const rebalance = (app: App) => app.handlers.rebalance({}, lambdaContext('rebalance'));
const relay = (app: App) => app.handlers.relay({}, lambdaContext('relay'));
const needOf = async (app: App, id: string) => (await app.ports.store.get('need', id, true))!;
const matchOf = async (app: App, id: string) => (await app.ports.store.get('match', id, true))!;
const ledger = (app: App, offeringId: string) => app.ports.store.getCapacity(offeringId, PERIOD);

/** One offering with one unit and one need the matcher proposed to it. */
async function proposedPair(app: App, needOver: Parameters<typeof seedNeed>[1] = {}, offeringOver: Parameters<typeof seedOffering>[1] = {}) {
  const o = await seedOffering(app.ports.store, { capacityPerMonth: 1, ...offeringOver });
  const n = await seedNeed(app.ports.store, needOver);
  await runMarketRound(app.ports, 'energy-audit');
  const proposed = await needOf(app, n.id);
  expect(proposed.status).toBe('PROPOSED');
  return { o, n, matchId: proposed.currentMatchId! };
}

describe.concurrent('the expiry job', () => {
  it('expires a PROPOSED match MATCH_TTL_HOURS after it was made, giving back its unit and reopening the need', async ({ expect }) => {
    const app = await testApp({ NOW: BASE_TIME, MATCH_TTL_HOURS: '48' });
    const { o, n, matchId } = await proposedPair(app);

    app.advance(48 * HOUR - 60_000);
    expect(await expiry(app)).toMatchObject({ matchesExpired: 0 });
    expect((await matchOf(app, matchId)).status).toBe('PROPOSED');

    app.advance(2 * 60_000);
    expect(await expiry(app)).toMatchObject({ matchesExpired: 1 });
    expect((await matchOf(app, matchId)).status).toBe('EXPIRED');
    expect(await ledger(app, o.id)).toMatchObject({ used: 0, claims: [] });
    const reopened = await needOf(app, n.id);
    // An expiry is nobody's refusal: the offering is not excluded.
    expect(reopened).toMatchObject({ status: 'WAITING', excludedOfferingIds: [] });
    expect(reopened.currentMatchId).toBeUndefined();
    expect(app.publisher.published.filter((e) => e.detailType === 'MatchExpired').map((e) => (e.detail as { matchId: string }).matchId)).toEqual([matchId]);

    // Running it again finds nothing more to do.
    expect(await expiry(app)).toMatchObject({ matchesExpired: 0, needsExpired: 0 });
  });

  it('expires an APPROVED match MATCH_TTL_HOURS after its approval, not after its proposal', async ({ expect }) => {
    const app = await testApp({ NOW: BASE_TIME, MATCH_TTL_HOURS: '48' });
    const op = actor('operator');
    const { o, n, matchId } = await proposedPair(app);
    app.advance(10 * HOUR);
    expect((await app.call('POST', `/v1/matches/${matchId}/approve`, { as: op })).body.status).toBe('APPROVED');

    app.advance(48 * HOUR - 60_000); // 58 h after the proposal, 48 h - 1 min after the approval
    await expiry(app);
    expect((await matchOf(app, matchId)).status).toBe('APPROVED');
    expect(await ledger(app, o.id)).toMatchObject({ used: 1 });

    app.advance(2 * 60_000);
    expect(await expiry(app)).toMatchObject({ matchesExpired: 1 });
    expect((await matchOf(app, matchId)).status).toBe('EXPIRED');
    expect(await ledger(app, o.id)).toMatchObject({ used: 0, claims: [] });
    expect((await needOf(app, n.id)).status).toBe('WAITING');
  });

  it('expires needs past their deadline, WAITING and PROPOSED alike, cancelling the open match and giving back its unit', async ({ expect }) => {
    // Matches live longer than the needs here, so only the deadline can end them.
    const app = await testApp({ NOW: BASE_TIME, MATCH_TTL_HOURS: String(24 * 60) });
    const deadline = '2026-03-10';
    const { o, n: proposed, matchId } = await proposedPair(app, { deadline, postedAt: minutesAfter(BASE_TIME, -60) }, { leadTimeDays: 1 });
    // Loses the only unit to the earlier need and keeps waiting.
    const waiting = await seedNeed(app.ports.store, { deadline, postedAt: minutesAfter(BASE_TIME, -30) });
    await runMarketRound(app.ports, 'energy-audit');
    expect((await needOf(app, waiting.id)).status).toBe('WAITING');

    app.setNow('2026-03-10T23:59:00.000Z');
    expect(await expiry(app)).toMatchObject({ needsExpired: 0 });
    expect((await needOf(app, proposed.id)).status).toBe('PROPOSED');

    app.setNow('2026-03-11T00:00:01.000Z');
    expect(await expiry(app)).toMatchObject({ needsExpired: 2 });
    expect((await needOf(app, proposed.id)).status).toBe('EXPIRED');
    expect((await needOf(app, waiting.id)).status).toBe('EXPIRED');
    expect((await matchOf(app, matchId)).status).toBe('CANCELLED');
    expect(await ledger(app, o.id)).toMatchObject({ used: 0, claims: [] });
    const expiredEvents = app.publisher.published.filter((e) => e.detailType === 'NeedExpired').map((e) => (e.detail as { needId: string }).needId);
    expect(expiredEvents.sort()).toEqual([proposed.id, waiting.id].sort());

    // Their market round proposes neither again.
    await app.drain();
    expect((await needOf(app, waiting.id)).status).toBe('EXPIRED');
    expect(await ledger(app, o.id)).toMatchObject({ used: 0 });
  });

  it('recovers a need locked the old way (before its match) that a crash left without its match: unit back, need waiting, a round requested that proposes it again', async ({ expect }) => {
    const app = await testApp({ NOW: BASE_TIME });
    const o = await seedOffering(app.ports.store, { capacityPerMonth: 1 });
    const n = await seedNeed(app.ports.store);
    // A matcher that locked first (before rounds wrote the match first): its lock and claim, then a crash.
    const recheckAt = minutesAfter(BASE_TIME, RECHECK_AFTER_MINUTES);
    const strandedMatchId = derivedId('mt', n.id, String(n.version));
    await writeNeedOnly(
      app.ports.store,
      n.id,
      { status: 'PROPOSED', currentMatchId: strandedMatchId, claim: { offeringId: o.id, period: PERIOD }, recheckAt },
    );
    expect(await app.ports.store.claimCapacity(o.id, PERIOD, o.capacityPerMonth, strandedMatchId)).toBe('claimed');

    app.advance((RECHECK_AFTER_MINUTES - 1) * 60_000);
    expect(await expiry(app)).toMatchObject({ proposalsRecovered: 0 });
    expect(await ledger(app, o.id)).toMatchObject({ used: 1 });

    app.advance(2 * 60_000);
    expect(await expiry(app)).toMatchObject({ proposalsRecovered: 1 });
    expect(await ledger(app, o.id)).toMatchObject({ used: 0, claims: [] });
    const reopened = await needOf(app, n.id);
    expect(reopened.status).toBe('WAITING');
    expect([reopened.currentMatchId, reopened.claim, reopened.recheckAt]).toEqual([undefined, undefined, undefined]);
    expect(app.publisher.queue.map((e) => [e.detailType, (e.detail as { serviceType?: string }).serviceType])).toEqual([['MarketRebalanceRequested', 'energy-audit']]);

    await app.drain();
    const again = await needOf(app, n.id);
    expect(again.status).toBe('PROPOSED');
    expect((await matchOf(app, again.currentMatchId!)).status).toBe('PROPOSED');
    expect(await marketViolations(app.ports.store, [n.id], [o], PERIOD)).toEqual([]);
  });

  it('has nothing to recheck for a proposal a round made: the match is written before the need is locked', async ({ expect }) => {
    const app = await testApp({ NOW: BASE_TIME });
    const { n, matchId } = await proposedPair(app);
    const locked = await needOf(app, n.id);
    expect(locked.recheckAt).toBeUndefined();
    app.advance((RECHECK_AFTER_MINUTES + 1) * 60_000);
    expect(await expiry(app)).toMatchObject({ rechecked: 0, proposalsRecovered: 0 });
    // Not written again: the proposal costs the need no write after its lock.
    expect(await needOf(app, n.id)).toMatchObject({ status: 'PROPOSED', currentMatchId: matchId, version: locked.version });
  });

  it('leaves a need locked the old way (before its match) whose match was written, only ending the recheck', async ({ expect }) => {
    const app = await testApp({ NOW: BASE_TIME });
    const { o, n, matchId } = await proposedPair(app);
    await writeNeedOnly(app.ports.store, n.id, { recheckAt: minutesAfter(BASE_TIME, RECHECK_AFTER_MINUTES) });
    app.advance((RECHECK_AFTER_MINUTES + 1) * 60_000);
    app.publisher.queue = [];

    expect(await expiry(app)).toMatchObject({ rechecked: 1, proposalsRecovered: 0 });
    const after = await needOf(app, n.id);
    expect(after).toMatchObject({ status: 'PROPOSED', currentMatchId: matchId });
    expect(after.recheckAt).toBeUndefined();
    expect(await ledger(app, o.id)).toMatchObject({ used: 1, claims: [matchId] });
    expect(app.publisher.queue).toEqual([]);
    // Done once: the next run does not look at it again before its deadline.
    expect(await expiry(app)).toMatchObject({ rechecked: 0 });
  });
});

describe.concurrent('the rebalance job', () => {
  it('requests a round only for markets whose oldest waiting need waited longer than REBALANCE_AFTER_MINUTES', async ({ expect }) => {
    const app = await testApp({ NOW: BASE_TIME, REBALANCE_AFTER_MINUTES: '30' });
    // No offerings: both needs keep waiting.
    await seedNeed(app.ports.store, { postedAt: minutesAfter(BASE_TIME, -31) });
    await seedNeed(app.ports.store, { postedAt: minutesAfter(BASE_TIME, -10), serviceType: OTHER_MARKET });
    const requested = () =>
      app.publisher.published.filter((e) => e.detailType === 'MarketRebalanceRequested').map((e) => (e.detail as { serviceType?: string }).serviceType).sort();

    expect(await rebalance(app)).toEqual({ requested: 1 });
    expect(requested()).toEqual(['energy-audit']);

    // Again in the same time bucket: the same event id, so the queue deduplicates it.
    await rebalance(app);
    const ids = app.publisher.published.map((e) => e.id);
    expect(new Set(ids).size).toBe(1);

    app.publisher.published.length = 0;
    app.advance(21 * 60_000);
    expect(await rebalance(app)).toEqual({ requested: 2 });
    expect(requested()).toEqual(['energy-audit', OTHER_MARKET].sort());
  });

  it('requests nothing for a market whose needs were all proposed, however old', async ({ expect }) => {
    const app = await testApp({ NOW: BASE_TIME, REBALANCE_AFTER_MINUTES: '30' });
    await proposedPair(app, { postedAt: minutesAfter(BASE_TIME, -600) });
    expect(await rebalance(app)).toEqual({ requested: 0 });
  });
});

describe.concurrent('the outbox relay', () => {
  it('publishes what a failed publish left pending, and every need it carried is then proposed', async ({ expect }) => {
    const app = await testApp({ NOW: '2026-12-01T08:00:00.000Z' });
    const prov = actor('provider');
    const o = await postOffering(app.call, prov, { capacityPerMonth: 5 });
    await app.drain();

    app.publisher.failing = true;
    const needs: string[] = [];
    for (let i = 0; i < 3; i++) needs.push(await postNeed(app.call, actor('sme')));
    await app.drain(); // nothing was published: nothing to deliver
    for (const id of needs) expect((await needOf(app, id)).status).toBe('WAITING');

    // Younger than the relay's grace period: still their writers' to publish.
    expect(await relay(app)).toEqual({ published: 0, failed: 0 });
    app.advance(RELAY_GRACE_MS);
    // Still failing: the relay keeps everything for its next pass.
    expect(await relay(app)).toMatchObject({ published: 0 });
    expect((await relay(app)).failed).toBeGreaterThanOrEqual(3);

    app.publisher.failing = false;
    expect(await relay(app)).toMatchObject({ published: 3, failed: 0 });
    expect(app.publisher.queue.filter((e) => e.detailType === 'NeedPosted').map((e) => (e.detail as { needId: string }).needId).sort()).toEqual(
      [...needs].sort(),
    );
    await app.drain();
    for (const id of needs) expect((await needOf(app, id)).status).toBe('PROPOSED');
    expect((await app.call('GET', `/v1/offerings/${o.id}/capacity?period=2026-12`, { as: prov })).body.used).toBe(3);

    // Cleared: a later pass has nothing left.
    expect(await relay(app)).toMatchObject({ published: 0, failed: 0 });
  });

  it("leaves a posted need's NeedPosted pending for the round it triggers, whose write of the need clears it; the relay sends it only for a need no round wrote", async ({ expect }) => {
    const app = await testApp({ NOW: '2026-12-01T08:00:00.000Z' });
    const prov = actor('provider');
    await postOffering(app.call, prov, { capacityPerMonth: 1 });
    await app.drain();
    const pendingNeeds = async () => (await app.ports.store.listPending()).filter((p) => p.ref.kind === 'need').map((p) => [p.ref.id, p.events.map((e) => e.detailType)]);

    // Published at once, yet still in the outbox: clearing it would cost the need a write.
    const first = await postNeed(app.call, actor('sme'));
    expect(app.publisher.queue.map((e) => e.detailType)).toEqual(['NeedPosted']);
    expect(await pendingNeeds()).toEqual([[first, ['NeedPosted']]]);

    // Another market's need: no round of energy-audit ever writes it.
    const elsewhere = await postNeed(app.call, actor('sme'), {}, { serviceType: OTHER_MARKET });
    await app.drain();
    // The round proposed the first need; its lock write dropped NeedPosted. The other market has no offering:
    // its round wrote why the need waits, which drops it too.
    expect((await needOf(app, first)).status).toBe('PROPOSED');
    expect((await needOf(app, elsewhere)).waiting?.reasons.length).toBeGreaterThan(0);
    expect(await pendingNeeds()).toEqual([]);

    // A need whose round never came (its trigger lost): the relay publishes NeedPosted once past the grace.
    app.publisher.failing = true;
    const lost = await postNeed(app.call, actor('sme'));
    app.publisher.failing = false;
    expect(await pendingNeeds()).toEqual([[lost, ['NeedPosted']]]);
    expect(await relay(app)).toEqual({ published: 0, failed: 0 });
    app.advance(RELAY_GRACE_MS);
    expect(await relay(app)).toEqual({ published: 1, failed: 0 });
    expect(await pendingNeeds()).toEqual([]);
  });
});
