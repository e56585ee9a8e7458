/**
 * The end-to-end bench posts with enough SMEs that the open-need quotas
 * (functions/usecases/quotas.ts) refuse none of its POSTs: every need of the
 * run stays open (WAITING or PROPOSED), so no SME may post more than its
 * limits over the whole run. Checked against the quotas' default limits as
 * the runtime loads them, and others.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#functions/config.ts';
import { postedBy, smesFor } from '../../bench/e2e.ts';

/** The most needs one SME posts over the run, in all and in one market. */
function busiest(total: number, smes: number) {
  const perSme = new Map<number, number>();
  const perSmeAndMarket = new Map<string, number>();
  for (let i = 0; i < total; i++) {
    const { sme, market } = postedBy(i, smes);
    perSme.set(sme, (perSme.get(sme) ?? 0) + 1);
    perSmeAndMarket.set(`${sme}|${market}`, (perSmeAndMarket.get(`${sme}|${market}`) ?? 0) + 1);
  }
  return { perSme: Math.max(...perSme.values()), perSmeAndMarket: Math.max(...perSmeAndMarket.values()) };
}

describe('the e2e bench stays within the open-need quotas', () => {
  const config = loadConfig({ TABLE_NAME: 'tbl', CURSOR_SECRET: 'x'.repeat(32) });
  const defaults = { perSme: config.QUOTA_OPEN_NEEDS_PER_SME, perSmeAndType: config.QUOTA_OPEN_NEEDS_PER_SME_AND_TYPE };

  it.each([
    ['the quick run (20 s at 8/s)', 160],
    ['the full run (60 s at 8/s)', 480],
    ['a faster full run (60 s at 20/s)', 1200],
    ['a total that is no multiple of the markets', 163],
  ])('with the default limits: %s', (_what, total) => {
    const n = smesFor(total, defaults);
    const b = busiest(total, n);
    expect(b.perSme).toBeLessThanOrEqual(defaults.perSme);
    expect(b.perSmeAndMarket).toBeLessThanOrEqual(defaults.perSmeAndType);
  });

  it('takes more SMEs when the limits are tighter, and as many as it needs, not fewer than 40', () => {
    const tight = { perSme: 4, perSmeAndType: 1 };
    const n = smesFor(480, tight);
    const b = busiest(480, n);
    expect(b.perSme).toBeLessThanOrEqual(tight.perSme);
    expect(b.perSmeAndMarket).toBeLessThanOrEqual(tight.perSmeAndType);
    // 480 needs, 4 markets, one open need per SME and market: 120 SMEs, no more.
    expect(n).toBe(120);
    expect(smesFor(8, defaults)).toBe(40);
  });
});
