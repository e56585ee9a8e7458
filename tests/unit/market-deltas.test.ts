/**
 * The markets report's counting rules (domain/kpis.ts): each move of a match
 * takes it out of one column and into another, so the counters of a match's
 * whole life add up to where it ends, whichever way it went.
 */
import { describe, expect, it } from 'vitest';
import { bucketOf, marketCounts, marketDeltas, statusBefore, type Deltas, type MarketMove } from '#domain/kpis.ts';

/** The counters after every move of a life, its history as the lifecycle writes it. */
function life(statuses: string[], moves: MarketMove[], hours = 30): Deltas {
  const history = statuses.map((status) => ({ status }));
  const sum: Deltas = {};
  for (const move of moves) {
    for (const [k, v] of Object.entries(marketDeltas(move, statusBefore(move, history), hours))) sum[k] = (sum[k] ?? 0) + v;
  }
  return Object.fromEntries(Object.entries(sum).filter(([, v]) => v !== 0));
}

describe('market counter deltas', () => {
  it('leave a completed match in the completed column, its capacity held and its wait in the median', () => {
    const c = life(['PROPOSED', 'APPROVED', 'SME_ACCEPTED', 'CONFIRMED', 'DELIVERED', 'COMPLETED'], ['MatchProposed', 'MatchConfirmed', 'MatchDelivered', 'MatchCompleted']);
    expect(c).toEqual({ completed: 1, used: 1, [`hoursToMatch_${bucketOf(30)}`]: 1 });
  });

  it('leave a delivered or disputed match in no column, as the report always showed it', () => {
    expect(life(['PROPOSED', 'APPROVED', 'CONFIRMED', 'DELIVERED'], ['MatchProposed', 'MatchConfirmed', 'MatchDelivered'])).toEqual({
      used: 1,
      [`hoursToMatch_${bucketOf(30)}`]: 1,
    });
  });

  it('give back the capacity of a rejected, declined or expired match and keep its wait', () => {
    for (const [statuses, end] of [
      [['PROPOSED', 'REJECTED'], 'MatchRejected'],
      [['PROPOSED', 'APPROVED', 'DECLINED'], 'MatchDeclined'],
      [['PROPOSED', 'APPROVED', 'EXPIRED'], 'MatchExpired'],
    ] as const) {
      expect(life([...statuses], ['MatchProposed', end])).toEqual({ [`hoursToMatch_${bucketOf(30)}`]: 1 });
    }
  });

  it('take a cancelled match out of every counter, whether it was open or disputed', () => {
    expect(life(['PROPOSED', 'APPROVED', 'CANCELLED'], ['MatchProposed', 'MatchCancelled'])).toEqual({});
    expect(
      life(['PROPOSED', 'APPROVED', 'CONFIRMED', 'DELIVERED', 'DISPUTED', 'CANCELLED'], ['MatchProposed', 'MatchConfirmed', 'MatchDelivered', 'MatchCancelled']),
    ).toEqual({});
  });

  it('read a counter item into the report columns, an absent one as nothing', () => {
    expect(marketCounts({ proposed: 2, completed: 1, used: 3, [`hoursToMatch_${bucketOf(30)}`]: 3 })).toMatchObject({
      proposed: 2,
      confirmed: 0,
      completed: 1,
      used: 3,
      matched: 3,
    });
    expect(marketCounts()).toEqual({ proposed: 0, confirmed: 0, completed: 0, used: 0, medianHoursToMatch: null, matched: 0 });
  });
});
