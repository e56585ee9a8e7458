/**
 * The long fuzz run (npm run test:soak): the properties of
 * tests/reliability/fuzz.test.ts on 10,000 in-process cases over every
 * endpoint, and 2,000 real HTTP requests through the local gateway with
 * forged, expired and tampered tokens and raw bodies, and 2,000 cases sent
 * both through the gateway and straight to the Lambda (parity). Each fuzzer gets a
 * fresh fixture per batch so that state piled up by earlier successes
 * (hundreds of SMEs, providers, needs) does not slow the later cases down.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseArb, fuzzFixture, runInProcessCase, type FuzzStats } from '../reliability/support/fuzz.ts';
import { gatewayCaseArb, gatewayFixture, runGatewayCase } from '../reliability/support/gateway-fuzz.ts';
import { parityCaseArb, parityFixture, runParityCase, type ParityStats } from '../reliability/support/parity.ts';

const IN_PROCESS_CASES = 10_000;
const IN_PROCESS_BATCH = 2_500;
const GATEWAY_CASES = 2_000;
const GATEWAY_BATCH = 1_000;
const PARITY_CASES = 2_000;

describe('soak: every endpoint fuzzed', () => {
  it(`${IN_PROCESS_CASES} in-process cases: never a 5xx, every 4xx in the error shape, nothing written or published on a refusal`, async () => {
    const stats: FuzzStats = { cases: 0, byStatus: {} };
    for (let done = 0; done < IN_PROCESS_CASES; done += IN_PROCESS_BATCH) {
      const fx = await fuzzFixture();
      await fc.assert(
        fc.asyncProperty(caseArb(fx), (c) => runInProcessCase(fx, c, stats)),
        { numRuns: IN_PROCESS_BATCH },
      );
    }
    expect(stats.cases).toBeGreaterThanOrEqual(IN_PROCESS_CASES);
    for (const s of [200, 201, 400, 401, 403, 404, 409, 413]) {
      expect(stats.byStatus[s] ?? 0, `status ${s} never seen: ${JSON.stringify(stats.byStatus)}`).toBeGreaterThan(0);
    }
    console.info('soak fuzz (in process) statuses', stats.byStatus);
  });

  it(`${GATEWAY_CASES} HTTP cases through the local gateway: never a 5xx, nothing written on a refusal`, async () => {
    const stats: FuzzStats = { cases: 0, byStatus: {} };
    for (let done = 0; done < GATEWAY_CASES; done += GATEWAY_BATCH) {
      const fx = await gatewayFixture();
      try {
        await fc.assert(
          fc.asyncProperty(gatewayCaseArb(fx), (c) => runGatewayCase(fx, c, stats)),
          { numRuns: GATEWAY_BATCH },
        );
      } finally {
        await fx.close();
      }
    }
    expect(stats.cases).toBeGreaterThanOrEqual(GATEWAY_CASES);
    for (const s of [200, 201, 400, 401, 403, 404, 413]) {
      expect(stats.byStatus[s] ?? 0, `status ${s} never seen: ${JSON.stringify(stats.byStatus)}`).toBeGreaterThan(0);
    }
    console.info('soak fuzz (gateway) statuses', stats.byStatus);
  });

  it(`${PARITY_CASES} cases sent through the local gateway and straight to the Lambda: the same status and code both ways`, async () => {
    const stats: ParityStats = { cases: 0, refusedBySchema: 0, byStatus: {} };
    const fx = await parityFixture();
    try {
      await fc.assert(
        fc.asyncProperty(parityCaseArb(fx), (c) => runParityCase(fx, c, stats)),
        { numRuns: PARITY_CASES },
      );
    } finally {
      await fx.env.close();
    }
    expect(stats.cases).toBe(PARITY_CASES);
    expect(stats.refusedBySchema).toBeGreaterThan(PARITY_CASES / 3);
    console.info('soak parity statuses', stats.byStatus);
  });
});
