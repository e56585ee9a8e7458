/**
 * The measured cases of issue 11 ("Why"), rebuilt on dynalite through the
 * matcher: free services go to the firms the plan aims them at, the round
 * serves the most SMEs first, no provider takes a market when another fits
 * about as well, a need that waits says why (over the API too), and a round
 * takes a bounded window of needs, the rest following at once.
 *
 * Needs carry their SME snapshot as the store factories set it (the matcher
 * reads the snapshot, whoever fills it).
 */
import { describe, expect, it } from 'vitest';
import type { Need } from '#domain/model.ts';
import { POLICY } from '#domain/policy.ts';
import { runMarketRound } from '#functions/usecases/matcher.ts';
import { actor, testApp } from '#tests/support/app.ts';
import { BASE_TIME, minutesAfter } from '#tests/support/factories.ts';
import { seedNeed, seedOffering } from '#tests/support/market.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const at = (min: number) => minutesAfter(BASE_TIME, min);
const PERIOD = BASE_TIME.slice(0, 7);

async function stateOf(app: App, n: Need) {
  const cur = (await app.ports.store.get('need', n.id, true))!;
  const match = cur.currentMatchId ? await app.ports.store.get('match', cur.currentMatchId, true) : undefined;
  return { status: cur.status, offeringId: match?.offeringId, providerId: match?.providerId, waiting: cur.waiting };
}

describe('the plan’s targeting, through a round', () => {
  it('free legal aid: a micro firm in Guizhou takes the last free unit from a medium 小巨人 in Shanghai', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const aid = await seedOffering(
      app.ports.store,
      { serviceType: 'legal-aid', capacityPerMonth: 1, publicWelfare: true, priceMin: 0, priceMax: 0, regions: ['CN-SH', 'CN-GZ'], remote: true, eligibility: {} },
      { kind: 'LEGAL_AID_ORGANISATION', regions: ['CN-SH', 'CN-GZ'] },
    );
    // The giant posted first, and its province is served in person too.
    const giant = await seedNeed(
      app.ports.store,
      { serviceType: 'legal-aid', postedAt: at(-60) },
      { sizeClass: 'MEDIUM', tier: 'LITTLE_GIANT', region: { province: 'CN-SH', city: '上海' } },
    );
    const micro = await seedNeed(
      app.ports.store,
      { serviceType: 'legal-aid', postedAt: at(-10) },
      { sizeClass: 'MICRO', tier: 'NONE', region: { province: 'CN-GZ', city: '贵阳' } },
    );

    await runMarketRound(app.ports, 'legal-aid');

    expect(await stateOf(app, micro)).toMatchObject({ status: 'PROPOSED', offeringId: aid.id });
    const lost = await stateOf(app, giant);
    expect(lost.status).toBe('WAITING');
    expect(lost.waiting?.reasons).toEqual([{ code: 'OUTRANKED', count: 1 }]);
  });

  it('one free 节能诊断 unit: a weak-foundation micro firm in Gansu beats a little giant', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const diag = await seedOffering(app.ports.store, {
      serviceType: 'energy-saving-diagnosis',
      capacityPerMonth: 1,
      publicWelfare: true,
      regions: ['CN-GS', 'CN-JS'],
      remote: false,
      eligibility: {},
    });
    const giant = await seedNeed(
      app.ports.store,
      { serviceType: 'energy-saving-diagnosis', postedAt: at(-60) },
      { sizeClass: 'SMALL', tier: 'LITTLE_GIANT', region: { province: 'CN-JS', city: '苏州' } },
    );
    const weak = await seedNeed(
      app.ports.store,
      { serviceType: 'energy-saving-diagnosis', postedAt: at(-10) },
      { sizeClass: 'MICRO', tier: 'NONE', weakFoundation: true, region: { province: 'CN-GS', city: '兰州' } },
    );

    await runMarketRound(app.ports, 'energy-saving-diagnosis');

    expect(await stateOf(app, weak)).toMatchObject({ status: 'PROPOSED', offeringId: diag.id });
    expect((await stateOf(app, giant)).status).toBe('WAITING');
  });

  it('a little giant that could use X or remote Y and a small firm that can only use X: both served, X to the small firm', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    // Priced offerings: the tier ranks first, so the giant's pairs weigh most.
    const x = await seedOffering(app.ports.store, { capacityPerMonth: 1, regions: ['CN-SC'], remote: false });
    const y = await seedOffering(app.ports.store, { capacityPerMonth: 1, regions: ['CN-GD'], remote: true });
    const giant = await seedNeed(app.ports.store, { postedAt: at(-60), remoteOk: true }, { tier: 'LITTLE_GIANT' });
    const small = await seedNeed(app.ports.store, { postedAt: at(-10), remoteOk: false }, { sizeClass: 'SMALL', tier: 'NONE' });

    const r = await runMarketRound(app.ports, 'energy-audit');

    expect(r.proposed).toBe(2);
    expect(await stateOf(app, small)).toMatchObject({ status: 'PROPOSED', offeringId: x.id });
    expect(await stateOf(app, giant)).toMatchObject({ status: 'PROPOSED', offeringId: y.id });
  });

  it('50 needs, two providers with ample capacity and similar fits: neither takes more than its share', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const a = await seedOffering(app.ports.store, { capacityPerMonth: 100 });
    const b = await seedOffering(app.ports.store, { capacityPerMonth: 100 });
    const needs: Need[] = [];
    for (let i = 0; i < 50; i++) needs.push(await seedNeed(app.ports.store, { postedAt: at(-100 + i) }));

    expect(await runMarketRound(app.ports, 'energy-audit')).toMatchObject({ proposed: 50 });

    const perProvider = new Map<string, number>();
    for (const n of needs) {
      const s = await stateOf(app, n);
      perProvider.set(s.providerId!, (perProvider.get(s.providerId!) ?? 0) + 1);
    }
    const share = Math.floor(POLICY.maxProviderShare * 50);
    expect(perProvider.get(a.providerId)).toBeLessThanOrEqual(share);
    expect(perProvider.get(b.providerId)).toBeLessThanOrEqual(share);
    expect((perProvider.get(a.providerId) ?? 0) + (perProvider.get(b.providerId) ?? 0)).toBe(50);
  });

  it('where no other provider can serve, the one over its share still serves (served first)', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const only = await seedOffering(app.ports.store, { capacityPerMonth: 10 });
    const needs: Need[] = [];
    for (let i = 0; i < 6; i++) needs.push(await seedNeed(app.ports.store, { postedAt: at(-100 + i) }));

    expect(await runMarketRound(app.ports, 'energy-audit')).toMatchObject({ proposed: 6 });
    for (const n of needs) expect(await stateOf(app, n)).toMatchObject({ status: 'PROPOSED', offeringId: only.id });
  });
});

describe('why a need waits', () => {
  it('a need no offering can take shows why over the API, to its owner and in the operators’ list, and is written once', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    // One offering that does not serve Guangdong in person, one that could but is full this month.
    await seedOffering(app.ports.store, { capacityPerMonth: 3, regions: ['CN-SC'], remote: false });
    const full = await seedOffering(app.ports.store, { capacityPerMonth: 1, regions: ['CN-GD'], remote: false });
    expect(await app.ports.store.claimCapacity(full.id, PERIOD, { limit: 1, offeringVersion: 1 }, 'mt_held_by_another_need')).toBe('claimed');
    const need = await seedNeed(app.ports.store, { remoteOk: false }, { region: { province: 'CN-GD', city: '广州' } });
    const elsewhere = await seedNeed(app.ports.store, {}, { region: { province: 'CN-SC', city: '成都' } });

    const posted = (await app.ports.store.get('need', need.id, true))!;
    const r1 = await runMarketRound(app.ports, 'energy-audit');
    expect(r1).toMatchObject({ proposed: 1, reasonsWritten: 1 });

    const owner = actor('sme', need.ownerSub);
    const got = await app.call('GET', `/v1/needs/${need.id}`, { as: owner });
    expect(got.status).toBe(200);
    expect(got.body.waiting).toEqual({
      since: posted.updatedAt,
      lastRoundAt: BASE_TIME,
      reasons: [
        { code: 'REGION', count: 1 },
        { code: 'CAPACITY_FULL', count: 1 },
      ],
    });

    const op = actor('operator');
    const list = await app.call('GET', '/v1/needs?status=WAITING&serviceType=energy-audit&province=CN-GD', { as: op });
    expect(list.status).toBe(200);
    expect(list.body.items.map((n: { id: string }) => n.id)).toEqual([need.id]);
    expect(list.body.items[0].waiting.reasons).toEqual(got.body.waiting.reasons);
    // A proposed need is no longer in the list; the other market's filter finds nothing.
    expect((await app.call('GET', '/v1/needs?status=WAITING&serviceType=energy-audit&province=CN-SC', { as: op })).body.items).toEqual([]);
    expect((await stateOf(app, elsewhere)).status).toBe('PROPOSED');

    // Same reasons at the next round: nothing written (the version stays).
    const before = (await app.ports.store.get('need', need.id, true))!.version;
    app.advance(60_000);
    expect(await runMarketRound(app.ports, 'energy-audit')).toMatchObject({ reasonsWritten: 0 });
    expect((await app.ports.store.get('need', need.id, true))!.version).toBe(before);
  });

  it('the operators’ list answers 400 with the contract’s error for what it cannot serve, and only operators may read it', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const op = actor('operator');
    for (const q of ['?status=PROPOSED', '?status=waiting', '?status=WAITING&province=Sichuan', '?status=WAITING&serviceType=no-such-type', '?status=WAITING&limit=0', '?status=WAITING&extra=1']) {
      const res = await app.call('GET', `/v1/needs${q}`, { as: op });
      expect(res.status, q).toBe(400);
      expect(res.body.error.code, q).toBe('VALIDATION_FAILED');
    }
    // Without a status: the waiting ones, the one status listed.
    expect((await app.call('GET', '/v1/needs', { as: op })).status).toBe(200);
    expect((await app.call('GET', '/v1/needs?status=WAITING', { as: actor('sme') })).status).toBe(403);
    expect((await app.call('GET', '/v1/needs?status=WAITING', { as: actor('provider') })).status).toBe(403);
  });

  it('lists every market’s waiting needs page by page, in catalog order then oldest first', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const ids = new Set<string>();
    for (const serviceType of ['energy-audit', 'legal-aid', 'cloud-migration'] as const) {
      for (let i = 0; i < 3; i++) ids.add((await seedNeed(app.ports.store, { serviceType, postedAt: at(-50 + i) })).id);
    }
    const op = actor('operator');
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const q: string = `/v1/needs?status=WAITING&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await app.call('GET', q, { as: op });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((n: { id: string }) => n.id));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    // This test's needs, each once (the table is this app's own).
    expect(seen.filter((id) => ids.has(id)).sort()).toEqual([...ids].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('bounded rounds', () => {
  it('a round takes MATCHER_MAX_NEEDS needs, oldest first, and asks for the next window at once until the market is swept', async () => {
    const app = await testApp({ NOW: BASE_TIME, MATCHER_MAX_NEEDS: '2' });
    await seedOffering(app.ports.store, { capacityPerMonth: 10 });
    const needs: Need[] = [];
    for (let i = 0; i < 5; i++) needs.push(await seedNeed(app.ports.store, { postedAt: at(-50 + i) }));

    const first = await runMarketRound(app.ports, 'energy-audit');
    expect(first).toMatchObject({ waiting: 2, proposed: 2, more: true });
    expect((await Promise.all(needs.map((n) => stateOf(app, n)))).map((s) => s.status)).toEqual(['PROPOSED', 'PROPOSED', 'WAITING', 'WAITING', 'WAITING']);
    expect(app.publisher.queue.filter((e) => e.detailType === 'MarketRebalanceRequested')).toHaveLength(1);

    // The requested rounds run (the matcher's queue): two more windows, then the sweep ends.
    await app.drain();
    for (const n of needs) expect((await stateOf(app, n)).status).toBe('PROPOSED');
    expect(app.publisher.published.filter((e) => e.detailType === 'MarketRebalanceRequested')).toHaveLength(2);
    expect(await app.ports.store.getRoundCursor('energy-audit')).toBeUndefined();
  });
});
