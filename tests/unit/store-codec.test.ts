/**
 * The compact storage of matches and of outbox events (functions/store/codec.ts):
 * lossless both ways, readable from items written whole, and small enough
 * that a proposed match with its MatchProposed pending is one write unit.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SERVICE_TYPE_IDS } from '#domain/catalog.ts';
import type { Match } from '#domain/model.ts';
import { matchEvent, needEvent } from '#functions/usecases/lifecycle.ts';
import { decodeMatch, decodePending, encodeMatch, encodePending } from '#functions/store/codec.ts';
import { matchKeys } from '#functions/store/keys.ts';
import { outboxAttributes } from '#functions/store/outbox.ts';
import { itemSize } from '../../bench/capacity.ts';
import { makeBreakdown, makeMatch, makeNeed, minutesAfter, BASE_TIME } from '#tests/support/factories.ts';

/** A match as the matcher writes it (its proposal the only history entry, score = weight). */
const proposed = (over: Partial<Match> = {}) => {
  const m = makeMatch(over);
  return { ...m, history: [{ status: 'PROPOSED' as const, at: m.createdAt, by: 'system' as const }], score: m.breakdown.weight };
};

describe('a match as stored', () => {
  it('reads back exactly as written, whatever its state', () => {
    const later = minutesAfter(BASE_TIME, 90);
    const cases: Match[] = [
      proposed(),
      { ...proposed(), status: 'APPROVED', version: 2, history: [...proposed().history, { status: 'APPROVED', at: later, by: 'operator' }] },
      { ...proposed(), smeAccepted: true, providerAccepted: true },
      { ...proposed(), score: 0.5 }, // a score that is not the weight is kept
      { ...proposed(), history: [{ status: 'PROPOSED', at: later, by: 'system' }] }, // not at createdAt: kept
      { ...proposed(), breakdown: makeBreakdown({ priorityReasons: [] }) },
    ];
    for (const m of cases) expect(decodeMatch(encodeMatch(m))).toStrictEqual(m);
  });

  it('reads items written whole before the compact form existed', () => {
    const m = { ...proposed(), status: 'REJECTED' as const, history: [...proposed().history, { status: 'REJECTED' as const, at: BASE_TIME, by: 'operator' as const, reason: 'too far' }] };
    expect(decodeMatch({ ...m })).toStrictEqual(m);
  });

  it('round-trips arbitrary breakdowns and acceptance flags', () => {
    fc.assert(
      fc.property(
        fc.record({
          proximity: fc.double({ min: 0, max: 1, noNaN: true }),
          fit: fc.double({ min: 0, max: 1, noNaN: true }),
          priority: fc.double({ min: 1, max: 3, noNaN: true }),
          priorityReasons: fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 4 }),
        }),
        fc.boolean(),
        fc.boolean(),
        (b, sme, provider) => {
          const m = proposed({ breakdown: makeBreakdown({ ...b, weight: b.fit * b.priority }), smeAccepted: sme, providerAccepted: provider });
          const withScore = { ...m, score: m.breakdown.weight };
          expect(decodeMatch(encodeMatch(withScore))).toStrictEqual(withScore);
        },
      ),
    );
  });

  it('is under 1 KB with its MatchProposed pending: the longest market id, Cognito-length subs, three priority reasons', () => {
    const longest = [...SERVICE_TYPE_IDS].sort((a, b) => b.length - a.length)[0]!;
    const sub = () => '3f6c2a9e-8b1d-4c7a-9e2f-5d4b3a2c1e0f';
    // Ids as the API makes them (newId: a prefix and 16 or 22 url-safe characters).
    const m = proposed({
      id: `mt_${'x'.repeat(22)}`,
      needId: `nd_${'x'.repeat(22)}`,
      smeId: `sm_${'x'.repeat(22)}`,
      offeringId: `of_${'x'.repeat(16)}`,
      providerId: `pr_${'x'.repeat(16)}`,
      serviceType: longest,
      smeOwnerSub: sub(),
      providerOwnerSub: sub(),
      breakdown: makeBreakdown({ priorityReasons: ['tier:LITTLE_GIANT', 'weak-foundation', 'region:WESTERN'], weight: 1.2345, fit: 0.8765 }),
      policyVersion: 'plan14-2026-11-15.1',
    });
    const keys = matchKeys(m);
    const item = { ...encodeMatch({ ...m, score: m.breakdown.weight }), ...keys, type: 'match', ...outboxAttributes(keys.pk!, [matchEvent(m, 'MatchProposed')], m as never) };
    expect(itemSize(item)).toBeLessThan(1024);
  });
});

describe('outbox events as stored', () => {
  it('keeps a NeedPosted and a MatchProposed as references that rebuild the same events', () => {
    const need = makeNeed();
    const match = proposed();
    const posted = needEvent(need, 'NeedPosted');
    const proposal = matchEvent(match, 'MatchProposed');
    const stored = [...encodePending([posted], need as never), ...encodePending([proposal], match as never)];
    expect(stored.every((e) => typeof e === 'string')).toBe(true);
    expect(decodePending(stored.slice(0, 1), need as never)).toStrictEqual([posted]);
    expect(decodePending(stored.slice(1), match as never)).toStrictEqual([proposal]);
  });

  it('finds the version a carried-over event was made at', () => {
    const need = makeNeed();
    const posted = needEvent(need, 'NeedPosted');
    const later = { ...need, version: 3, updatedAt: minutesAfter(need.updatedAt, 5) };
    const [stored] = encodePending([posted], later as never);
    expect(stored).toBe(`NeedPosted|1`);
    expect(decodePending([stored!], later as never)).toStrictEqual([posted]);
  });

  it('names the time in the reference when the event did not occur at the item\'s creation', () => {
    const need = { ...makeNeed(), updatedAt: minutesAfter(BASE_TIME, 5) };
    const posted = needEvent(need, 'NeedPosted');
    expect(posted.detail.occurredAt).not.toBe(need.postedAt);
    const [stored] = encodePending([posted], need as never);
    expect(stored).toBe(`NeedPosted|1|${posted.detail.occurredAt}`);
    expect(decodePending([stored!], need as never)).toStrictEqual([posted]);
  });

  it('stores whole any event the item cannot rebuild exactly', () => {
    const match = proposed();
    const approved = { ...match, status: 'APPROVED' as const, version: 2 };
    const events = [matchEvent(approved, 'MatchApproved'), matchEvent(match, 'MatchProposed', 'a reason the item does not hold')];
    const stored = encodePending(events, approved as never);
    expect(stored).toStrictEqual(events);
    expect(decodePending(stored, approved as never)).toStrictEqual(events);
  });
});
