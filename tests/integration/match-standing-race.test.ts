/**
 * A market round in flight and a suspension (api.md "Operator holds"): the
 * round reads the parties, the suspension lands and scans the open matches,
 * then the round writes its PROPOSED match, which the scan never saw. Each
 * test makes that interleaving happen for certain (the suspension runs inside
 * the round, just before its match write, through the real HTTP handlers on
 * dynalite) and shows the match can never move forward: approving or
 * accepting it rechecks both parties, cancels it through the usual path
 * (capacity and voucher hold released, MatchCancelled through the outbox)
 * and answers 409 CONFLICT. An SME's suspension also refreshes its needs, so
 * the round's lock of the need (after the match write) fails and the round
 * takes its proposal back at once.
 */
import { describe, expect, it } from 'vitest';
import type { AppPorts } from '#functions/ports.ts';
import type { Store } from '#functions/store/store.ts';
import { runMarketRound } from '#functions/usecases/matcher.ts';
import { actor, testApp } from '#tests/support/app.ts';
import { testUscc } from '#tests/support/factories.ts';

const NOW = '2026-12-01T08:00:00.000Z';
const PERIOD = '2026-12';

/**
 * The store a racing round uses: the first match it writes waits for `meanwhile`
 * (the suspension, scan included) to finish. Everything else is the real store.
 */
function storeRacing(store: Store, meanwhile: () => Promise<void>): Store {
  let fired = false;
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === 'insert') {
        return async (...args: Parameters<Store['insert']>) => {
          if (args[0] === 'match' && !fired) {
            fired = true;
            await meanwhile();
          }
          return target.insert(...args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function market(opts: { kind?: string; serviceType?: string; certifications?: unknown[] } = {}) {
  const app = await testApp({ NOW });
  const prov = actor('provider');
  const sme = actor('sme');
  const op = actor('operator');
  const serviceType = opts.serviceType ?? 'energy-audit';
  const p = await app.call('POST', '/v1/providers', {
    as: prov,
    body: {
      name: '四川省服务机构',
      kind: opts.kind ?? 'GREEN_AUDIT_FIRM',
      regions: ['CN-SC'],
      languages: ['zh-CN'],
      certifications: opts.certifications ?? [{ type: 'CMA', number: '211912345678', validUntil: '2028-12-31' }],
    },
  });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  expect((await app.call('POST', `/v1/providers/${p.body.id}/approve`, { as: op })).status).toBe(200);
  const o = await app.call('POST', `/v1/providers/${p.body.id}/offerings`, {
    as: prov,
    body: { serviceType, title: '现场服务', regions: ['CN-SC'], remote: false, languages: ['zh-CN'], capacityPerMonth: 1, priceMin: 2_000, priceMax: 3_000, publicWelfare: false, leadTimeDays: 3 },
  });
  expect(o.status, JSON.stringify(o.body)).toBe(201);
  const s = await app.call('POST', '/v1/smes', {
    as: sme,
    body: { name: '成都阀门有限公司', uscc: testUscc('CN-SC'), sizeClass: 'SMALL', tier: 'NONE', industry: '阀门', region: { province: 'CN-SC', city: '成都' } },
  });
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  await app.drain();
  const post = async (voucherId?: string) => {
    const n = await app.call('POST', `/v1/smes/${s.body.id}/needs`, {
      as: sme,
      body: { serviceType, description: '年度服务', remoteOk: false, deadline: '2027-03-31', ...(voucherId ? { voucherId } : {}) },
    });
    expect(n.status, JSON.stringify(n.body)).toBe(201);
    return n.body.id as string;
  };
  const currentMatch = async (needId: string) => (await app.call('GET', `/v1/needs/${needId}`, { as: sme })).body.currentMatch;
  const used = async () => (await app.call('GET', `/v1/offerings/${o.body.id}/capacity?period=${PERIOD}`, { as: op })).body.used as number;
  const getMatch = async (id: string) => (await app.call('GET', `/v1/matches/${id}`, { as: op })).body;
  return { app, prov, sme, op, serviceType, providerId: p.body.id as string, offeringId: o.body.id as string, smeId: s.body.id as string, post, currentMatch, used, getMatch };
}

/** One round of the market whose match write waits for `meanwhile`; the need's own NeedPosted is not delivered (this round stands for it). */
async function racingRound(m: Awaited<ReturnType<typeof market>>, meanwhile: () => Promise<void>) {
  m.app.publisher.queue = [];
  const ports: AppPorts = { ...m.app.ports, store: storeRacing(m.app.ports.store, meanwhile) };
  return runMarketRound(ports, m.serviceType as never);
}

describe('a round that read the parties before a suspension', () => {
  it("writes its match after the provider's suspension scanned; approving it cancels it, releases the capacity and answers 409", async () => {
    const m = await market();
    const needId = await m.post();
    const round = await racingRound(m, async () => {
      const s = await m.app.call('POST', `/v1/providers/${m.providerId}/suspend`, { as: m.op, body: { reason: '投诉核查中 complaints under review' } });
      expect(s.status, JSON.stringify(s.body)).toBe(200);
    });
    // The race happened: the round proposed, and the suspension's scan found nothing to cancel.
    expect(round.proposed).toBe(1);
    const proposed = await m.currentMatch(needId);
    expect(proposed).toMatchObject({ status: 'PROPOSED', providerId: m.providerId });
    expect(await m.used()).toBe(1);
    // Approved before the suspension's round request is delivered (which would cancel it: the test below).

    const published = m.app.publisher.published.length;
    const approve = await m.app.call('POST', `/v1/matches/${proposed.id}/approve`, { as: m.op });
    expect(approve.status).toBe(409);
    expect(approve.body.error.code).toBe('CONFLICT');
    expect(approve.body.error.message).toMatch(/provider of this match is suspended/);

    const after = await m.getMatch(proposed.id);
    expect(after.status).toBe('CANCELLED');
    expect(after.history.at(-1)).toMatchObject({ status: 'CANCELLED', by: 'system', reason: 'the provider of this match is suspended' });
    expect(after.history.map((h: { status: string }) => h.status)).not.toContain('APPROVED');
    expect(await m.used()).toBe(0);
    // Through the outbox, like any cancellation: MatchCancelled went out and no MatchApproved.
    const events = m.app.publisher.published.slice(published).filter((e) => (e.detail as { matchId?: string }).matchId === proposed.id);
    expect(events.map((e) => e.detailType)).toEqual(['MatchCancelled']);

    await m.app.drain();
    // The need waits again, and nothing proposes the suspended provider's offering to it.
    const need = (await m.app.call('GET', `/v1/needs/${needId}`, { as: m.sme })).body;
    expect(need.status).toBe('WAITING');
    expect(need.currentMatch ?? null).toBeNull();
    // A second approval is the state machine's 409, not a second cancellation.
    const again = await m.app.call('POST', `/v1/matches/${proposed.id}/approve`, { as: m.op });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/CANCELLED/);
  });

  it("is also undone without anyone approving for a suspended provider: the suspension's round request reaches the market after the round", async () => {
    const m = await market();
    const needId = await m.post();
    await racingRound(m, async () => {
      expect((await m.app.call('POST', `/v1/providers/${m.providerId}/suspend`, { as: m.op, body: { reason: '投诉核查中' } })).status).toBe(200);
    });
    const proposed = await m.currentMatch(needId);
    expect(proposed.status).toBe('PROPOSED');
    // The provider's write carried a MarketRebalanceRequested naming it for each of its markets; the FIFO
    // queue delivers it after the round in flight, and its follow-up cancels the late proposal.
    await m.app.drain();
    const after = await m.getMatch(proposed.id);
    expect(after.status).toBe('CANCELLED');
    expect(after.history.at(-1)).toMatchObject({ status: 'CANCELLED', by: 'system', reason: 'provider suspended: 投诉核查中' });
    expect(await m.used()).toBe(0);
    expect((await m.app.call('GET', `/v1/needs/${needId}`, { as: m.sme })).body.status).toBe('WAITING');
  });

  it("writes its match after the SME's suspension scanned, then finds the need changed at its lock: the proposal is taken back before anyone hears of it", async () => {
    const m = await market();
    const needId = await m.post();
    const round = await racingRound(m, async () => {
      const s = await m.app.call('POST', `/v1/smes/${m.smeId}/suspend`, { as: m.op, body: { reason: 'USCC under review' } });
      expect(s.status, JSON.stringify(s.body)).toBe(200);
    });
    // The suspension refreshed the need (its SME's standing): the round's lock, guarded by the version
    // it read, fails, and the match it wrote is cancelled unannounced, its unit given back.
    expect(round).toMatchObject({ proposed: 0, lostRaces: 1 });
    const need = (await m.app.call('GET', `/v1/needs/${needId}`, { as: m.sme })).body;
    expect(need.status).toBe('WAITING');
    expect(need.currentMatch ?? null).toBeNull();
    const listed = (await m.app.call('GET', `/v1/needs/${needId}/matches`, { as: m.op })).body.items as Array<{ id: string; status: string; history: Array<{ status: string; by: string }> }>;
    expect(listed).toHaveLength(1);
    expect(listed[0]!.status).toBe('CANCELLED');
    expect(listed[0]!.history.at(-1)).toMatchObject({ status: 'CANCELLED', by: 'system' });
    expect(await m.used()).toBe(0);
    // Nobody heard of it: neither MatchProposed nor MatchCancelled went out for it.
    expect(m.app.publisher.published.filter((e) => (e.detail as { matchId?: string }).matchId === listed[0]!.id)).toEqual([]);
    // Nothing left for the approval path to refuse: the state machine refuses a CANCELLED match.
    const approve = await m.app.call('POST', `/v1/matches/${listed[0]!.id}/approve`, { as: m.op });
    expect(approve.status).toBe(409);
    expect(approve.body.error.message).toMatch(/CANCELLED/);
  });

  it("and the suspension's round request, delivered after the round, proposes nothing to the suspended SME", async () => {
    const m = await market();
    const needId = await m.post();
    await racingRound(m, async () => {
      expect((await m.app.call('POST', `/v1/smes/${m.smeId}/suspend`, { as: m.op, body: { reason: 'USCC under review' } })).status).toBe(200);
    });
    await m.app.drain();
    const need = (await m.app.call('GET', `/v1/needs/${needId}`, { as: m.sme })).body;
    expect(need.status).toBe('WAITING');
    expect(need.currentMatch ?? null).toBeNull();
    expect(await m.used()).toBe(0);
  });

  it("cannot be accepted once the provider's designation lapsed: cancelled, voucher hold and capacity released, 409", async () => {
    const m = await market({
      kind: 'IP_PROTECTION_CENTRE',
      serviceType: 'ip-fast-examination',
      certifications: [{ type: 'CNIPA_DESIGNATION', number: '国知发保字〔2023〕7号', issuer: 'CNIPA', validUntil: '2026-12-15' }],
    });
    const prog = await m.app.call('POST', '/v1/voucher-programmes', {
      as: m.op,
      body: { name: '知识产权快审服务券', serviceTypes: ['ip-fast-examination'], provinces: ['CN-SC'], budget: 10_000, faceValue: 5_000, validUntil: '2027-06-30' },
    });
    expect(prog.status, JSON.stringify(prog.body)).toBe(201);
    const v = await m.app.call('POST', `/v1/voucher-programmes/${prog.body.id}/vouchers`, { as: m.op, body: { smeId: m.smeId } });
    expect(v.status, JSON.stringify(v.body)).toBe(201);
    const needId = await m.post(v.body.id);
    await m.app.drain();
    const proposed = await m.currentMatch(needId);
    expect(proposed.status).toBe('PROPOSED');
    expect((await m.app.call('POST', `/v1/matches/${proposed.id}/approve`, { as: m.op })).status).toBe(200);
    await m.app.drain();
    const vouchers = async () => (await m.app.call('GET', `/v1/smes/${m.smeId}/vouchers`, { as: m.sme })).body.items[0];
    expect(await vouchers()).toMatchObject({ status: 'HELD', holds: { [proposed.id]: 3_000 } });

    // The designation ends on the 15th; on the 16th the provider no longer counts as approved.
    m.app.setNow('2026-12-16T08:00:00.000Z');
    const accept = await m.app.call('POST', `/v1/matches/${proposed.id}/accept`, { as: m.sme });
    expect(accept.status).toBe(409);
    expect(accept.body.error.message).toMatch(/not approved \(or its designation lapsed\)/);
    expect((await m.getMatch(proposed.id)).status).toBe('CANCELLED');
    expect(await m.used()).toBe(0);
    await m.app.drain();
    expect(await vouchers()).toMatchObject({ status: 'ISSUED', balance: 5_000, holds: {} });
    // The other party cannot accept it either: the state machine refuses a CANCELLED match.
    expect((await m.app.call('POST', `/v1/matches/${proposed.id}/accept`, { as: m.prov })).status).toBe(409);
  });

  it('a party in good standing still approves and accepts as before', async () => {
    const m = await market();
    const needId = await m.post();
    await m.app.drain();
    const proposed = await m.currentMatch(needId);
    expect((await m.app.call('POST', `/v1/matches/${proposed.id}/approve`, { as: m.op })).body.status).toBe('APPROVED');
    expect((await m.app.call('POST', `/v1/matches/${proposed.id}/accept`, { as: m.sme })).status).toBe(200);
    expect((await m.app.call('POST', `/v1/matches/${proposed.id}/accept`, { as: m.prov })).body.status).toBe('CONFIRMED');
    // A stranger still learns nothing: 404, whatever the parties' standing.
    expect((await m.app.call('POST', `/v1/matches/${proposed.id}/accept`, { as: actor('sme') })).status).toBe(404);
  });
});
