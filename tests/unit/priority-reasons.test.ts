/**
 * The priority reasons a match stores (domain/priority-reasons.ts): every
 * code the policy can write reads back to the rule that wrote it, which is
 * what the console words (web/src/priority-reasons.ts; in the browser:
 * tests/browser/console.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SERVICE_TYPE_IDS } from '#domain/catalog.ts';
import { SIZE_CLASSES, TIERS, type SmeProfile } from '#domain/model.ts';
import { priorityFor } from '#domain/policy.ts';
import { parsePriorityReason, priorityReasonCode } from '#domain/priority-reasons.ts';
import { PROVINCE_CODES } from '#domain/regions.ts';

const profile = fc.record<SmeProfile>({
  sizeClass: fc.constantFrom(...SIZE_CLASSES),
  tier: fc.constantFrom(...TIERS),
  region: fc.record({ province: fc.constantFrom(...PROVINCE_CODES) }),
  weakFoundation: fc.boolean(),
});

describe('priority reason codes', () => {
  it('reads back every code the policy writes, and writes it again unchanged', () => {
    fc.assert(
      fc.property(profile, fc.constantFrom(...SERVICE_TYPE_IDS), fc.boolean(), (sme, st, publicWelfare) => {
        for (const code of priorityFor(sme, st, { publicWelfare }).reasons) {
          const r = parsePriorityReason(code);
          expect(r, code).not.toBeNull();
          expect(priorityReasonCode(r!)).toBe(code);
        }
      }),
    );
  });

  it('names the rule each code stands for', () => {
    expect(parsePriorityReason('tier:LITTLE_GIANT')).toEqual({ kind: 'tier', tier: 'LITTLE_GIANT' });
    expect(parsePriorityReason('size:MICRO+publicWelfare')).toEqual({ kind: 'sizePublicWelfare', sizeClass: 'MICRO' });
    expect(parsePriorityReason('region:WESTERN')).toEqual({ kind: 'region', region: 'WESTERN' });
    expect(parsePriorityReason('weakFoundation:energy-saving-diagnosis')).toEqual({ kind: 'weakFoundation', serviceType: 'energy-saving-diagnosis' });
  });

  it('knows no code outside the vocabulary', () => {
    for (const code of ['tier:GIANT', 'size:MICRO', 'size:HUGE+publicWelfare', 'region:EASTERN', 'weakFoundation:', 'tier:LITTLE_GIANT ', '']) {
      expect(parsePriorityReason(code), code).toBeNull();
    }
  });
});
