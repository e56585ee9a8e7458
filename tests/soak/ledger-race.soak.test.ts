/**
 * The long ledger race run (npm run test:soak): the model-based property of
 * tests/reliability/ledger-race.test.ts over 10,000+ scheduled interleavings
 * of claims, releases and limit changes, and many more market rounds racing
 * with withdrawals and rejections on larger markets.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ledgerRaceProperty, ledgerTable, type LedgerRunStats } from '../reliability/support/ledger-model.ts';
import { marketRaceProperty, type MarketRaceStats } from '../reliability/support/market-race.ts';

/** At least 13 commands a run: 770 runs place 10,010+ commands. */
const LEDGER_RUNS = 770;
const MARKET_RUNS = 120;

describe('soak: capacity ledger races', () => {
  let table: Awaited<ReturnType<typeof ledgerTable>>;
  beforeAll(async () => {
    table = await ledgerTable();
  });

  it('10,000+ interleaved claims, releases and limit changes: never over the limit, used = |claims|, equal to the model', async () => {
    const stats: LedgerRunStats = { runs: 0, commands: 0, requests: 0, claimed: 0, full: 0, alreadyHeld: 0 };
    await fc.assert(ledgerRaceProperty(table, stats), { numRuns: LEDGER_RUNS });
    expect(stats.runs).toBe(LEDGER_RUNS);
    expect(stats.commands).toBeGreaterThanOrEqual(10_000);
    console.info('soak ledger race', stats);
  });

  it(`${MARKET_RUNS} scheduled races of market rounds, withdrawals and rejections never overbook`, async () => {
    const stats: MarketRaceStats = { runs: 0, actions: 0, requests: 0, proposed: 0 };
    await fc.assert(marketRaceProperty(stats, { needs: 10, rounds: 3 }), { numRuns: MARKET_RUNS });
    expect(stats.runs).toBe(MARKET_RUNS);
    console.info('soak market race', stats);
  });
});
