import { describe, expect, it } from 'vitest';
import type { Sme, TierVerification } from '#domain/model.ts';
import {
  appendHistory,
  applyOperatorFindings,
  dayOf,
  declaredTierOf,
  effectiveTier,
  HISTORY_LIMIT,
  profileOnDay,
  sameProfile,
  smeProfile,
  verificationFromRegister,
} from '#domain/verification.ts';
import { makeSme } from '#tests/support/factories.ts';

const AT = '2026-12-01T08:00:00.000Z';
const register = (over: Partial<TierVerification> = {}): TierVerification => ({
  source: 'REGISTER',
  tier: 'LITTLE_GIANT',
  validUntil: '2027-06-30',
  batch: '第五批',
  at: AT,
  ...over,
});
const operator = (over: Partial<TierVerification> = {}): TierVerification => ({ source: 'OPERATOR', tier: 'SPECIALIZED', at: AT, ...over });
const sme = (over: Partial<Sme> = {}): Sme => {
  const { tier: _legacy, ...s } = makeSme({ declaredTier: 'LITTLE_GIANT', ...over });
  return s;
};

describe('the verified tier', () => {
  it('is NONE without a verification, whatever the SME declared', () => {
    expect(effectiveTier(undefined, '2026-12-01')).toBe('NONE');
    expect(smeProfile(sme(), '2026-12-01').tier).toBe('NONE');
  });

  it('counts through its validUntil day (inclusive, UTC) and is NONE from the next day', () => {
    const v = register({ validUntil: '2026-12-31' });
    expect(effectiveTier(v, '2026-12-31')).toBe('LITTLE_GIANT');
    expect(effectiveTier(v, '2027-01-01')).toBe('NONE');
  });

  it('never lapses for an operator verification without an end date', () => {
    expect(effectiveTier(operator(), '2099-01-01')).toBe('SPECIALIZED');
  });

  it('takes the day of an instant in UTC', () => {
    expect(dayOf(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12-31');
    expect(dayOf(new Date('2027-01-01T00:00:00.000Z'))).toBe('2027-01-01');
  });
});

describe('the profile a need carries', () => {
  it('holds the verified tier with its end date, and the matcher lets it lapse on the day after without a write', () => {
    const p = smeProfile(sme({ tierVerification: register({ validUntil: '2026-12-10' }) }), '2026-12-01');
    expect(p).toMatchObject({ tier: 'LITTLE_GIANT', tierValidUntil: '2026-12-10' });
    expect(profileOnDay(p, '2026-12-10')).toBe(p);
    const lapsed = profileOnDay(p, '2026-12-11');
    expect(lapsed.tier).toBe('NONE');
    expect(lapsed).not.toHaveProperty('tierValidUntil');
  });

  it('copies an already lapsed verification as NONE', () => {
    expect(smeProfile(sme({ tierVerification: register({ validUntil: '2026-11-30' }) }), '2026-12-01')).not.toHaveProperty('tierValidUntil');
    expect(smeProfile(sme({ tierVerification: register({ validUntil: '2026-11-30' }) }), '2026-12-01').tier).toBe('NONE');
  });

  it('marks a suspended SME, and two profiles differ when only the suspension differs', () => {
    const s = sme({ suspension: { reason: 'licence revoked', at: AT, by: 'op' } });
    const p = smeProfile(s, '2026-12-01');
    expect(p.suspended).toBe(true);
    const { suspension: _s, ...free } = s;
    expect(sameProfile(p, smeProfile(free, '2026-12-01'))).toBe(false);
    expect(sameProfile(p, smeProfile(s, '2026-12-01'))).toBe(true);
  });
});

describe('records made before declared and verified tiers were apart', () => {
  it('read the old tier field as the declared tier and have no verification', () => {
    const { declaredTier: _d, ...old } = makeSme({ tier: 'LITTLE_GIANT' });
    expect(declaredTierOf(old)).toBe('LITTLE_GIANT');
    expect(smeProfile(old as Sme, '2026-12-01').tier).toBe('NONE');
  });
});

describe('a register entry', () => {
  const entry = { tier: 'LITTLE_GIANT' as const, validUntil: '2027-06-30', batch: '第五批' };

  it('verifies an SME without a verification', () => {
    expect(verificationFromRegister(undefined, entry, '2026-12-01', AT)).toEqual(register());
  });

  it('changes nothing when the same entry comes again (idempotent re-import)', () => {
    expect(verificationFromRegister(register(), entry, '2026-12-01', AT)).toBeUndefined();
  });

  it('replaces an earlier register verification that differs (the register keeps one entry per USCC)', () => {
    expect(verificationFromRegister(register({ tier: 'SPECIALIZED', validUntil: '2026-12-31' }), entry, '2026-12-01', AT)).toEqual(register());
  });

  it('does not overrule an operator verification that still holds, but does once it has lapsed', () => {
    expect(verificationFromRegister(operator(), entry, '2026-12-01', AT)).toBeUndefined();
    expect(verificationFromRegister(operator({ validUntil: '2026-12-31' }), entry, '2026-12-31', AT)).toBeUndefined();
    expect(verificationFromRegister(operator({ validUntil: '2026-12-31' }), entry, '2027-01-01', AT)).toEqual(register());
  });
});

describe("an operator's findings", () => {
  it('replace the tier verification, correct the size class and mark it verified, recording from and to', () => {
    const s = sme({ sizeClass: 'MICRO', tierVerification: register() });
    const { changes, entry } = applyOperatorFindings(s, { tier: 'NONE', tierValidUntil: '2027-01-31', sizeClass: 'MEDIUM' }, 'op-1', AT, 'annual report: 420 staff');
    expect(changes).toEqual({
      tierVerification: { source: 'OPERATOR', tier: 'NONE', validUntil: '2027-01-31', at: AT },
      sizeClass: 'MEDIUM',
      verified: { sizeClass: true, weakFoundation: false },
    });
    expect(entry).toEqual({
      at: AT,
      by: 'op-1',
      note: 'annual report: 420 staff',
      changes: {
        tierVerification: { from: register(), to: changes.tierVerification },
        sizeClass: { from: 'MICRO', to: 'MEDIUM' },
      },
    });
  });

  it('leave the tier alone when only weak foundation is verified', () => {
    const { changes } = applyOperatorFindings(sme({ tierVerification: register() }), { weakFoundation: true }, 'op', AT, 'site visit');
    expect(changes).toEqual({ weakFoundation: true, verified: { sizeClass: false, weakFoundation: true } });
  });
});

describe('the history kept on the SME', () => {
  it('keeps the newest entries only, up to its limit', () => {
    let history: Sme['verificationHistory'] = [];
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) history = appendHistory({ verificationHistory: history }, { at: AT, by: `op-${i}`, changes: {} });
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history[0]!.by).toBe('op-5');
    expect(history.at(-1)!.by).toBe(`op-${HISTORY_LIMIT + 4}`);
  });
});
