/**
 * Verified facts of an SME: which tier the matcher may count, and how a
 * register entry or an operator's finding changes it. Pure: no I/O; "today"
 * is always passed in (a YYYY-MM-DD day in UTC), so a lapse is a question of
 * the date, never of a job having run.
 *
 * The rules:
 * - The declared tier is what the SME says; it is kept and shown, never used.
 * - The verified tier is the tier of the SME's `tierVerification` while its
 *   `validUntil` is today or later (inclusive, UTC); otherwise NONE. An
 *   operator's verification without `validUntil` does not lapse.
 * - A register entry mirrors the register (the register keeps one entry per
 *   USCC, the latest import wins): it replaces a REGISTER verification that
 *   differs from it, and replaces an OPERATOR verification only once that has
 *   lapsed. An operator who verified by hand (e.g. after checking a newer
 *   notice than the imported list) is not overruled by a bulk import; to let
 *   the register speak again, the operator verifies with a past or near date.
 * - An operator's verification always replaces the current one.
 */
import type { SizeClass, Sme, SmeProfile, Tier, TierVerification, VerificationEntry, VerifiedTier } from './model.ts';

/** The UTC day of an instant, as registers and verifications write dates. */
export const dayOf = (d: Date): string => d.toISOString().slice(0, 10);

/** Still counts on `today`: no end date, or an end date not yet past. */
export function isValidOn(v: { validUntil?: string | undefined }, today: string): boolean {
  return v.validUntil === undefined || v.validUntil >= today;
}

/** The tier the matcher may count on `today`: a verification still valid, else NONE. */
export function effectiveTier(v: TierVerification | undefined, today: string): Tier {
  return v && isValidOn(v, today) ? v.tier : 'NONE';
}

/** What the SME declared; records made before declared and verified were apart hold it in `tier`. */
export function declaredTierOf(s: Pick<Sme, 'declaredTier' | 'tier'>): Tier {
  return s.declaredTier ?? s.tier ?? 'NONE';
}

/** Which declared facts an operator has verified; none on records older than verification. */
export function verifiedFactsOf(s: Pick<Sme, 'verified'>): { sizeClass: boolean; weakFoundation: boolean } {
  return { sizeClass: s.verified?.sizeClass ?? false, weakFoundation: s.verified?.weakFoundation ?? false };
}

/**
 * The profile a need carries for the matcher. The tier is the verified one
 * as of `today` with its end date, so the matcher can let it lapse at round
 * time (profileOnDay); a verification already lapsed is copied as NONE.
 * Size class and weak foundation are the declared values as operators have
 * verified or corrected them (a correction replaces the value on the SME).
 */
export function smeProfile(s: Sme, today: string): SmeProfile {
  const v = s.tierVerification;
  const tier = effectiveTier(v, today);
  return {
    sizeClass: s.sizeClass,
    tier,
    ...(tier !== 'NONE' && v?.validUntil !== undefined ? { tierValidUntil: v.validUntil } : {}),
    region: s.region,
    weakFoundation: s.weakFoundation,
    ...(s.suspension ? { suspended: true } : {}),
  };
}

/** A need's profile as the matcher must see it on `today`: a tier past its end date counts as NONE. */
export function profileOnDay(p: SmeProfile, today: string): SmeProfile {
  if (p.tier === 'NONE' || p.tierValidUntil === undefined || p.tierValidUntil >= today) return p;
  const { tierValidUntil: _lapsed, ...rest } = p;
  return { ...rest, tier: 'NONE' };
}

/** Two profiles the matcher would treat alike (no refresh needed). */
export function sameProfile(a: SmeProfile, b: SmeProfile): boolean {
  return (
    a.sizeClass === b.sizeClass &&
    a.tier === b.tier &&
    a.tierValidUntil === b.tierValidUntil &&
    a.weakFoundation === b.weakFoundation &&
    (a.suspended ?? false) === (b.suspended ?? false) &&
    a.region.province === b.region.province &&
    a.region.city === b.region.city
  );
}

export interface RegisterEntryFacts {
  tier: VerifiedTier;
  validUntil: string;
  batch?: string | undefined;
}

/**
 * The verification a register entry leaves on the SME, or undefined when it
 * changes nothing: the same entry again, or an operator's verification that
 * still holds on `today` (see the rules above).
 */
export function verificationFromRegister(
  current: TierVerification | undefined,
  entry: RegisterEntryFacts,
  today: string,
  at: string,
): TierVerification | undefined {
  if (current?.source === 'OPERATOR' && isValidOn(current, today)) return undefined;
  if (
    current?.source === 'REGISTER' &&
    current.tier === entry.tier &&
    current.validUntil === entry.validUntil &&
    current.batch === entry.batch
  ) {
    return undefined;
  }
  return { source: 'REGISTER', tier: entry.tier, validUntil: entry.validUntil, ...(entry.batch !== undefined ? { batch: entry.batch } : {}), at };
}

export interface OperatorFindings {
  tier?: Tier | undefined;
  tierValidUntil?: string | undefined;
  sizeClass?: SizeClass | undefined;
  weakFoundation?: boolean | undefined;
}

/** The SME fields an operator's findings change, and the history entry that records them. */
export function applyOperatorFindings(
  s: Sme,
  f: OperatorFindings,
  by: string,
  at: string,
  note: string,
): { changes: Partial<Sme>; entry: VerificationEntry } {
  const changes: Partial<Sme> = {};
  const diff: VerificationEntry['changes'] = {};
  if (f.tier !== undefined) {
    const next: TierVerification = {
      source: 'OPERATOR',
      tier: f.tier,
      ...(f.tierValidUntil !== undefined ? { validUntil: f.tierValidUntil } : {}),
      at,
    };
    changes.tierVerification = next;
    diff.tierVerification = { from: s.tierVerification ?? null, to: next };
  }
  const verified = verifiedFactsOf(s);
  if (f.sizeClass !== undefined) {
    changes.sizeClass = f.sizeClass;
    verified.sizeClass = true;
    diff.sizeClass = { from: s.sizeClass, to: f.sizeClass };
  }
  if (f.weakFoundation !== undefined) {
    changes.weakFoundation = f.weakFoundation;
    verified.weakFoundation = true;
    diff.weakFoundation = { from: s.weakFoundation, to: f.weakFoundation };
  }
  if (f.sizeClass !== undefined || f.weakFoundation !== undefined) changes.verified = verified;
  return { changes, entry: { at, by, changes: diff, note } };
}

/** History kept on the item: enough for an operator's review, bounded so the item stays small. */
export const HISTORY_LIMIT = 50;

export function appendHistory(s: Pick<Sme, 'verificationHistory'>, entry: VerificationEntry): VerificationEntry[] {
  return [...(s.verificationHistory ?? []), entry].slice(-HISTORY_LIMIT);
}
