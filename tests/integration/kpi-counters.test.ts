/**
 * The KPI consumer on dynalite: each event counts once however often and
 * however concurrently it is delivered, distinct SMEs are counted once per
 * period, an event writes only its own province's counters, and the
 * report costs the same reads whatever the number of matches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Match } from '#domain/model.ts';
import { installCapacityMeter } from '#functions/store/metering.ts';
import type { AppEvent } from '#events/contracts.ts';
import { EventInFlight } from '#functions/store/kpis.ts';
import { countEvent, kpis } from '#functions/usecases/kpis.ts';
import { testApp } from '#tests/support/app.ts';
import { makeMatch, makeOffering, matchEvent, testId } from '#tests/support/factories.ts';

let app: Awaited<ReturnType<typeof testApp>>;
beforeAll(async () => {
  app = await testApp({ NOW: '2026-12-20T00:00:00.000Z' });
});
afterAll(() => app?.doc.destroy());

async function completed(over: Partial<Match>): Promise<Match> {
  const m = makeMatch({
    id: testId('mt'),
    status: 'COMPLETED',
    createdAt: '2026-12-02T00:00:00.000Z',
    needPostedAt: '2026-12-01T00:00:00.000Z',
    ...over,
  });
  const { version: _v, updatedAt: _u, ...draft } = m;
  // Completed four days after the need was posted.
  return { ...(await app.ports.store.insert('match', draft)), updatedAt: '2026-12-05T00:00:00.000Z' };
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

describe('the KPI counters', () => {
  it('count each completion once under duplicate and concurrent delivery, and each SME once a month', async () => {
    const offering = makeOffering({ id: testId('of'), publicWelfare: true });
    const { version: _v, updatedAt: _u, ...draft } = offering;
    await app.ports.store.insert('offering', draft);
    const smeWest = testId('sm');
    const a = await completed({ smeId: smeWest, smeProvince: 'CN-SC', offeringId: offering.id });
    const b = await completed({ smeId: smeWest, smeProvince: 'CN-SC', offeringId: offering.id });
    const c = await completed({ smeId: testId('sm'), smeProvince: 'CN-ZJ' });
    const events = [a, b, c].map((m) => matchEvent('MatchCompleted', m));
    // Each delivered three times, two of them at once.
    await Promise.all(events.flatMap((e) => [deliver(e), deliver(e)]));
    for (const e of events) await deliver(e);

    const all = await kpis(app.ports, '2026-12', undefined);
    expect(all).toMatchObject({ matchesCompleted: 3, smesServed: 2, centralWesternShare: 0.5, publicWelfareShare: 0.6667 });
    expect(all.byProject.GREEN).toEqual({ completed: 3, smesServed: 2 });
    // Four days from posting to completion: the median lies in the (72, 120] hours bucket.
    expect(all.medianHoursToComplete).toBeGreaterThan(72);
    expect(all.medianHoursToComplete).toBeLessThanOrEqual(120);
    expect(await kpis(app.ports, '2026-12', 'CN-SC')).toMatchObject({ province: 'CN-SC', matchesCompleted: 2, smesServed: 1 });
    expect(await kpis(app.ports, '2026-11', undefined)).toMatchObject({ matchesCompleted: 0, smesServed: 0, satisfaction: null });
  });

  it('answer the report from the provinces’ counters at the same read cost whatever the number of matches', async () => {
    const reads = async () => {
      let units = 0;
      const stop = installCapacityMeter(app.doc, { add: (kind, u) => void (kind === 'read' && (units += u)) });
      try {
        await kpis(app.ports, '2026-12', undefined);
      } finally {
        stop();
      }
      return units;
    };
    const before = await reads();
    for (let i = 0; i < 8; i++) await deliver(matchEvent('MatchCompleted', await completed({ smeId: testId('sm'), smeProvince: 'CN-SC' })));
    expect((await kpis(app.ports, '2026-12', undefined)).matchesCompleted).toBe(11);
    expect(before).toBeGreaterThan(0);
    // Two Queries (the provinces' KPI counters, the markets' for the hours to a match): at most a unit each here.
    expect(before).toBeLessThanOrEqual(2);
    expect(await reads()).toBe(before);
  });

  it('count a proposal once, into its market and province only, and show its hours to a match in the KPIs', async () => {
    const m = await completed({ smeId: testId('sm'), smeProvince: 'CN-GS', serviceType: 'legal-aid', status: 'PROPOSED', createdAt: '2026-12-03T00:00:00.000Z', needPostedAt: '2026-12-02T22:00:00.000Z' });
    let writes = 0;
    const stop = installCapacityMeter(app.doc, { add: (kind, u) => void (kind === 'write' && (writes += u)) });
    try {
      await deliver(matchEvent('MatchProposed', m));
    } finally {
      stop();
    }
    // The event's marker (claimed, then done) and one counter (added to, then its in-flight id removed).
    expect(writes).toBe(4);
    await deliver(matchEvent('MatchProposed', m));
    const gansu = await kpis(app.ports, '2026-12', 'CN-GS');
    // Two hours from posting to proposal: the (1, 2] hours bucket.
    expect(gansu.medianHoursToMatch).toBeGreaterThan(1);
    expect(gansu.medianHoursToMatch).toBeLessThanOrEqual(2);
    expect(gansu.matchesCompleted).toBe(0);
  });
});
