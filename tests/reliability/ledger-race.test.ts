/**
 * The capacity ledger under races (fast run; tests/soak runs 10,000+
 * interleavings). Requests go to the real store over dynalite one at a time
 * in an order fast-check's scheduler picks (support/scheduled-db.ts):
 *  - model-based: claim / release / set-limit commands started at once,
 *    their trace replayed on a model (support/ledger-model.ts);
 *  - in use: market rounds racing with withdrawals and rejections
 *    (support/market-race.ts).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ledgerRaceProperty, ledgerTable, type LedgerRunStats } from './support/ledger-model.ts';
import { marketRaceProperty, type MarketRaceStats } from './support/market-race.ts';

const LEDGER_RUNS = 80;
const MARKET_RUNS = 8;

describe('capacity ledger races (fast-check scheduler, real store on dynalite)', () => {
  let table: Awaited<ReturnType<typeof ledgerTable>>;
  beforeAll(async () => {
    table = await ledgerTable();
  });

  it('over 1,000 interleaved claims, releases and limit changes: never over the limit, used = |claims|, equal to the model', async () => {
    const stats: LedgerRunStats = { runs: 0, commands: 0, requests: 0, claimed: 0, full: 0, alreadyHeld: 0 };
    await fc.assert(ledgerRaceProperty(table, stats), { numRuns: LEDGER_RUNS });
    expect(stats.runs).toBe(LEDGER_RUNS);
    // Interleavings: every command of every run placed by the scheduler.
    expect(stats.commands).toBeGreaterThanOrEqual(1_000);
    // The runs reach every outcome, so the model was exercised on each branch.
    expect(stats.claimed).toBeGreaterThan(0);
    expect(stats.full).toBeGreaterThan(0);
    expect(stats.alreadyHeld).toBeGreaterThan(0);
  }, 120_000);

  it('market rounds racing with withdrawals and rejections never overbook, and the ledger holds exactly the matches', async () => {
    const stats: MarketRaceStats = { runs: 0, actions: 0, requests: 0, proposed: 0 };
    await fc.assert(marketRaceProperty(stats), { numRuns: MARKET_RUNS });
    expect(stats.runs).toBe(MARKET_RUNS);
    expect(stats.proposed).toBeGreaterThan(0);
  }, 120_000);
});
