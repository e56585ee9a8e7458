/**
 * The domain tests' base pair: a small Sichuan firm wanting an energy audit
 * (scoring and waiting reasons start from the same need, so they cannot drift).
 */
import type { Need, SmeProfile } from '#domain/model.ts';

export const NOW = new Date('2026-11-01T00:00:00.000Z');

/** An eligible pair: a small Sichuan firm wanting an energy audit from a Sichuan green-audit firm. */
export function makeNeed(over: Partial<Need> = {}, sme: Partial<SmeProfile> = {}): Need {
  return {
    id: 'n-1',
    smeId: 's-1',
    ownerSub: 'sub-sme',
    serviceType: 'energy-audit',
    description: 'Annual energy audit',
    remoteOk: false,
    languages: ['zh-CN'],
    markets: [],
    budgetMax: 10_000,
    deadline: '2026-12-31',
    status: 'WAITING',
    sme: { sizeClass: 'SMALL', tier: 'NONE', region: { province: 'CN-SC' }, weakFoundation: false, ...sme },
    postedAt: '2026-10-30T08:00:00.000Z',
    updatedAt: '2026-10-30T08:00:00.000Z',
    version: 1,
    excludedOfferingIds: [],
    ...over,
  };
}
