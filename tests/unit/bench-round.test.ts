import { describe, expect, it } from 'vitest';
import { generateRound, measureAllPairs, measureRound } from '../../bench/round.ts';

describe('the market-round bench (bench/round.ts)', () => {
  it('generates the same market for the same size, with needs in many provinces and offerings each in one to three', () => {
    const a = generateRound(300, 60);
    const b = generateRound(300, 60);
    expect(a).toEqual(b);
    expect(new Set(a.needs.map((n) => n.sme.region.province)).size).toBeGreaterThan(20);
    expect(a.all.every((c) => c.offering.regions.length >= 1 && c.offering.regions.length <= 3)).toBe(true);
  });

  it('pairs a small market as the plain way does, and accounts for every need: proposed or told why it waits', () => {
    const row = measureRound(300, 60);
    expect(row.edges).toBe(measureAllPairs(300, 60).pairs);
    expect(row.edges).toBeGreaterThan(0);
    expect(row.proposed + row.waiting).toBe(300);
    expect(row.proposed).toBeGreaterThan(0);
    expect(row.waiting).toBeGreaterThan(0);
  });
});
