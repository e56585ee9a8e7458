/**
 * Every route refuses what its schema refuses, in the local gateway and in
 * the Lambda handler alike: the same request answers the same status and
 * error code both ways (tests/reliability/support/parity.ts; the soak runs
 * more cases).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/http/routes.ts';
import { parityCaseArb, parityFixture, runParityCase, type ParityFixture, type ParityStats } from './support/parity.ts';

const CASES = 300;

describe('gateway and Lambda parity on every route', () => {
  let fx: ParityFixture;
  beforeAll(async () => {
    fx = await parityFixture();
  }, 60_000);
  afterAll(async () => {
    await fx?.env.close();
  });

  it(`${CASES} requests, mostly refused by their schemas: the same status and error code both ways, never a 5xx`, async () => {
    const stats: ParityStats = { cases: 0, refusedBySchema: 0, byStatus: {} };
    await fc.assert(
      fc.asyncProperty(parityCaseArb(fx), (c) => runParityCase(fx, c, stats)),
      { numRuns: CASES },
    );
    expect(stats.cases).toBe(CASES);
    expect(stats.refusedBySchema).toBeGreaterThan(CASES / 3);
    expect(stats.byStatus[400] ?? 0).toBeGreaterThan(0);
    expect(Object.keys(ROUTES).length).toBeGreaterThan(0);
  }, 300_000);
});
