import { it } from 'vitest';
import { crashScenario } from '../reliability/support/crash.ts';
it.each([1, 2, 3, 4])('crash %i', async () => {
  console.info(await crashScenario({ kills: 3, needsPerBurst: 30 }));
});
