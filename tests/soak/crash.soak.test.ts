/**
 * The long crash run (npm run test:soak): the local runtime (npm start)
 * killed with SIGKILL three times in bursts of need posts, restarted each
 * time on the same data; then the checks of tests/reliability/faults.test.ts
 * (b): no need lost, one need per Idempotency-Key, no overbooking, no
 * duplicate match, and after the expiry recheck every ledger holds exactly
 * its matches. Run twice, with kills at random points.
 */
import { describe, expect, it } from 'vitest';
import { crashScenario } from '../reliability/support/crash.ts';

describe('soak: SIGKILL loop', () => {
  it.each([1, 2])('run %i: three kills in bursts of 30 posts lose no need and overbook nothing', async () => {
    const report = await crashScenario({ kills: 3, needsPerBurst: 30 });
    expect(report.kills).toBe(3);
    expect(report.needsCreated).toBe(90);
    console.info('soak crash run', report);
  });
});
