/**
 * The markets report from counters (usecases/analytics.ts, kept by the kpi
 * consumer: usecases/kpis.ts countMarketMove), on dynalite: each move of a
 * match counts once however often, concurrently or out of order it is
 * delivered; a cancellation takes the match out of the column it was in;
 * the report of the period's matches costs the same reads whatever their
 * number; and the HTTP answer follows a match's whole life.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, Match } from '#domain/model.ts';
import type { AppEvent } from '#events/contracts.ts';
import { EventInFlight } from '#functions/store/kpis.ts';
import { installCapacityMeter } from '#functions/store/metering.ts';
import { marketAnalytics } from '#functions/usecases/analytics.ts';
import { countEvent } from '#functions/usecases/kpis.ts';
import { actor, testApp } from '#tests/support/app.ts';
import { makeMatch, matchEvent, testId, testUscc } from '#tests/support/factories.ts';

let app: Awaited<ReturnType<typeof testApp>>;
beforeAll(async () => {
  app = await testApp({ NOW: '2026-12-20T00:00:00.000Z' });
});
afterAll(() => app?.doc.destroy());

const at = (day: number) => `2026-11-${String(day).padStart(2, '0')}T00:00:00.000Z`;

/** A match of November in `serviceType`, its history up to `statuses`, the need posted 30 hours before the proposal. */
async function stored(serviceType: Match['serviceType'], smeProvince: Match['smeProvince'], statuses: HistoryEntry['status'][]): Promise<Match> {
  const history = statuses.map((status, i) => ({ status, at: at(2 + i), by: 'system' as const }));
  const m = makeMatch({
    id: testId('mt'),
    serviceType,
    smeProvince,
    status: statuses.at(-1) as Match['status'],
    createdAt: at(2),
    needPostedAt: '2026-10-31T18:00:00.000Z',
    history,
  });
  const { version: _v, updatedAt: _u, ...draft } = m;
  return app.ports.store.insert('match', draft);
}

/** As the bus delivers: a delivery that finds another counting the same event fails and is delivered again. */
async function deliver(e: AppEvent): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await countEvent(app.ports, e);
    } catch (err) {
      if (!(err instanceof EventInFlight) || attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const row = async (serviceType: Match['serviceType'], province?: string) =>
  (await marketAnalytics(app.ports.store, '2026-11', serviceType)).items.find((r) => r.province === province);

describe('the markets report from counters', () => {
  it('counts each move once under duplicate, concurrent and out-of-order delivery', async () => {
    const done = await stored('green-design', 'CN-SC', ['PROPOSED', 'APPROVED', 'CONFIRMED', 'DELIVERED', 'COMPLETED']);
    const open = await stored('green-design', 'CN-ZJ', ['PROPOSED', 'APPROVED']);
    // Completion first, then the proposal: the counters add up the same in any order.
    const events = [
      matchEvent('MatchCompleted', done),
      matchEvent('MatchDelivered', done),
      matchEvent('MatchConfirmed', done),
      matchEvent('MatchProposed', done),
      matchEvent('MatchProposed', open),
    ];
    await Promise.all(events.flatMap((e) => [deliver(e), deliver(e)]));
    for (const e of events) await deliver(e);

    expect(await row('green-design')).toEqual({
      serviceType: 'green-design',
      waiting: 0,
      proposed: 1,
      confirmed: 0,
      completed: 1,
      capacity: 0,
      used: 2,
      // 30 hours from posting to proposal: the (24, 48] hours bucket.
      medianHoursToMatch: expect.any(Number),
    });
    const median = (await row('green-design'))!.medianHoursToMatch!;
    expect(median).toBeGreaterThan(24);
    expect(median).toBeLessThanOrEqual(48);
    expect(await row('green-design', 'CN-SC')).toMatchObject({ proposed: 0, completed: 1, used: 1 });
    expect(await row('green-design', 'CN-ZJ')).toMatchObject({ proposed: 1, completed: 0, used: 1 });
    // Another month saw none of it.
    expect((await marketAnalytics(app.ports.store, '2026-10', 'green-design')).items).toEqual([]);
  });

  it('takes a released match out of its column, its capacity and (cancelled) the median', async () => {
    const rejected = await stored('energy-audit', 'CN-SC', ['PROPOSED', 'REJECTED']);
    const declined = await stored('energy-audit', 'CN-SC', ['PROPOSED', 'APPROVED', 'SME_ACCEPTED', 'DECLINED']);
    // Cancelled when a dispute was resolved: it had left the columns at delivery already.
    const disputed = await stored('energy-audit', 'CN-SC', ['PROPOSED', 'APPROVED', 'CONFIRMED', 'DELIVERED', 'DISPUTED', 'CANCELLED']);
    for (const [m, moves] of [
      [rejected, ['MatchProposed', 'MatchRejected']],
      [declined, ['MatchProposed', 'MatchDeclined']],
      [disputed, ['MatchProposed', 'MatchConfirmed', 'MatchDelivered', 'MatchCancelled']],
    ] as const) {
      for (const move of moves) await deliver(matchEvent(move, m));
    }
    const total = await row('energy-audit');
    expect(total).toMatchObject({ proposed: 0, confirmed: 0, completed: 0, used: 0 });
    // Rejected and declined matches still count in the median; the cancelled one does not.
    expect(total!.medianHoursToMatch).toBeGreaterThan(24);
  });

  it('reads the same whatever the number of matches in the period', async () => {
    const readUnits = async () => {
      let reads = 0;
      const stop = installCapacityMeter(app.doc, { add: (kind, units) => void (kind === 'read' && (reads += units)) });
      try {
        await marketAnalytics(app.ports.store, '2026-11', 'legal-aid');
      } finally {
        stop();
      }
      return reads;
    };
    const some = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const m = await stored('legal-aid', 'CN-SC', ['PROPOSED', 'APPROVED', 'CONFIRMED', 'DELIVERED', 'COMPLETED']);
        await deliver(matchEvent('MatchProposed', m));
        await deliver(matchEvent('MatchCompleted', m));
      }
    };
    await some(2);
    const few = await readUnits();
    await some(10);
    const many = await readUnits();
    expect((await row('legal-aid'))!.completed).toBe(12);
    expect(few).toBeGreaterThan(0);
    expect(many).toBe(few);
  });

  it('answers GET /v1/analytics/markets through a match’s whole life', async () => {
    const http = await testApp({ NOW: '2026-12-01T08:00:00.000Z' });
    try {
      const prov = actor('provider');
      const sme = actor('sme');
      const op = actor('operator');
      const p = await http.call('POST', '/v1/providers', {
        as: prov,
        body: { name: 'Audit', kind: 'GREEN_AUDIT_FIRM', regions: ['CN-SC'], languages: ['zh-CN'], certifications: [] },
      });
      expect((await http.call('POST', `/v1/providers/${p.body.id}/approve`, { as: op })).status).toBe(200);
      const o = await http.call('POST', `/v1/providers/${p.body.id}/offerings`, {
        as: prov,
        body: { serviceType: 'energy-audit', title: 'Energy audit', regions: ['CN-SC'], remote: false, languages: ['zh-CN'], capacityPerMonth: 2, publicWelfare: true, leadTimeDays: 3 },
      });
      expect(o.status).toBe(201);
      const s = await http.call('POST', '/v1/smes', {
        as: sme,
        body: { name: 'Chengdu Valve Co.', uscc: testUscc('CN-SC'), sizeClass: 'SMALL', tier: 'INNOVATIVE', industry: 'valves', region: { province: 'CN-SC', city: 'Chengdu' } },
      });
      const n = await http.call('POST', `/v1/smes/${s.body.id}/needs`, {
        as: sme,
        body: { serviceType: 'energy-audit', description: 'Annual energy audit of our plant', remoteOk: false, deadline: '2027-03-31' },
      });
      expect(n.status).toBe(201);
      const report = async () => {
        await http.drain();
        const res = await http.call('GET', '/v1/analytics/markets?period=2026-12&serviceType=energy-audit', { as: op });
        expect(res.status).toBe(200);
        return res.body.items as Array<Record<string, unknown>>;
      };
      const proposed = await report();
      expect(proposed[0]).toMatchObject({ serviceType: 'energy-audit', waiting: 0, proposed: 1, confirmed: 0, completed: 0, capacity: 2, used: 1 });
      expect(proposed[1]).toMatchObject({ province: 'CN-SC', proposed: 1, capacity: 2, used: 1 });

      const m = (await http.call('GET', `/v1/needs/${n.body.id}`, { as: sme })).body.currentMatch;
      for (const [step, who] of [['approve', op], ['accept', sme], ['accept', prov]] as const) {
        expect((await http.call('POST', `/v1/matches/${m.id}/${step}`, { as: who })).status).toBe(200);
      }
      expect((await report())[0]).toMatchObject({ proposed: 0, confirmed: 1, completed: 0, used: 1 });
      for (const [step, who] of [['deliver', prov], ['confirm', sme]] as const) {
        expect((await http.call('POST', `/v1/matches/${m.id}/${step}`, { as: who })).status).toBe(200);
      }
      expect((await report())[0]).toMatchObject({ proposed: 0, confirmed: 0, completed: 1, capacity: 2, used: 1, medianHoursToMatch: expect.any(Number) });

      // Waiting needs and capacity are as the market's last round left them: a need nobody can
      // serve (another province, no remote offering) waits, on its own province's row.
      const far = await http.call('POST', '/v1/smes', {
        as: sme,
        body: { name: 'Lanzhou Pumps', uscc: testUscc('CN-GS'), sizeClass: 'MICRO', tier: 'INNOVATIVE', industry: 'pumps', region: { province: 'CN-GS', city: 'Lanzhou' } },
      });
      expect(far.status).toBe(201);
      const waitingNeed = await http.call('POST', `/v1/smes/${far.body.id}/needs`, {
        as: sme,
        body: { serviceType: 'energy-audit', description: 'Energy audit of a pump plant', remoteOk: false, deadline: '2027-03-31' },
      });
      expect(waitingNeed.status).toBe(201);
      const waiting = await report();
      expect(waiting[0]).toMatchObject({ waiting: 1, capacity: 2, completed: 1 });
      expect(waiting.find((r) => r.province === 'CN-GS')).toMatchObject({ waiting: 1, capacity: 0 });
      // Paused: the next round sees no active capacity.
      expect((await http.call('PATCH', `/v1/offerings/${o.body.id}`, { as: prov, body: { status: 'PAUSED' } })).status).toBe(200);
      expect((await report())[0]).toMatchObject({ waiting: 1, capacity: 0 });
      const res = await http.call('GET', '/v1/analytics/markets?period=2026-12', { as: op });
      expect(res.body.asOf).toEqual(expect.any(String));
    } finally {
      http.doc.destroy();
    }
  });
});
