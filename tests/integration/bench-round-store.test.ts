import { describe, expect, it } from 'vitest';
import { measureRound, measureRoundWithStore } from '../../bench/round.ts';

describe('the market-round bench against dynalite (bench/round.ts)', () => {
  it('runs the whole round as the matcher does and proposes exactly what the round decided in memory', async () => {
    const inMemory = measureRound(120, 30);
    const withStore = await measureRoundWithStore(120, 30);
    expect(withStore.proposed).toBe(inMemory.proposed);
    expect(withStore.proposed).toBeGreaterThan(0);
    // Every need left waiting is told why: the first round finds no reasons stored before.
    expect(withStore.reasonsWritten).toBe(120 - inMemory.proposed);
  }, 60_000);
});
