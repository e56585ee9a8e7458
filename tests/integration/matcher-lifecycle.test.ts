/**
 * Where capacity goes when a match ends, over the HTTP API as the parties use
 * it: a reject or a decline hands the unit to the next waiting need and never
 * back to the refused pair, however many later rounds run; a withdrawal gives
 * it back; an approval reaches both parties' inboxes.
 */
import { describe, expect, it } from 'vitest';
import { actor, lambdaContext, testApp } from '#tests/support/app.ts';
import { marketViolations, postNeed, postOffering } from '#tests/support/market.ts';

const NOW = '2026-12-01T08:00:00.000Z';
const PERIOD = '2026-12';
type App = Awaited<ReturnType<typeof testApp>>;
type Actor = ReturnType<typeof actor>;

/** A provider with one offering of one unit, and needs of three SMEs posted a minute apart (A first). */
async function queueOfThree(app: App) {
  const prov = actor('provider');
  const o = await postOffering(app.call, prov, { capacityPerMonth: 1 });
  const smes: Actor[] = [actor('sme'), actor('sme'), actor('sme')];
  const needs: string[] = [];
  for (const s of smes) {
    needs.push(await postNeed(app.call, s));
    app.advance(60_000);
  }
  await app.drain();
  return { prov, o, smes, needs };
}

async function need(app: App, id: string, as: Actor) {
  const r = await app.call('GET', `/v1/needs/${id}`, { as });
  expect(r.status).toBe(200);
  return r.body;
}

async function used(app: App, offeringId: string, as: Actor) {
  return (await app.call('GET', `/v1/offerings/${offeringId}/capacity?period=${PERIOD}`, { as })).body.used;
}

async function matchesOf(app: App, needId: string, as: Actor): Promise<Array<{ id: string; offeringId: string; status: string }>> {
  return (await app.call('GET', `/v1/needs/${needId}/matches`, { as })).body.items;
}

describe.concurrent('when a match ends', () => {
  it('a reject sends the unit to the next waiting need, twice in a row, and never back to a rejected pair', async ({ expect }) => {
    const app = await testApp({ NOW });
    const op = actor('operator');
    const { prov, o, smes, needs } = await queueOfThree(app);
    const [a, b, c] = needs as [string, string, string];
    const [sa, sb, sc] = smes as [Actor, Actor, Actor];
    expect((await need(app, a, sa)).status).toBe('PROPOSED');

    const m1 = (await need(app, a, sa)).currentMatchId;
    expect((await app.call('POST', `/v1/matches/${m1}/reject`, { as: op, body: { reason: 'outside the audit scope' } })).status).toBe(200);
    await app.drain();
    expect(await need(app, a, sa)).toMatchObject({ status: 'WAITING', excludedOfferingIds: [o.id] });
    expect((await need(app, b, sb)).status).toBe('PROPOSED');
    expect((await need(app, c, sc)).status).toBe('WAITING');

    const m2 = (await need(app, b, sb)).currentMatchId;
    expect((await app.call('POST', `/v1/matches/${m2}/reject`, { as: op, body: { reason: 'duplicate request' } })).status).toBe(200);
    await app.drain();
    expect(await need(app, b, sb)).toMatchObject({ status: 'WAITING', excludedOfferingIds: [o.id] });
    expect((await need(app, c, sc)).currentMatch).toMatchObject({ status: 'PROPOSED', offeringId: o.id });

    // C withdraws: the unit is free again, and still neither refused pair gets it.
    expect((await app.call('POST', `/v1/needs/${c}/withdraw`, { as: sc })).body.status).toBe('WITHDRAWN');
    await app.drain();
    expect(await used(app, o.id, prov)).toBe(0);
    expect((await need(app, a, sa)).status).toBe('WAITING');
    expect((await need(app, b, sb)).status).toBe('WAITING');
    expect((await matchesOf(app, a, sa)).map((m) => m.status)).toEqual(['REJECTED']);
    expect((await matchesOf(app, b, sb)).map((m) => m.status)).toEqual(['REJECTED']);
    expect(await marketViolations(app.ports.store, needs, [o], PERIOD)).toEqual([]);
  });

  it('a decline by the SME, then one by the provider, each send the unit to the next waiting need', async ({ expect }) => {
    const app = await testApp({ NOW });
    const op = actor('operator');
    const { prov, o, smes, needs } = await queueOfThree(app);
    const [a, b, c] = needs as [string, string, string];
    const [sa, sb, sc] = smes as [Actor, Actor, Actor];

    const m1 = (await need(app, a, sa)).currentMatchId;
    await app.call('POST', `/v1/matches/${m1}/approve`, { as: op });
    const d1 = await app.call('POST', `/v1/matches/${m1}/decline`, { as: sa, body: { reason: 'we found a closer auditor' } });
    expect(d1.body.status).toBe('DECLINED');
    expect(await used(app, o.id, prov)).toBe(0);
    await app.drain();
    expect(await need(app, a, sa)).toMatchObject({ status: 'WAITING', excludedOfferingIds: [o.id] });
    expect((await need(app, b, sb)).status).toBe('PROPOSED');

    const m2 = (await need(app, b, sb)).currentMatchId;
    await app.call('POST', `/v1/matches/${m2}/approve`, { as: op });
    expect((await app.call('POST', `/v1/matches/${m2}/decline`, { as: prov, body: {} })).body.status).toBe('DECLINED');
    await app.drain();
    expect(await need(app, b, sb)).toMatchObject({ status: 'WAITING', excludedOfferingIds: [o.id] });
    expect((await need(app, c, sc)).currentMatch).toMatchObject({ status: 'PROPOSED', offeringId: o.id });
    expect(await used(app, o.id, prov)).toBe(1);
    expect(await marketViolations(app.ports.store, needs, [o], PERIOD)).toEqual([]);
  });

  it('a withdrawal cancels the open match and gives its unit back at once, which the next round hands on', async ({ expect }) => {
    const app = await testApp({ NOW });
    const op = actor('operator');
    const { prov, o, smes, needs } = await queueOfThree(app);
    const [a, b] = needs as [string, string, string];
    const [sa, sb] = smes as [Actor, Actor, Actor];
    const m1 = (await need(app, a, sa)).currentMatchId;
    await app.call('POST', `/v1/matches/${m1}/approve`, { as: op });

    expect((await app.call('POST', `/v1/needs/${a}/withdraw`, { as: sa })).body.status).toBe('WITHDRAWN');
    expect(await used(app, o.id, prov)).toBe(0);
    expect((await app.call('GET', `/v1/matches/${m1}`, { as: op })).body.status).toBe('CANCELLED');

    await app.drain();
    expect((await need(app, b, sb)).status).toBe('PROPOSED');
    expect(await used(app, o.id, prov)).toBe(1);
    expect(await marketViolations(app.ports.store, needs, [o], PERIOD)).toEqual([]);
  });

  it('an approved match reaches both parties in their inbox, once each', async ({ expect }) => {
    const app = await testApp({ NOW });
    const op = actor('operator');
    const { prov, smes, needs } = await queueOfThree(app);
    const sa = smes[0]!;
    const m1 = (await need(app, needs[0]!, sa)).currentMatchId;
    // Proposals are not announced to the parties: the operator reviews them first.
    expect((await app.call('GET', '/v1/inbox', { as: sa })).body.items).toEqual([]);

    expect((await app.call('POST', `/v1/matches/${m1}/approve`, { as: op })).body.status).toBe('APPROVED');
    await app.drain();

    for (const who of [sa, prov]) {
      const inbox = await app.call('GET', '/v1/inbox', { as: who });
      expect(inbox.status).toBe(200);
      // Only this match's news: the provider's inbox also holds its own onboarding decision.
      const aboutMatches = inbox.body.items.filter((n: { matchId?: string }) => n.matchId !== undefined);
      expect(aboutMatches).toMatchObject([{ type: 'MATCH_APPROVED', matchId: m1, needId: needs[0], read: false }]);
    }
    expect((await app.call('GET', '/v1/inbox', { as: smes[1]! })).body.items).toEqual([]);
  });
});

describe.concurrent('a refused pair across later rounds', () => {
  it('is never proposed again for that need, through eight rebalance rounds, while a new offering is', async ({ expect }) => {
    const app = await testApp({ NOW, REBALANCE_AFTER_MINUTES: '60' });
    const op = actor('operator');
    const prov = actor('provider');
    const sme = actor('sme');
    // `near` serves Sichuan in person (the better fit); `far` serves it remotely.
    const near = await postOffering(app.call, prov, { capacityPerMonth: 1 });
    const far = await postOffering(app.call, prov, { capacityPerMonth: 1, regions: ['CN-GD'], remote: true });
    const a = await postNeed(app.call, sme, {}, { remoteOk: true });
    await app.drain();
    expect((await need(app, a, sme)).currentMatch.offeringId).toBe(near.id);

    await app.call('POST', `/v1/matches/${(await need(app, a, sme)).currentMatchId}/reject`, { as: op, body: { reason: 'conflict of interest' } });
    await app.drain();
    const second = await need(app, a, sme);
    expect(second.currentMatch.offeringId).toBe(far.id);
    await app.call('POST', `/v1/matches/${second.currentMatchId}/approve`, { as: op });
    await app.call('POST', `/v1/matches/${second.currentMatchId}/decline`, { as: sme, body: {} });
    await app.drain();
    expect(await need(app, a, sme)).toMatchObject({ status: 'WAITING' });
    expect([...(await need(app, a, sme)).excludedOfferingIds].sort()).toEqual([near.id, far.id].sort());

    for (let round = 0; round < 8; round++) {
      app.advance(61 * 60_000);
      app.publisher.published.length = 0;
      await app.handlers.rebalance({}, lambdaContext('rebalance'));
      // The round really runs: the need has waited long enough to ask for one each time.
      expect(app.publisher.published.map((e) => [e.detailType, (e.detail as { serviceType?: string }).serviceType])).toEqual([['MarketRebalanceRequested', 'energy-audit']]);
      await app.drain();
    }
    expect((await need(app, a, sme)).status).toBe('WAITING');
    expect((await matchesOf(app, a, sme)).map((m) => [m.offeringId, m.status]).sort()).toEqual(
      [
        [near.id, 'REJECTED'],
        [far.id, 'DECLINED'],
      ].sort(),
    );
    expect(await used(app, near.id, prov)).toBe(0);
    expect(await used(app, far.id, prov)).toBe(0);

    // A third offering is not excluded: the next round proposes it.
    const third = await postOffering(app.call, prov, { capacityPerMonth: 1 });
    await app.drain();
    expect((await need(app, a, sme)).currentMatch).toMatchObject({ status: 'PROPOSED', offeringId: third.id });
  });
});
