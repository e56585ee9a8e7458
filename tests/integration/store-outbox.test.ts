/**
 * The outbox in the item, against dynalite: a state change's events are
 * written with it and the item sits in the sparse OUTBOX index until every
 * event is marked published, by id, without touching the entity's version.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Match, Need } from '#domain/model.ts';
import type { EntityRef, Store } from '#functions/store/store.ts';
import { freshTable } from '#tests/support/db.ts';
import {
  BASE_TIME,
  makeProvider,
  makeSme,
  matchEvent,
  matchOf,
  minutesAfter,
  needOf,
  needPosted,
  needWithdrawn,
  offeringOf,
  offeringRegistered,
} from '#tests/support/factories.ts';

let db: Awaited<ReturnType<typeof freshTable>>;
let store: Store;
beforeAll(async () => {
  db = await freshTable('outbox');
  store = db.store();
});

const ref = (kind: EntityRef['kind'], id: string): EntityRef => ({ kind, id });

async function pendingOf(entity: EntityRef) {
  return (await store.listPending()).find((p) => p.ref.kind === entity.kind && p.ref.id === entity.id);
}

describe('the outbox', () => {
  it('an entity created with events is pending with exactly those events, and loads with them', async () => {
    const need = needOf(makeSme());
    const event = needPosted(need);
    await db.seed('need', need, [event]);

    expect(await pendingOf(ref('need', need.id))).toEqual({ ref: { kind: 'need', id: need.id }, version: 1, events: [event] });
    expect(await store.get('need', need.id, true)).toStrictEqual({ ...need, pendingEvents: [event] });
  });

  it('an entity created without events is not in the outbox', async () => {
    const offering = offeringOf(makeProvider());
    await db.seed('offering', offering);

    expect(await pendingOf(ref('offering', offering.id))).toBeUndefined();
    expect(await store.get('offering', offering.id)).not.toHaveProperty('pendingEvents');
  });

  it('markPublished with every id empties the outbox of the item, leaves the index, and keeps the version', async () => {
    const offering = offeringOf(makeProvider());
    const event = offeringRegistered(offering);
    await db.seed('offering', offering, [event]);

    await store.markPublished(ref('offering', offering.id), [event.id]);

    expect(await pendingOf(ref('offering', offering.id))).toBeUndefined();
    expect(await store.get('offering', offering.id, true)).toStrictEqual(offering);
  });

  it('update appends its events to those still pending', async () => {
    const need = needOf(makeSme());
    const posted = needPosted(need);
    await db.seed('need', need, [posted]);
    const prev = (await store.get('need', need.id, true))!;
    const next: Need = { ...need, status: 'WITHDRAWN', version: 2, updatedAt: minutesAfter(BASE_TIME, 5) };
    const withdrawn = needWithdrawn(next);

    await db.at(next.updatedAt).update('need', prev, { status: 'WITHDRAWN' }, [withdrawn]);

    expect(await pendingOf(ref('need', need.id))).toEqual({ ref: { kind: 'need', id: need.id }, version: 2, events: [posted, withdrawn] });
    expect((await store.get('need', need.id, true))?.pendingEvents).toEqual([posted, withdrawn]);
  });

  it('update without events after everything was published keeps the item out of the outbox', async () => {
    const need = needOf(makeSme());
    const posted = needPosted(need);
    await db.seed('need', need, [posted]);
    await store.markPublished(ref('need', need.id), [posted.id]);
    const prev = (await store.get('need', need.id, true))!;

    await store.update('need', prev, { description: 'more detail' });

    expect(await pendingOf(ref('need', need.id))).toBeUndefined();
    expect(await store.get('need', need.id, true)).not.toHaveProperty('pendingEvents');
  });

  it('marking only some ids leaves the rest pending, in order; marking the rest empties it', async () => {
    const sme = makeSme();
    const need = needOf(sme);
    const offering = offeringOf(makeProvider());
    const proposed = matchOf(need, offering, { updatedAt: minutesAfter(BASE_TIME, 1) });
    const approved: Match = { ...proposed, status: 'APPROVED', version: 2, updatedAt: minutesAfter(BASE_TIME, 2) };
    const confirmed: Match = { ...approved, status: 'CONFIRMED', version: 3, updatedAt: minutesAfter(BASE_TIME, 3) };
    const e1 = matchEvent('MatchProposed', proposed);
    const e2 = matchEvent('MatchApproved', approved);
    const e3 = matchEvent('MatchConfirmed', confirmed);
    await db.seed('match', proposed, [e1]);
    await db.at(approved.updatedAt).update('match', (await store.get('match', proposed.id, true))!, { status: 'APPROVED' }, [e2]);
    await db.at(confirmed.updatedAt).update('match', (await store.get('match', proposed.id, true))!, { status: 'CONFIRMED' }, [e3]);
    const key = ref('match', proposed.id);
    expect((await pendingOf(key))?.events).toEqual([e1, e2, e3]);

    await store.markPublished(key, [e1.id, e3.id]);
    expect(await pendingOf(key)).toEqual({ ref: key, version: 3, events: [e2] });

    await store.markPublished(key, [e2.id]);
    expect(await pendingOf(key)).toBeUndefined();
    expect(await store.get('match', proposed.id, true)).toStrictEqual(confirmed);
  });

  it('marking unknown ids changes nothing', async () => {
    const need = needOf(makeSme());
    const posted = needPosted(need);
    await db.seed('need', need, [posted]);

    await store.markPublished(ref('need', need.id), ['not-an-event-id']);
    await store.markPublished(ref('need', need.id), []);
    await store.markPublished(ref('need', 'need_missing'), [posted.id]);

    expect(await pendingOf(ref('need', need.id))).toEqual({ ref: { kind: 'need', id: need.id }, version: 1, events: [posted] });
    expect(await store.get('need', need.id, true)).toStrictEqual({ ...need, pendingEvents: [posted] });
    expect(await store.get('need', 'need_missing')).toBeUndefined();
  });

  it('a repeated markPublished is harmless', async () => {
    const need = needOf(makeSme());
    const posted = needPosted(need);
    await db.seed('need', need, [posted]);

    await store.markPublished(ref('need', need.id), [posted.id]);
    await store.markPublished(ref('need', need.id), [posted.id]);

    expect(await pendingOf(ref('need', need.id))).toBeUndefined();
    expect(await store.get('need', need.id, true)).toStrictEqual(need);
  });

  it('lists every pending item across the outbox shards, and only those', async () => {
    const sme = makeSme();
    const pending = Array.from({ length: 16 }, (_, i) => needOf(sme, { postedAt: minutesAfter(BASE_TIME, i) }));
    const quiet = Array.from({ length: 4 }, () => needOf(sme));
    for (const n of pending) await db.seed('need', n, [needPosted(n)]);
    for (const n of quiet) await db.seed('need', n);

    const listed = new Set((await store.listPending()).filter((p) => p.ref.kind === 'need').map((p) => p.ref.id));

    for (const n of pending) expect(listed).toContain(n.id);
    for (const n of quiet) expect(listed).not.toContain(n.id);
  });

  it('updates racing with markPublished keep their own events pending', async () => {
    const needs = Array.from({ length: 10 }, () => needOf(makeSme()));
    const runs = needs.map(async (need) => {
      const posted = needPosted(need);
      await db.seed('need', need, [posted]);
      const prev = (await store.get('need', need.id, true))!;
      const next: Need = { ...need, status: 'WITHDRAWN', version: 2, updatedAt: minutesAfter(BASE_TIME, 5) };
      const withdrawn = needWithdrawn(next);
      await Promise.all([store.markPublished(ref('need', need.id), [posted.id]), db.at(next.updatedAt).update('need', prev, { status: 'WITHDRAWN' }, [withdrawn])]);
      return withdrawn.id;
    });
    const withdrawnIds = await Promise.all(runs);

    // Whichever went first, each new event is still pending (NeedPosted may go out twice, NeedWithdrawn never zero times).
    const pending = await store.listPending();
    needs.forEach((need, i) => {
      const item = pending.find((p) => p.ref.kind === 'need' && p.ref.id === need.id);
      expect(item?.events.map((e) => e.id)).toContain(withdrawnIds[i]);
    });
  });
});

describe('the outbox fast path (the writer knows everything pending at its version)', () => {
  it('clears the item in one conditional write when the version is still the one written', async () => {
    const need = needOf(makeSme());
    const event = needPosted(need);
    await db.seed('need', need, [event]);

    await store.markPublished(ref('need', need.id), [event.id], need.version);

    expect(await pendingOf(ref('need', need.id))).toBeUndefined();
    expect(await store.get('need', need.id, true)).toStrictEqual(need);
  });

  it('falls back to removing exactly those ids when the item changed since, keeping the newer events', async () => {
    const need = needOf(makeSme());
    const posted = needPosted(need);
    await db.seed('need', need, [posted]);
    const prev = (await store.get('need', need.id, true))!;
    const next: Need = { ...need, status: 'WITHDRAWN', version: 2, updatedAt: minutesAfter(BASE_TIME, 1) };
    const withdrawn = needWithdrawn(next);
    await db.at(next.updatedAt).update('need', prev, { status: 'WITHDRAWN' }, [withdrawn]);

    await store.markPublished(ref('need', need.id), [posted.id], 1);

    expect((await pendingOf(ref('need', need.id)))?.events).toEqual([withdrawn]);
  });
});
